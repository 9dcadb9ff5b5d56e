"""Every lint fixture under tests/lint/fixtures fires exactly the diagnostics it declares.

A case is a file or a folder named `SG123-pass...` or `SG123-fail...`. Expectations are
`<!-- expect: SG123 -->` comments on the line where a diagnostic must fire (optionally
`SG123:warning` to pin the effective severity, several separated by commas), or, for
binary and non-XML files, a sidecar `<file>.expect` with `LINE CODE` lines (`-` for no
line). Options come from a `<!-- lint-options: key=value ... -->` comment or a
`# options:` line in a sidecar; by default only `isp_paybooc` is selected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from schemegen.core import parsing
from schemegen.lint import run as lint
from schemegen.lint.rules import LintContext
from schemegen.registry.selection import Criteria
from schemegen.registry.validate import load

FIXTURES = Path(__file__).parent / "fixtures"
CASE = re.compile(r"(SG\d{3})-(pass|fail)")
EXPECT = re.compile(r"<!--\s*expect:\s*(.*?)\s*-->")
OPTIONS = re.compile(r"<!--\s*lint-options:\s*(.*?)\s*-->")

Expected = tuple[str, int | None, str, str | None]


def cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if CASE.match(p.name) and p.suffix != ".expect")


def case_files(case: Path) -> Iterator[Path]:
    if case.is_dir():
        yield from sorted(p for p in case.rglob("*") if p.is_file() and p.suffix != ".expect")
    else:
        yield case


def _codes(text: str) -> Iterator[tuple[str, str | None]]:
    for item in text.split(","):
        code, _, severity = item.strip().partition(":")
        yield code, severity or None


def expectations(case: Path) -> tuple[list[Expected], dict[str, str]]:
    base = case if case.is_dir() else case.parent
    expected: list[Expected] = []
    options: dict[str, str] = {}
    for path in case_files(case):
        rel = path.relative_to(base).as_posix()
        sidecar = path.with_name(path.name + ".expect")
        if sidecar.exists():
            for raw in sidecar.read_text(encoding="utf-8").splitlines():
                if raw.startswith("# options:"):
                    options.update(item.split("=", 1) for item in raw[10:].split())
                elif raw.strip() and not raw.startswith("#"):
                    line, codes = raw.split(None, 1)
                    expected.extend(
                        (rel, None if line == "-" else int(line), code, severity)
                        for code, severity in _codes(codes)
                    )
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in EXPECT.finditer(text):
                expected.extend((rel, number, c, s) for c, s in _codes(match[1]))
            for match in OPTIONS.finditer(text):
                options.update(item.split("=", 1) for item in match[1].split())
    return expected, options


registry = cache(load)


def context(options: dict[str, str]) -> LintContext:
    def csv(key: str, default: str) -> tuple[str, ...]:
        return tuple(v for v in options.get(key, default).split(",") if v)

    return LintContext(
        registry=registry(),
        app_scheme=options.get("app_scheme"),
        criteria=Criteria(
            pg=options.get("pg"), methods=csv("methods", ""), include=csv("include", "isp_paybooc")
        ),
        target_sdk=int(options["target_sdk"]) if "target_sdk" in options else None,
        ios_query_limit=int(options.get("ios_query_limit", "25")),
        require_queries=options.get("require_queries") == "true",
    )


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_fixture(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected, options = expectations(case)
    if "max_bytes" in options:
        monkeypatch.setattr(parsing, "MAX_BYTES", int(options["max_bytes"]))
    base = case if case.is_dir() else case.parent
    result = lint.run([case], context(options))
    actual = sorted(
        (
            Path(d.path).relative_to(base).as_posix()
            if Path(d.path).is_relative_to(base)
            else d.path,
            d.line,
            d.code,
        )
        for d in result.diagnostics
    )
    assert actual == sorted((f, line, code) for f, line, code, _ in expected), "\n".join(
        f"{d.path}:{d.line}: {d.code} [{d.severity}] {d.message}" for d in result.diagnostics
    )
    by_place = {(Path(d.path).name, d.line, d.code): d.severity.value for d in result.diagnostics}
    for file, line, code, severity in expected:
        if severity is not None:
            assert by_place[(Path(file).name, line, code)] == severity, (file, line, code)
    code, kind = CASE.match(case.name).groups()  # type: ignore[union-attr]
    fired = {c for _, _, c, _ in expected}
    assert (code in fired) == (kind == "fail"), (
        f"{case.name} must {'' if kind == 'fail' else 'not '}fire {code}"
    )


LAUNCHER = """<intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
            <intent-filter>"""


@pytest.mark.parametrize(
    ("pg", "methods", "limit"),
    [
        (None, ("card", "trans", "easypay"), 25),
        ("kcp", ("card",), 25),
        ("html5_inicis", ("card", "trans", "easypay", "phone"), 50),
    ],
)
def test_generated_output_lints_clean(
    tmp_path: Path, pg: str | None, methods: tuple[str, ...], limit: int
) -> None:
    """`schemegen generate` output, merged into a minimal app, gives no findings at all.

    Only the `info` notes about the selected apps that do not come back through the app
    scheme (KakaoPay, PASS on iOS) remain: they describe the flow, not a mistake.
    """
    from schemegen.generate.views import Options, generate

    criteria = Criteria(pg=pg, methods=methods)
    out = generate(registry(), criteria, Options(app_scheme="myshop", pg=pg, ios_query_limit=limit))
    manifest = tmp_path / "android" / "app" / "src" / "main" / "AndroidManifest.xml"
    plist = tmp_path / "ios" / "Runner" / "Info.plist"
    manifest.parent.mkdir(parents=True)
    plist.parent.mkdir(parents=True)
    manifest.write_text(
        out.by_key["manifest"].replace("<intent-filter>", LAUNCHER, 1), encoding="utf-8"
    )
    plist.write_text(out.by_key["plist"], encoding="utf-8")
    context = LintContext(
        registry(),
        app_scheme="myshop",
        criteria=criteria,
        target_sdk=34,
        ios_query_limit=limit,
        require_queries=True,
    )
    result = lint.run([tmp_path], context)
    assert len(result.files) == 2
    assert {d.code for d in result.diagnostics} <= {"SG114", "SG216"}
    assert all(d.severity == "info" for d in result.diagnostics)


def test_the_lint_path_does_not_import_jinja2() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from schemegen.lint import run as lint;"
        " from schemegen.registry import validate as registry;"
        " from schemegen.lint.rules import LintContext;"
        f"lint.run([{str(FIXTURES / 'SG301-pass')!r}], LintContext(registry.load()));"
        "print('jinja2' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
