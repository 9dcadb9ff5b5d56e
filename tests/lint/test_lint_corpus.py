"""The linter over the shared corpus of real manifests and plists, against a reviewed snapshot.

Regenerate with SCHEMEGEN_UPDATE_SNAPSHOTS=1 (the review notes at the top are kept), then
review the diff file by file against the corpus INDEX.tsv.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from conftest import corpus_dir

from schemegen.core.diagnostics import Diagnostic
from schemegen.lint import run as lint
from schemegen.lint.rules import LintContext
from schemegen.registry.validate import load

SNAPSHOT = Path(__file__).parent / "snapshots" / "corpus_lint.txt"


@cache
def corpus_findings() -> tuple[Diagnostic, ...]:
    corpus = corpus_dir()
    result = lint.run([corpus], LintContext(load()))
    assert len(result.files) == sum(
        1 for line in (corpus / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:] if line
    )
    return tuple(
        Diagnostic(
            Path(d.path).relative_to(corpus).as_posix(),
            d.line,
            d.code,
            d.severity,
            d.message,
            d.fix,
        )
        for d in result.diagnostics
    )


def render(findings: tuple[Diagnostic, ...]) -> list[str]:
    return [
        f"{d.path}:{d.line if d.line is not None else '-'}: {d.code} [{d.severity}]"
        for d in findings
    ]


def test_corpus_matches_the_reviewed_snapshot() -> None:
    lines = render(corpus_findings())
    text = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    notes = [line for line in text.splitlines() if line.startswith("#")]
    if os.environ.get("SCHEMEGEN_UPDATE_SNAPSHOTS") == "1":
        text = "\n".join(notes + lines) + "\n"
        SNAPSHOT.write_text(text, encoding="utf-8")
    recorded = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == recorded, "corpus findings changed: review, then SCHEMEGEN_UPDATE_SNAPSHOTS=1"
    assert not any("/work/" in line or line.startswith("/") for line in lines)


def _find(path_part: str, code: str) -> list[Diagnostic]:
    return [d for d in corpus_findings() if path_part in d.path and d.code == code]


def test_catches_the_known_problems() -> None:
    typos = [d for d in corpus_findings() if d.code == "SG203"]
    assert {d.path.split("/")[0] for d in typos} == {
        "yoonjaepark__flutter_iamport",
        "iamport__iamport-nice-ios",
    }
    assert all(
        "`nhappvardansimclick`" in d.message and "`nhappcardansimclick`" in d.message for d in typos
    )
    assert any(
        "com.android.myReactNativeProject" in d.message
        for d in _find("iamport-intl__react-native-demo-app/android", "SG103")
    )
    assert any("iamReactNative" in d.message for d in _find("wlsgml719", "SG212"))
    assert len(_find("", "SG104")) >= 10
    assert _find("OverGrounder__ICP_Prototype", "SG102")
    assert _find("bootpay__react-native-bootpay/android", "SG108")[0].line == 79
    placeholders = " ".join(d.message for d in _find("", "SG206"))
    assert "`example`" in placeholders and "kakao0123456789abcdefghijklmn" in placeholders
    assert _find("muaga__flutter-last-project/ios", "SG207")
    assert _find("iamport__iamport-inicis-ios", "SG207")


def test_library_manifests_get_no_app_level_demands() -> None:
    app_level = {"SG101", "SG109", "SG111", "SG301", "SG302"}
    for library in ("bootpay__android/core", "bootpay__react-native-bootpay/android/src"):
        found = {d.code for d in corpus_findings() if d.path.startswith(library)}
        assert found and not found & app_level, (library, found)


def test_no_typo_claims_on_real_registry_values() -> None:
    registry = load()
    real = {v.lower() for app in registry.apps for v in app.values}
    for d in corpus_findings():
        if d.code in ("SG107", "SG203"):
            claimed = d.message.split("`")[1]
            assert claimed.lower() not in real, d
