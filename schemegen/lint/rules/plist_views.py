"""What the iOS rules read from an Info.plist: query schemes, URL types, key lines."""

from __future__ import annotations

from typing import NamedTuple

from schemegen.core.documents import PArray, PDict, Plist, PScalar, PValue, is_build_reference
from schemegen.lint.rules.common import (
    LintContext,
    per_document,
)

QUERIES = "LSApplicationQueriesSchemes"


URL_TYPES = "CFBundleURLTypes"


URL_SCHEMES = "CFBundleURLSchemes"


class Entry(NamedTuple):  # a tuple: plists hold many, and rules read them many times
    value: str
    line: int | None


def _strings(value: PValue | None) -> tuple[Entry, ...]:
    if not isinstance(value, PArray):
        return ()
    return tuple(
        [
            Entry(str(item.value), item.line)
            for item in value.items
            if isinstance(item, PScalar) and item.kind == "string"
        ]
    )


@per_document
def query_entries(doc: Plist) -> tuple[Entry, ...]:
    entry = doc.root.get(QUERIES)
    return _strings(entry.value) if entry is not None else ()


@per_document
def url_types(doc: Plist) -> tuple[PDict, ...]:
    entry = doc.root.get(URL_TYPES)
    if entry is None or not isinstance(entry.value, PArray):
        return ()
    return tuple(item for item in entry.value.items if isinstance(item, PDict))


@per_document
def url_schemes(doc: Plist) -> tuple[Entry, ...]:
    found: list[Entry] = []
    for item in url_types(doc):
        entry = item.get(URL_SCHEMES)
        if entry is not None:
            found.extend(_strings(entry.value))
    return tuple(found)


def key_line(doc: Plist, key: str) -> int | None:
    entry = doc.root.get(key)
    return entry.line if entry is not None else doc.root.line


def placeholder_reason(value: str, context: LintContext) -> str | None:
    """Why `value` looks like a value copied from sample code, or None."""
    return context.placeholder_reason(value)


def is_checkable(value: str, context: LintContext) -> bool:
    return context.placeholder_reason(value) is None and not is_build_reference(value)
