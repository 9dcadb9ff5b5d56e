"""Output formats for lint diagnostics (text, json, github, sarif) and the rule table."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.paths import as_posix
from schemegen.core.record import record
from schemegen.core.regex import lazy
from schemegen.core.terminal import json_safe, printable

JSON_VERSION = 1
TOOL_NAME = "schemegen"
# Where the rule documentation is published (the README carries the same rule table).
DOCS_URL = "https://pypi.org/project/schemegen/"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


@record
class Report:
    """Everything a formatter needs: the findings and what produced them."""

    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]
    rules: tuple[Rule, ...]
    tool_version: str
    registry_version: str
    # Absolute directory that relative SARIF URIs are resolved against (the working directory).
    root: str = "/"


def _sorted(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def _names(rules: Sequence[Rule]) -> dict[str, str]:
    return {rule.code: rule.name for rule in rules}


# --- text ----------------------------------------------------------------------------------------


def format_text(report: Report) -> str:
    """`path:line: SG101 [error] message (fix: ...)`, one per line, sorted."""
    return "".join(_text_lines(report))


def _text_lines(report: Report) -> list[str]:
    # Long messages (the missing-apps lists) repeat across files: escape each text once.
    escaped: dict[str, str] = {}

    def clean(text: str) -> str:
        if text not in escaped:
            escaped[text] = _one_line(text)
        return escaped[text]

    lines = []
    for d in _sorted(report.diagnostics):
        where = clean(d.path) if d.line is None else f"{clean(d.path)}:{d.line}"
        fix = f" (fix: {clean(d.fix)})" if d.fix else ""
        lines.append(f"{where}: {d.code} [{d.severity}] {clean(d.message)}{fix}\n")
    return lines


def _one_line(text: str) -> str:
    """`text` with unprintable characters escaped: a value with a newline cannot forge a line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


# --- json ----------------------------------------------------------------------------------------


def format_json(report: Report) -> str:
    """A versioned object; its shape is public API (README, "JSON output")."""
    names = _names(report.rules)
    payload = {
        "version": JSON_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "registry": {"version": report.registry_version},
        "files": sorted(report.files),
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "code": d.code,
                "name": names.get(d.code, ""),
                "severity": str(d.severity),
                "message": d.message,
                "fix": d.fix,
            }
            for d in _sorted(report.diagnostics)
        ],
    }
    import json

    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n"


# --- github --------------------------------------------------------------------------------------

