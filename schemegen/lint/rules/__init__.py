"""The lint rules, in one explicit table, and `check` that runs them over parsed documents."""

from __future__ import annotations

from collections.abc import Sequence

from schemegen.core.diagnostics import Diagnostic, Rule
from schemegen.core.documents import Document, Manifest, Plist
from schemegen.lint.rules import android, crossfile, expo, inputs, ios, ios_url_types, sources
from schemegen.lint.rules.common import LintContext

RULES: tuple[Rule, ...] = (
    inputs.RULES + android.RULES + ios.RULES + crossfile.RULES + expo.RULES + sources.RULES
)

__all__ = ["RULES", "LintContext", "check", "check_document", "check_projects"]


def check(documents: Sequence[Document], context: LintContext) -> list[Diagnostic]:
    """Every rule over every document (and every project of documents), sorted."""
    found = [d for doc in documents for d in check_document(doc, context)]
    found += check_projects(documents, context)
    return sorted(set(found), key=Diagnostic.sort_key)


def check_document(doc: Document, context: LintContext) -> list[Diagnostic]:
    """The single-file rules (SG0xx, SG1xx, SG2xx) over one document, unsorted."""
    found = [d for rule in inputs.RULES for d in rule.check(doc, context)]
    if isinstance(doc, Manifest):
        found.extend(d for rule in android.RULES for d in rule.check(doc, context))
        # placeholder-value covers every place a return scheme is registered
        found.extend(ios_url_types.PLACEHOLDER_VALUE.check(doc, context))
    elif isinstance(doc, Plist):
        found.extend(d for rule in ios.RULES for d in rule.check(doc, context))
    return found


def check_projects(documents: Sequence[Document], context: LintContext) -> list[Diagnostic]:
    """The cross-file rules (SG3xx) over the projects `documents` form, unsorted."""
    return [
        d
        for project in crossfile.projects(documents)
        for rule in crossfile.RULES
        for d in rule.check(project, context)
    ]
