"""The lint rules, in one explicit table, and `check` that runs them over parsed documents."""

from __future__ import annotations

from collections.abc import Sequence

from schemegen.diagnostics import Diagnostic, Rule
from schemegen.documents import Document, Manifest, Plist
from schemegen.rules import android, crossfile, inputs, ios
from schemegen.rules.common import LintContext

RULES: tuple[Rule, ...] = inputs.RULES + android.RULES + ios.RULES + crossfile.RULES

__all__ = ["RULES", "LintContext", "check"]


def check(documents: Sequence[Document], context: LintContext) -> list[Diagnostic]:
    """Every rule over every document (and every project of documents), sorted."""
    found: list[Diagnostic] = []
    for doc in documents:
        found.extend(d for rule in inputs.RULES for d in rule.check(doc, context))
        if isinstance(doc, Manifest):
            found.extend(d for rule in android.RULES for d in rule.check(doc, context))
        elif isinstance(doc, Plist):
            found.extend(d for rule in ios.RULES for d in rule.check(doc, context))
    for project in crossfile.projects(documents):
        found.extend(d for rule in crossfile.RULES for d in rule.check(project, context))
    return sorted(set(found), key=Diagnostic.sort_key)
