"""What the Android rules read from a manifest: intent filters, <queries> packages, targetSdk."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from schemegen.core.documents import Manifest, Node, filter_actions, filter_categories, is_launcher
from schemegen.core.record import record
from schemegen.lint.rules.common import (
    SYSTEM_SCHEMES,
    WEB_SCHEMES,
    LintContext,
    per_document,
)

VIEW = "android.intent.action.VIEW"


DEFAULT = "android.intent.category.DEFAULT"


BROWSABLE = "android.intent.category.BROWSABLE"


QUERY_ALL_PACKAGES = "android.permission.QUERY_ALL_PACKAGES"


ACTIVITIES = ("activity", "activity-alias")


EXPORTED_SDK = 31


VISIBILITY_SDK = 30  # package visibility filtering starts with Android 11


@record
class Value:
    """An attribute value as written, resolved (None when it stays a build reference), line."""

    raw: str
    value: str | None
    line: int


@record
class Filter:
    component: Node
    node: Node
    actions: tuple[str, ...]
    categories: tuple[str, ...]
    schemes: tuple[Value, ...]

    @cached_property
    def custom(self) -> tuple[Value, ...]:
        return tuple(s for s in self.schemes if s.value is not None and not _non_custom(s.value))

    @cached_property
    def web(self) -> tuple[Value, ...]:
        return tuple(s for s in self.schemes if s.value is not None and s.value in WEB_SCHEMES)

    @property
    def is_activity(self) -> bool:
        return self.component.tag in ACTIVITIES

    @property
    def is_deep_link(self) -> bool:
        """A filter meant to receive URLs: VIEW or BROWSABLE, or one with no action at all."""
        return VIEW in self.actions or BROWSABLE in self.categories or not self.actions


def _non_custom(scheme: str) -> bool:
    return scheme.lower() in WEB_SCHEMES or scheme.lower() in SYSTEM_SCHEMES


def _value(doc: Manifest, node: Node, attr: str) -> Value | None:
    raw = node.get(attr)
    return None if raw is None else Value(raw, doc.resolve(raw), node.line)


@per_document
def filters(doc: Manifest) -> tuple[Filter, ...]:
    found = []
    for component in doc.components:
        for node in component.all("intent-filter"):
            values = (_value(doc, data, "android:scheme") for data in node.all("data"))
            found.append(
                Filter(
                    component,
                    node,
                    filter_actions(node),
                    filter_categories(node),
                    tuple(v for v in values if v is not None),
                )
            )
    return tuple(found)


@per_document
def queries_packages(doc: Manifest) -> tuple[Value, ...]:
    found = (
        _value(doc, package, "android:name")
        for queries in doc.queries
        for package in queries.all("package")
    )
    return tuple(v for v in found if v is not None)


def queries_line(doc: Manifest) -> int:
    queries = doc.root.first("queries")
    return (queries if queries is not None else doc.root).line


def target_sdk(doc: Manifest, context: LintContext) -> int | None:
    """`--target-sdk`, else the Gradle module's `targetSdk`, else `<uses-sdk>`; None: unknown."""
    return context.target_sdk if context.target_sdk is not None else doc.target_sdk


def component_label(node: Node) -> str:
    return f'`<{node.tag} android:name="{node.get("android:name") or "?"}">`'


def return_filters(doc: Manifest, context: LintContext) -> Iterator[Filter]:
    """Filters that bring the user back: the app scheme's, or launcher-activity deep links."""
    for f in filters(doc):
        if not f.is_activity or VIEW not in f.actions:
            continue
        if context.app_scheme is not None:
            if any(s.value == context.app_scheme for s in f.schemes):
                yield f
        elif (
            f.custom
            and BROWSABLE in f.categories
            and any(is_launcher(g) for g in f.component.all("intent-filter"))
        ):
            yield f
