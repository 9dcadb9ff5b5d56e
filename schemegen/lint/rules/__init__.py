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
    if isinstance(doc, Manifest):
        rules = _MANIFEST_RULES
    elif isinstance(doc, Plist):
        rules = _PLIST_RULES
    else:
        rules = inputs.RULES
    found: list[Diagnostic] = []
    for rule in rules:
        found.extend(rule.check(doc, context))
    return found


# By document kind: the input rules other than outdated-generated-file report only files that
# could not be read, and placeholder-value covers every place a return scheme is registered.
_MANIFEST_RULES = (inputs.OUTDATED_GENERATED_FILE, *android.RULES, ios_url_types.PLACEHOLDER_VALUE)
_PLIST_RULES = (inputs.OUTDATED_GENERATED_FILE, *ios.RULES)


def check_projects(documents: Sequence[Document], context: LintContext) -> list[Diagnostic]:
    """The cross-file rules (SG3xx) over the projects `documents` form, unsorted."""
    return [
        d
        for project in crossfile.projects(documents)
        for rule in crossfile.RULES
        for d in rule.check(project, context)
    ]
