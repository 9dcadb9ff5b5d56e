"""The rule table in the docs is generated from the rules and must not drift.

Regenerate with `SCHEMEGEN_UPDATE_DOCS=1 pytest tests/test_docs_rules.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemegen.lint.report import RULES_END, RULES_START, replace_rules_table, rules_table_markdown

ROOT = Path(__file__).resolve().parents[2]


def documents() -> list[Path]:
    candidates = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [
        path
        for path in candidates
        if path.is_file() and RULES_START in path.read_text(encoding="utf-8")
    ]


def test_the_readme_carries_the_table() -> None:
    assert ROOT / "README.md" in documents()


@pytest.mark.parametrize("path", documents(), ids=lambda path: path.name)
def test_rule_table_is_current(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(RULES_START) == 1 and text.count(RULES_END) == 1, path
    assert text.index(RULES_START) < text.index(RULES_END), path
    expected = replace_rules_table(text, rules_table_markdown())
    if expected != text and os.environ.get("SCHEMEGEN_UPDATE_DOCS") == "1":
        path.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, (
        f"the rule table in {path.name} is out of date; "
        "regenerate with SCHEMEGEN_UPDATE_DOCS=1 pytest tests/test_docs_rules.py"
    )


def test_every_rule_is_in_the_table() -> None:
    from schemegen.lint.rules import RULES

    table = rules_table_markdown()
    for rule in RULES:
        assert f"| {rule.code} | `{rule.name}` | {rule.severity} |" in table
