"""Output formats: text, the public JSON contract, GitHub annotations, the summary, the table."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from schemegen import __version__
from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.lint.report import (
    FORMATS,
    RULES_END,
    RULES_START,
    Report,
    escape_github_data,
    escape_github_property,
    format_github,
    format_json,
    format_text,
    replace_rules_table,
    rules_table_markdown,
    summary,
    write,
)


def _missing_filter(doc: object, context: object) -> Iterator[Diagnostic]:
    """Checks that an activity receives the app's return scheme.

    ## What it does
    Reports a manifest with no intent-filter for `--app-scheme`.

    ## Why is this bad?
    The payment app cannot send the buyer back.
    """
    return iter(())


def _too_many(doc: object, context: object) -> Iterator[Diagnostic]:
    """Checks | that pipes stay in their cell."""
    return iter(())


RULES = (
    Rule("SG101", "missing-return-filter", Severity.ERROR, _missing_filter),
    Rule("SG201", "too-many-query-schemes", Severity.WARNING, _too_many),
)
DIAGNOSTICS = (
    Diagnostic("ios/Runner/Info.plist", 12, "SG201", Severity.WARNING, "`x` is ignored"),
    Diagnostic(
        "android/AndroidManifest.xml",
        30,
        "SG101",
        Severity.ERROR,
        "no `myshop` filter",
        "add an intent-filter",
    ),
    Diagnostic("android/AndroidManifest.xml", 4, "SG101", Severity.INFO, "unresolved `@string/s`"),
    Diagnostic("ios/Binary-Info.plist", None, "SG201", Severity.WARNING, "binary"),
)


def report(diagnostics: tuple[Diagnostic, ...] = DIAGNOSTICS, **fields: Any) -> Report:
    values: dict[str, Any] = {
        "files": ("android/AndroidManifest.xml", "ios/Runner/Info.plist", "ios/Binary-Info.plist"),
        "rules": RULES,
        "tool_version": __version__,
        "registry_version": "2026.11.0",
        "root": "/repo",
    }
    values.update(fields)
    return Report(diagnostics=diagnostics, **values)


def test_formats_table_feeds_argparse_choices(capsys: pytest.CaptureFixture[str]) -> None:
    from schemegen.cli.main import main

    assert list(FORMATS) == ["text", "json", "github", "sarif"]
    assert main(["lint", "--help"]) == 0
    assert "{text,json,github,sarif}" in capsys.readouterr().out
    for formatter in FORMATS.values():
        assert isinstance(formatter(report(())), str)


def test_text_is_sorted_with_lines_and_fixes() -> None:
    assert format_text(report()) == (
        "android/AndroidManifest.xml:4: SG101 [info] unresolved `@string/s`\n"
        "android/AndroidManifest.xml:30: SG101 [error] no `myshop` filter"
        " (fix: add an intent-filter)\n"
        "ios/Binary-Info.plist: SG201 [warning] binary\n"
        "ios/Runner/Info.plist:12: SG201 [warning] `x` is ignored\n"
    )
    assert format_text(report(())) == ""


@pytest.mark.parametrize(
    ("diagnostics", "expected"),
    [
        ((), "0 errors, 0 warnings in 3 files"),
        (DIAGNOSTICS, "1 error, 2 warnings, 1 info in 3 files"),
        (DIAGNOSTICS[:1], "0 errors, 1 warning in 3 files"),
    ],
)
def test_summary(diagnostics: tuple[Diagnostic, ...], expected: str) -> None:
    assert summary(report(diagnostics)) == expected
    assert summary(report(diagnostics, files=("a",))).endswith(" in 1 file")


# --- json: the contract documented in the README -----------------------------------------------

JSON_CONTRACT = {
    "type": "object",
    "required": ["version", "tool", "registry", "files", "diagnostics"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "tool": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "version"],
            "properties": {"name": {"const": "schemegen"}, "version": {"type": "string"}},
        },
        "registry": {
            "type": "object",
            "additionalProperties": False,
            "required": ["version"],
            "properties": {"version": {"type": "string"}},
        },
        "files": {"type": "array", "items": {"type": "string"}},
        "diagnostics": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "line", "code", "name", "severity", "message", "fix"],
                "properties": {
                    "path": {"type": "string"},
                    "line": {"type": ["integer", "null"], "minimum": 1},
                    "code": {"type": "string", "pattern": "^SG[0-9]{3}$"},
                    "name": {"type": "string"},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "message": {"type": "string"},
                    "fix": {"type": ["string", "null"]},
                },
            },
        },
    },
}


def test_json_contract() -> None:
    data = json.loads(format_json(report()))
    jsonschema.validate(data, JSON_CONTRACT)
    assert data["version"] == 1
    assert data["tool"] == {"name": "schemegen", "version": __version__}
    assert data["registry"] == {"version": "2026.11.0"}
    assert data["files"] == sorted(data["files"])
    assert data["diagnostics"][1] == {
        "path": "android/AndroidManifest.xml",
        "line": 30,
        "code": "SG101",
        "name": "missing-return-filter",
        "severity": "error",
        "message": "no `myshop` filter",
        "fix": "add an intent-filter",
    }
    assert [d["line"] for d in data["diagnostics"]] == [4, 30, None, 12]


def test_json_keeps_unicode_and_is_one_document() -> None:
    text = format_json(report((Diagnostic("앱/Info.plist", 1, "SG201", Severity.ERROR, "결제"),)))
    assert "결제" in text
    assert text.endswith("}\n")
    jsonschema.validate(json.loads(text), JSON_CONTRACT)


# --- github --------------------------------------------------------------------------------------

HOSTILE = [
    "100% broken",
    "line one\nline two\r\nline three",
    "::error file=evil.xml::injected",
    "a, b: c :: d,e",
    "%0A is not a newline %25",
    "::add-mask::secret\n::stop-commands::token",
    "trailing %",
]


def unescape(value: str) -> str:
    return re.sub(r"%(0D|0A|3A|2C|25)", lambda m: chr(int(m[1], 16)), value)


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse one workflow command as the Actions runner does."""
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, line
    props = dict(item.split("=", 1) for item in match[2].split(","))
    return match[1], {k: unescape(v) for k, v in props.items()}, unescape(match[3])


