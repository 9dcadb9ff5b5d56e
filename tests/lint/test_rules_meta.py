"""The rule table: permanent well-formed identities, complete documentation, fixtures both ways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemegen.core.diagnostics import Rule, Severity
from schemegen.lint.rules import RULES, android, crossfile, expo, inputs, ios, sources

FIXTURES = Path(__file__).parent / "fixtures"

SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
)


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in RULES]
    names = [rule.name for rule in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in RULES:
        assert re.fullmatch(r"SG\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name), rule.name
        assert isinstance(rule.severity, Severity)


def test_code_ranges_follow_the_modules() -> None:
    modules = (
        (inputs, "SG0"),
        (android, "SG1"),
        (ios, "SG2"),
        (crossfile, "SG3"),
        (expo, "SG4"),
        (sources, "SG4"),
    )
    for module, prefix in modules:
        assert all(rule.code.startswith(prefix) for rule in module.RULES), module.__name__
    assert RULES == (
        inputs.RULES + android.RULES + ios.RULES + crossfile.RULES + expo.RULES + sources.RULES
    )
    assert [r.code for r in RULES] == sorted(r.code for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_has_the_sections_in_order(rule: Rule) -> None:
    doc = rule.doc
    assert doc.split("\n", 1)[0].strip(), "a one-line summary comes first"
    positions = [doc.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), [
        s for s, p in zip(SECTIONS, positions, strict=True) if p < 0
    ]
    assert positions == sorted(positions)
    references = doc[positions[-1] :]
    assert re.search(r"\]\(https://", references), "References link the platform documentation"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_a_failing_and_a_passing_fixture(rule: Rule) -> None:
    names = [p.name for p in FIXTURES.iterdir()]
    assert any(n.startswith(f"{rule.code}-fail") for n in names), f"no {rule.code}-fail fixture"
    assert any(n.startswith(f"{rule.code}-pass") for n in names), f"no {rule.code}-pass fixture"


def test_dispatch_by_document_kind_finds_what_every_rule_finds() -> None:
    """check_document skips the input rules that only report unreadable files: on every
    fixture it finds what every input rule and the rules of the document's platform find."""
    from schemegen.core.documents import Manifest, Plist
    from schemegen.core.parsing import read_document
    from schemegen.lint.rules import LintContext, check_document, ios_url_types
    from schemegen.registry.validate import load

    context = LintContext(load())
    files = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and p.suffix != ".expect"]
    assert files
    for path in files:
        doc = read_document(path)
        rules = inputs.RULES
        if isinstance(doc, Manifest):
            rules += (*android.RULES, ios_url_types.PLACEHOLDER_VALUE)
        elif isinstance(doc, Plist):
            rules += ios.RULES
        every = {d for rule in rules for d in rule.check(doc, context)}
        assert set(check_document(doc, context)) == every, path
