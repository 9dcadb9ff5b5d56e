"""SARIF output: accepted by the published 2.1.0 schema and by Microsoft's SARIF Multitool.

The schema file and the `Sarif.Multitool` binary ship in the npm package
`@microsoft/sarif-multitool-linux`. The tests find them through `SARIF_SCHEMA` and
`SARIF_MULTITOOL`, or under `$SCHEMEGEN_TOOLS` (default /work/tools) where `.ci/run` runs
`npm install --prefix "$SCHEMEGEN_TOOLS" @microsoft/sarif-multitool-linux`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import skip_or_fail

from schemegen import __version__
from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.lint.report import SRCROOT, Report, format_sarif

PACKAGE = Path("node_modules", "@microsoft", "sarif-multitool-linux")


def _package_dirs() -> Iterator[Path]:
    if os.environ.get("SARIF_MULTITOOL"):
        yield Path(os.environ["SARIF_MULTITOOL"]).parent
    yield Path(os.environ.get("SCHEMEGEN_TOOLS", "/work/tools")) / PACKAGE


def schema_path() -> Path:
    candidates = [Path(os.environ["SARIF_SCHEMA"])] if os.environ.get("SARIF_SCHEMA") else []
    candidates += [folder / "sarif-2.1.0.json" for folder in _package_dirs()]
    for path in candidates:
        if path.is_file():
            return path
    return skip_or_fail(
        "SARIF 2.1.0 schema not found (set SARIF_SCHEMA, or npm install "
        "@microsoft/sarif-multitool-linux under $SCHEMEGEN_TOOLS as .ci/run does)"
    )


def multitool_path() -> Path:
    candidates = [Path(os.environ["SARIF_MULTITOOL"])] if os.environ.get("SARIF_MULTITOOL") else []
    candidates += [folder / "Sarif.Multitool" for folder in _package_dirs()]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return skip_or_fail(
        "Sarif.Multitool not found (set SARIF_MULTITOOL, or npm install "
        "@microsoft/sarif-multitool-linux under $SCHEMEGEN_TOOLS as .ci/run does)"
    )


def assert_schema_valid(log: dict[str, Any]) -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(schema, format_checker=validator.FORMAT_CHECKER).iter_errors(log)
    ]
    assert errors == []


def assert_multitool_clean(text: str, tmp_path: Path) -> None:
    """`Sarif.Multitool validate` reports no errors and no warnings (its default rule levels)."""
    tool = multitool_path()
    target = tmp_path / "schemegen.sarif"
    target.write_text(text, encoding="utf-8")
    out = tmp_path / "validation.sarif"
    completed = subprocess.run(
        [str(tool), "validate", str(target), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    console = completed.stdout + completed.stderr
    assert completed.returncode == 0, console
    run = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]
    assert all(inv.get("executionSuccessful") for inv in run["invocations"]), console
    notifications = [
        n
        for inv in run["invocations"]
        for n in inv.get("toolExecutionNotifications", [])
        + inv.get("toolConfigurationNotifications", [])
    ]
    assert [n for n in notifications if n.get("level", "warning") != "note"] == [], console
    # A result's level defaults to "warning" in SARIF.
    problems = [
        f"{r['ruleId']}: {r['message']}"
        for r in run.get("results", [])
        if r.get("level", "warning") in ("error", "warning")
    ]
    assert problems == [], console
    assert " error " not in console and " warning " not in console, console


# --- a synthetic report with every awkward case ---------------------------------------------------


def _documented(doc: object, context: object) -> Iterator[Diagnostic]:
    """Checks that the app's return scheme has an intent-filter.

    ## What it does
    Reports a manifest that no activity receives `--app-scheme` in.

    ## Why is this bad?
    The payment app cannot send the buyer back to the shop.

    ## References
    - [Intent filters](https://developer.android.com/guide/components/intents-filters)
    """
    return iter(())


def _terse(doc: object, context: object) -> Iterator[Diagnostic]:
    """Too many query schemes"""
    return iter(())


SYNTHETIC_RULES = (
    Rule("SG101", "missing-return-filter", Severity.ERROR, _documented),
    Rule("SG201", "too-many-query-schemes", Severity.WARNING, _terse),
)
SYNTHETIC = (
    Diagnostic(
        "android/app/src/main/AndroidManifest.xml",
        3,
        "SG101",
        Severity.ERROR,
        "no filter for `myshop`",
        "add an intent-filter",
    ),
    Diagnostic(
        "MyApp/Supporting Files/MyApp-Info.plist",
        None,
        "SG201",
        Severity.WARNING,
        "51 entries: `a`, `b` (iOS ignores the rest)",
    ),
    Diagnostic("./ios/Runner/../Runner/결제-Info.plist", 9, "SG201", Severity.INFO, "note?"),
    Diagnostic("/elsewhere/Info.plist", 7, "SG201", Severity.WARNING, "outside the root!"),
    Diagnostic("ios/Runner/Info.plist", 1, "SG999", Severity.ERROR, "a code with no rule 100%"),
    Diagnostic("ios/Runner/Info.plist", 2, "SG101", Severity.ERROR, 'line\nbreak "quotes" <x>'),
)


def synthetic_log() -> dict[str, Any]:
    report = Report(
        SYNTHETIC, ("a", "b"), SYNTHETIC_RULES, __version__, "2026.11.0", root="/work/repo"
    )
    return json.loads(format_sarif(report))


def test_structure() -> None:
    log = synthetic_log()
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "schemegen"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert run["originalUriBaseIds"] == {SRCROOT: {"uri": "file:///work/repo/"}}
    rules = driver["rules"]
    assert [r["id"] for r in rules] == ["SG101", "SG201"]
    assert rules[0]["name"] == "missing-return-filter"
    assert rules[0]["shortDescription"]["text"] == (
        "Checks that the app's return scheme has an intent-filter."
    )
    assert rules[0]["fullDescription"]["text"] == (
        "Reports a manifest that no activity receives `--app-scheme` in."
    )
    assert "## Why is this bad?" in rules[0]["help"]["text"]
    assert rules[0]["defaultConfiguration"] == {"level": "error"}
    assert rules[1]["defaultConfiguration"] == {"level": "warning"}
    assert rules[1]["fullDescription"]["text"] == "Too many query schemes."
    for rule in rules:
        assert rule["helpUri"].startswith("https://")

    results = run["results"]
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert set(by_uri) == {
        "android/app/src/main/AndroidManifest.xml",
        "MyApp/Supporting%20Files/MyApp-Info.plist",
        "ios/Runner/%EA%B2%B0%EC%A0%9C-Info.plist",
        "file:///elsewhere/Info.plist",
        "ios/Runner/Info.plist",
    }
    android = by_uri["android/app/src/main/AndroidManifest.xml"]
    assert android["ruleId"] == "SG101"
    assert android["ruleIndex"] == 0
    assert android["level"] == "error"
    assert android["message"]["text"] == "no filter for `myshop`. Fix: add an intent-filter."
    location = android["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {
            "uri": "android/app/src/main/AndroidManifest.xml",
            "uriBaseId": SRCROOT,
        },
        "region": {"startLine": 3},
    }
    binary = by_uri["MyApp/Supporting%20Files/MyApp-Info.plist"]
    assert binary["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert by_uri["ios/Runner/%EA%B2%B0%EC%A0%9C-Info.plist"]["level"] == "note"
    outside = by_uri["file:///elsewhere/Info.plist"]["locations"][0]["physicalLocation"]
    assert "uriBaseId" not in outside["artifactLocation"]
    unknown = next(r for r in results if r["ruleId"] == "SG999")
    assert "ruleIndex" not in unknown
    for result in results:
        assert result["message"]["text"].endswith((".", "?", "!"))


def test_synthetic_log_matches_the_schema() -> None:
    assert_schema_valid(synthetic_log())


def test_empty_log_matches_the_schema() -> None:
    log = json.loads(format_sarif(Report((), (), SYNTHETIC_RULES, __version__, "2026.11.0")))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["originalUriBaseIds"][SRCROOT]["uri"] == "file:///"
    assert_schema_valid(log)


@pytest.mark.slow
def test_synthetic_log_passes_the_multitool(tmp_path: Path) -> None:
    # SG999 has no rule metadata: SARIF allows that (ruleIndex left out), the Multitool too.
    assert_multitool_clean(json.dumps(synthetic_log()), tmp_path)


# --- the real rule table -------------------------------------------------------------------------


def real_log() -> tuple[tuple[Rule, ...], dict[str, Any]]:
    from schemegen.lint.rules import RULES

    diagnostics = tuple(
        rule.diagnostic(
            f"app{i}/AndroidManifest.xml",
            i + 1 if i % 3 else None,
            f"a finding of `{rule.name}`",
            fix="do what the rule says",
        )
        for i, rule in enumerate(RULES)
    )
    report = Report(
        diagnostics,
        tuple(d.path for d in diagnostics),
        RULES,
        __version__,
        "2026.11.0",
        root="/work/repo",
    )
    return RULES, json.loads(format_sarif(report))


def test_every_rule_has_complete_metadata() -> None:
    rules, log = real_log()
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == [r.code for r in rules]
    for descriptor in descriptors:
        for key in ("shortDescription", "fullDescription"):
            text = descriptor[key]["text"]
            assert text.endswith(".") and not text.startswith("#"), (descriptor["id"], text)
        assert "## What it does" in descriptor["help"]["text"], descriptor["id"]
    results = log["runs"][0]["results"]
    assert len(results) == len(rules)
    for result in results:
        assert descriptors[result["ruleIndex"]]["id"] == result["ruleId"]


def test_real_rules_match_the_schema() -> None:
    assert_schema_valid(real_log()[1])


@pytest.mark.slow
def test_real_rules_pass_the_multitool(tmp_path: Path) -> None:
    assert_multitool_clean(json.dumps(real_log()[1]), tmp_path)


# --- end to end: `schemegen lint --format sarif` on the real corpus -----------------------------


def corpus_sarif(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    from conftest import corpus_dir

    from schemegen.cli.main import main

    monkeypatch.chdir(corpus_dir())
    assert main(["lint", "--format", "sarif", "--app-scheme", "myshop", "."]) == 1
    return capsys.readouterr().out


def test_corpus_sarif_matches_the_schema(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = json.loads(corpus_sarif(capsys, monkeypatch))
    assert len(log["runs"][0]["results"]) > 50
    for result in log["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == SRCROOT
        assert not artifact["uri"].startswith(("/", ".", "file:"))
    assert_schema_valid(log)


@pytest.mark.slow
def test_corpus_sarif_passes_the_multitool(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert_multitool_clean(corpus_sarif(capsys, monkeypatch), tmp_path)


@pytest.mark.slow
def test_the_multitool_check_catches_warnings(tmp_path: Path) -> None:
    # Guard against a harness that passes everything: a result without a region and a
    # message without a final period are Multitool warnings.
    log = synthetic_log()
    result = log["runs"][0]["results"][0]
    del result["locations"][0]["physicalLocation"]["region"]
    result["message"]["text"] = "no period"
    with pytest.raises(AssertionError):
        assert_multitool_clean(json.dumps(log), tmp_path)