@pytest.mark.parametrize("message", HOSTILE)
def test_github_escapes_hostile_messages_and_paths(message: str) -> None:
    path = "odd, dir/a:b%/Info.plist"
    diagnostic = Diagnostic(path, 7, "SG101", Severity.ERROR, message, fix=message)
    output = format_github(report((diagnostic,)))
    lines = output.splitlines()
    assert len(lines) == 1
    assert output.endswith("\n")
    command, props, data = parse_command(lines[0])
    assert command == "error"
    assert props == {"file": path, "line": "7", "title": "SG101 missing-return-filter"}
    assert data == f"{message} (fix: {message})"


def test_github_levels_and_missing_lines() -> None:
    lines = format_github(report()).splitlines()
    assert [parse_command(line)[0] for line in lines] == ["notice", "error", "warning", "warning"]
    _, props, _ = parse_command(lines[2])
    assert props == {"file": "ios/Binary-Info.plist", "title": "SG201 too-many-query-schemes"}


def test_github_title_for_unknown_rule() -> None:
    diagnostic = Diagnostic("a.xml", 1, "SG999", Severity.ERROR, "m")
    assert format_github(report((diagnostic,))) == "::error file=a.xml,line=1,title=SG999::m\n"


def test_escape_functions() -> None:
    assert escape_github_data("%\r\n:,") == "%25%0D%0A:,"
    assert escape_github_property("%\r\n:,") == "%25%0D%0A%3A%2C"


# --- the rule table ------------------------------------------------------------------------------


def test_rules_table_markdown() -> None:
    assert rules_table_markdown(RULES) == (
        "| Code | Name | Severity | Summary |\n"
        "| --- | --- | --- | --- |\n"
        "| SG101 | `missing-return-filter` | error |"
        " Checks that an activity receives the app's return scheme. |\n"
        "| SG201 | `too-many-query-schemes` | warning |"
        " Checks \\| that pipes stay in their cell. |\n"
    )


def test_replace_rules_table_keeps_the_surroundings() -> None:
    text = f"# Title\n\n{RULES_START}\nold\n{RULES_END}\n\nafter\n"
    assert (
        replace_rules_table(text, "new\n")
        == f"# Title\n\n{RULES_START}\nnew\n{RULES_END}\n\nafter\n"
    )


@pytest.mark.parametrize("name", list(FORMATS))
def test_write_puts_out_what_the_formatter_returns(name: str) -> None:
    stream = io.StringIO()
    write(report(), name, stream)
    assert stream.getvalue() == FORMATS[name](report())