_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_github_data(value: str) -> str:
    """Escape a workflow-command message (as @actions/core `escapeData` does).

    Other control characters (ESC, BEL) are escaped as in the text format: the runner's log
    viewer and a terminal replaying the log would act on them.
    """
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_github_property(value: str) -> str:
    """Escape a workflow-command property value (as @actions/core `escapeProperty` does)."""
    return escape_github_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands: `::error file=...,line=...,title=...::message`."""
    return "".join(_github_lines(report))


def _github_lines(report: Report) -> list[str]:
    names = _names(report.rules)
    lines = []
    for d in _sorted(report.diagnostics):
        props = [f"file={escape_github_property(d.path)}"]
        if d.line is not None:
            props.append(f"line={d.line}")
        title = f"{d.code} {names[d.code]}" if d.code in names else d.code
        props.append(f"title={escape_github_property(title)}")
        message = f"{d.message} (fix: {d.fix})" if d.fix else d.message
        lines.append(
            f"::{_GITHUB_COMMAND[d.severity]} {','.join(props)}::{escape_github_data(message)}\n"
        )
    return lines


# --- sarif ---------------------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_HEADING = lazy(
    r"^(?:#+\s*)?(What it does|Why is this bad\?|Example|Use instead|References)"
    r":?\s*$",
    re.MULTILINE,
)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def doc_sections(doc: str) -> dict[str, str]:
    """A rule docstring split into its summary (key "") and its ruff-style sections."""
    parts = _HEADING.split(doc)
    sections = {"": parts[0].strip()}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[heading] = body.strip()
    return sections


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    sections = doc_sections(rule.doc)
    what = sections.get("What it does") or sections[""] or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _sentence(rule.summary)},
        "fullDescription": {"text": _sentence(what.split("\n\n", 1)[0])},
        "help": {"text": rule.doc or _sentence(rule.summary), "markdown": rule.doc or rule.summary},
        "helpUri": DOCS_URL,
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    }


def _file_uri(path: str, *, directory: bool = False) -> str:
    posix = path.rstrip("/") + "/" if directory else path
    if not posix.startswith("/"):  # a Windows drive path: file:///C:/...
        posix = f"/{posix}"
    from urllib.parse import quote

    return "file://" + quote(posix, safe="/:")


def _artifact(path: str, root: str) -> dict[str, str]:
    """A URI relative to %SRCROOT% when the file is under the root, an absolute one otherwise."""
    base = as_posix(root)
    full = posixpath.normpath(posixpath.join(base, as_posix(path)))
    relative = posixpath.relpath(full, base)
    if relative != ".." and not relative.startswith("../"):
        from urllib.parse import quote

        return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": _file_uri(full)}


def format_sarif(report: Report) -> str:
    """SARIF 2.1.0 with rule metadata, for GitHub code scanning and other SARIF viewers."""
    index = {rule.code: i for i, rule in enumerate(report.rules)}
    root = as_posix(report.root)
    results = []
    for d in _sorted(report.diagnostics):
        # Code scanning needs a start line: a binary plist's findings point at its start.
        location = {
            "artifactLocation": _artifact(d.path, root),
            "region": {"startLine": d.line or 1},
        }
        text = _sentence(d.message)
        if d.fix:
            text = f"{text} Fix: {_sentence(d.fix)}"
        result: dict[str, Any] = {"ruleId": d.code}
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        result["level"] = _SARIF_LEVEL[d.severity]
        result["message"] = {"text": text}
        result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": report.tool_version,
                        "semanticVersion": report.tool_version,
                        "informationUri": DOCS_URL,
                        "rules": [_rule_descriptor(rule) for rule in report.rules],
                        "properties": {"registryVersion": report.registry_version},
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _file_uri(root, directory=True)}},
                "results": results,
            }
        ],
    }
    import json

    return json_safe(json.dumps(log, ensure_ascii=False, indent=2)) + "\n"


Formatter = Callable[[Report], str]

FORMATS: Mapping[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
}
# The formats of one line per finding, by the lines: `write` puts them out one by one.
_LINES: Mapping[str, Callable[[Report], list[str]]] = {"text": _text_lines, "github": _github_lines}


def write(report: Report, format_name: str, stream: TextIO) -> None:
    """`report` in the format named `format_name`, written to `stream`."""
    lines = _LINES.get(format_name)
    if lines is not None:
        # Joined, one line with a non-Latin-1 character (a Korean app name) would widen
        # megabytes of output to two bytes a character before they are encoded again.
        stream.writelines(lines(report))
    else:
        stream.write(FORMATS[format_name](report))


def summary(report: Report) -> str:
    """One line for stderr: `2 errors, 1 warning in 3 files` (info findings when present)."""
    counts = dict.fromkeys(Severity, 0)
    for d in report.diagnostics:
        counts[d.severity] += 1

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    parts = [plural(counts[Severity.ERROR], "error"), plural(counts[Severity.WARNING], "warning")]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    return f"{', '.join(parts)} in {plural(len(report.files), 'file')}"


# --- documentation -------------------------------------------------------------------------------

RULES_START = "<!-- rules:start -->"
RULES_END = "<!-- rules:end -->"


def rules_table_markdown(rules: Sequence[Rule] | None = None) -> str:
    """The Markdown rule table that README.md carries between the markers."""
    if rules is None:
        from schemegen.lint.rules import RULES

        rules = RULES
    rows = ["| Code | Name | Severity | Summary |", "| --- | --- | --- | --- |"]
    for rule in rules:
        summary_ = rule.summary.replace("|", "\\|")
        rows.append(f"| {rule.code} | `{rule.name}` | {rule.severity} | {summary_} |")
    return "\n".join(rows) + "\n"


def replace_rules_table(text: str, table: str) -> str:
    """`text` with the block between the rule-table markers replaced by `table`."""
    start = text.index(RULES_START) + len(RULES_START)
    end = text.index(RULES_END, start)
    return f"{text[:start]}\n{table}{text[end:]}"
