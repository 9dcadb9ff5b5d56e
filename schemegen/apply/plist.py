"""Info.plist edits: LSApplicationQueriesSchemes, CFBundleURLTypes, the ATS web-content key."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from schemegen.apply.edit import (
    ATS_KEY,
    QUERIES_KEY,
    URL_SCHEMES_KEY,
    URL_TYPES_KEY,
    WEB_CONTENT_KEY,
    Editor,
    New,
    Node,
    PatchError,
    Plan,
    PlistWant,
    check_plist,
    finish_plan,
    parse,
    refuse_unreadable_plist,
)

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class QueryDecision:
    """Per existing entry: its new value (None = remove); plus entries to append."""

    slots: tuple[str | None, ...]
    add: tuple[str, ...]
    changes: tuple[str, ...]
    notes: tuple[str, ...]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def decide_queries(values: Sequence[str | None], want: PlistWant) -> QueryDecision:
    """LSApplicationQueriesSchemes decisions; `None` values are non-string entries (kept).

    Without `fix` every entry stays where it is and the registry schemes of the budget
    (`want.schemes[:limit]`, what lint expects) that are missing are appended, however many
    other entries the list holds. With `fix` the list is normalised, registry schemes move
    ahead in priority order, and entries past the 50 that iOS honours at all are removed.
    """
    changes: list[str] = []
    slots = list(values) if not want.fix else _normalised(values, want, changes)
    kept = [v for v in slots if v is not None]
    present = {v.lower() for v in kept}
    missing = [s for s in want.schemes[: want.limit] if s.lower() not in present]
    if want.fix and all(v is not None for v in values):
        final = _reordered(kept + missing, want, changes)
        count = len(values)
        slots = [final[i] if i < len(final) else None for i in range(count)]
        add = final[count:]
        added = [s for s in missing if s in final]
    else:
        add, added, final = missing, missing, [*kept, *missing]
    if added:
        changes.append(
            f"added {len(added)} {QUERIES_KEY} entr{'y' if len(added) == 1 else 'ies'}: "
            f"{', '.join(added)}"
        )
    notes: list[str] = []
    if changes:
        notes += _budget_notes(final, want)
    return QueryDecision(tuple(slots), tuple(add), tuple(changes), tuple(notes))


def _normalised(
    values: Sequence[str | None], want: PlistWant, changes: list[str]
) -> list[str | None]:
    """Each entry bare, aliases replaced, exact and case duplicates removed (None)."""
    slots: list[str | None] = []
    seen: set[str] = set()
    for value in values:
        if value is None:
            slots.append(None)
            continue
        new: str | None = value
        if ":" in value:
            bare = value.split(":", 1)[0].strip()
            new = bare or None
            changes.append(f"replaced `{value}` by `{bare}`" if bare else f"removed `{value}`")
        if new is not None and new in want.aliases:
            changes.append(f"replaced alias `{new}` by `{want.aliases[new]}`")
            new = want.aliases[new]
        if new is not None and new.lower() in seen:
            changes.append(f"removed duplicate `{value}`")
            new = None
        if new is not None:
            seen.add(new.lower())
        slots.append(new)
    return slots


def _reordered(values: Sequence[str], want: PlistWant, changes: list[str]) -> list[str]:
    """Registry schemes first in priority order, then the others in their order; at most 50."""
    from schemegen.registry.selection import IOS_QUERY_HARD_LIMIT

    rank: dict[str, int] = {}
    for scheme in (*want.schemes, *want.registry_order):
        rank.setdefault(scheme.lower(), len(rank))
    registry = sorted((v for v in values if v.lower() in rank), key=lambda v: rank[v.lower()])
    final = registry + [v for v in values if v.lower() not in rank]
    if final != list(values):
        changes.append(f"reordered {QUERIES_KEY}: registry schemes first, in priority order")
    if len(final) > IOS_QUERY_HARD_LIMIT:
        cut = final[IOS_QUERY_HARD_LIMIT:]
        changes.append(
            f"removed {_plural(len(cut), 'entry', 'entries')} past the {IOS_QUERY_HARD_LIMIT} "
            f"that iOS honours: {', '.join(cut)}"
        )
        final = final[:IOS_QUERY_HARD_LIMIT]
    return final


def _budget_notes(final: Sequence[str], want: PlistWant) -> list[str]:
    notes: list[str] = []
    present = {v.lower() for v in final}
    left_out = [s for s in want.schemes if s.lower() not in present]
    if left_out:
        notes.append(
            f"--ios-query-limit {want.limit} leaves out "
            f"{_plural(len(left_out), 'selected iOS scheme', 'selected iOS schemes')}; "
            "`schemegen list --ios-left-out` with the same options names them"
        )
    late = final[want.limit :]
    if want.fix and late:
        notes.append(
            f"{_plural(len(late), 'entry sits', 'entries sit')} past --ios-query-limit "
            f"{want.limit} (honoured by iOS 26 and by Xcode 26 builds, not by Xcode 27 builds "
            f"on iOS 27): {', '.join(late)}"
        )
    return notes


def has_url_scheme(url_types: object, scheme: str) -> bool:
    if not isinstance(url_types, list):
        return False
    return any(
        isinstance(entry, dict)
        and isinstance(entry.get(URL_SCHEMES_KEY), list)
        and scheme in entry[URL_SCHEMES_KEY]
        for entry in url_types
    )


def plan_plist(original: bytes, want: PlistWant) -> Plan:
    """Decide and apply the edits that bring an Info.plist (XML or binary) to `want`."""
    if original.startswith(b"bplist"):
        return _plan_binary_plist(original, want)
    doc = parse(original)
    refuse_unreadable_plist(original)
    if doc.root.tag != "plist":
        raise PatchError(f"root element is <{doc.root.tag}>, not <plist>")
    top = doc.root.children[0] if doc.root.children else None
    if top is None or top.tag != "dict":
        raise PatchError("the plist's root value is not a <dict>")
    editor = Editor(doc)
    pairs = _pairs(top)
    changes: list[str] = []
    notes: list[str] = []
    new_pairs: list[tuple[str, New]] = []

    new_pairs += _plan_xml_queries(editor, pairs.get(QUERIES_KEY), want, changes, notes)
    new_pairs += _plan_xml_url_types(editor, pairs.get(URL_TYPES_KEY), want, changes)
    if want.allow_http_content:
        new_pairs += _plan_xml_web_content(editor, pairs.get(ATS_KEY), changes)
    if new_pairs:
        _append_pairs(editor, top, new_pairs)
    return finish_plan(doc, editor, original, changes, notes, check=check_plist)


def _plan_xml_queries(
    editor: Editor, queries: Node | None, want: PlistWant, changes: list[str], notes: list[str]
) -> list[tuple[str, New]]:
    entries = [] if queries is None else queries.children
    if queries is not None and queries.tag != "array":
        raise PatchError(f"{QUERIES_KEY} is a <{queries.tag}>, not an <array>")
    decision = decide_queries([e.text() if e.tag == "string" else None for e in entries], want)
    for entry, slot in zip(entries, decision.slots, strict=True):
        if slot is None and entry.tag == "string":
            editor.remove(entry)
        elif slot is not None and slot != entry.text():
            editor.set_text(entry, slot)
    changes += decision.changes
    notes += decision.notes
    news = [New("string", text=s) for s in decision.add]
    if queries is not None:
        editor.append(queries, news)
        return []
    return [(QUERIES_KEY, New("array", children=tuple(news)))] if news else []


def _plan_xml_url_types(
    editor: Editor, url_types: Node | None, want: PlistWant, changes: list[str]
) -> list[tuple[str, New]]:
    if url_types is not None and url_types.tag != "array":
        raise PatchError(f"{URL_TYPES_KEY} is a <{url_types.tag}>, not an <array>")
    url_dict = New(
        "dict",
        children=(
            New("key", text=URL_SCHEMES_KEY),
            New("array", children=(New("string", text=want.app_scheme),)),
        ),
    )
    if url_types is None:
        changes.append(f"added {URL_TYPES_KEY} with the app scheme `{want.app_scheme}`")
        return [(URL_TYPES_KEY, New("array", children=(url_dict,)))]
    if not _xml_has_url_scheme(url_types, want.app_scheme):
        editor.append(url_types, [url_dict])
        changes.append(f"added a {URL_TYPES_KEY} entry for the app scheme `{want.app_scheme}`")
    return []


def _plan_xml_web_content(
    editor: Editor, ats: Node | None, changes: list[str]
) -> list[tuple[str, New]]:
    """NSAppTransportSecurity -> NSAllowsArbitraryLoadsInWebContent = true; nothing else."""
    entry = (New("key", text=WEB_CONTENT_KEY), New("true"))
    if ats is None:
        changes.append(f"added {ATS_KEY} with {WEB_CONTENT_KEY}")
        return [(ATS_KEY, New("dict", children=entry))]
    if ats.tag != "dict":
        raise PatchError(f"{ATS_KEY} is a <{ats.tag}>, not a <dict>")
    value = _pairs(ats).get(WEB_CONTENT_KEY)
    if value is None:
        editor.append(ats, list(entry))
        changes.append(f"added {WEB_CONTENT_KEY} to {ATS_KEY}")
    elif value.tag != "true":
        editor.splice(value.start, value.end, "<true/>")
        changes.append(f"set {ATS_KEY} {WEB_CONTENT_KEY} to true")
    return []


def _pairs(dict_node: Node) -> dict[str, Node]:
    """Key -> value node of a <dict>; a repeated key keeps its last value (as plistlib does)."""
    found: dict[str, Node] = {}
    children = dict_node.children
    for key, value in zip(children[::2], children[1::2], strict=False):
        if key.tag != "key":
            raise PatchError(f"<dict> holds <{key.tag}> where a <key> belongs")
        found[key.text()] = value
    if len(children) % 2:
        raise PatchError("a <dict> key has no value")
    return found


def _xml_has_url_scheme(url_types: Node, scheme: str) -> bool:
    for entry in url_types.children:
        if entry.tag == "dict":
            schemes = _pairs(entry).get(URL_SCHEMES_KEY)
            if schemes is not None and any(s.text() == scheme for s in schemes.children):
                return True
    return False


def _append_pairs(editor: Editor, top: Node, pairs: Sequence[tuple[str, New]]) -> None:
    news: list[New] = []
    for key, value in pairs:
        news += [New("key", text=key), value]
    editor.append(top, news)


def _plan_binary_plist(original: bytes, want: PlistWant) -> Plan:
    refuse_unreadable_plist(original)
    try:
        data = plistlib.loads(original)
    except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError) as error:
        raise PatchError(f"unreadable binary plist: {error}") from None
    if not isinstance(data, dict):
        raise PatchError("the plist's root value is not a dictionary")
    changes: list[str] = []
    queries = data.get(QUERIES_KEY, [])
    if not isinstance(queries, list):
        raise PatchError(f"{QUERIES_KEY} is not an array")
    decision = decide_queries([v if isinstance(v, str) else None for v in queries], want)
    updated = [
        slot if isinstance(old, str) else old
        for old, slot in zip(queries, decision.slots, strict=True)
        if not (isinstance(old, str) and slot is None)
    ]
    updated += decision.add
    if updated != queries or (QUERIES_KEY not in data and updated):
        data[QUERIES_KEY] = updated
    changes += decision.changes
    url_types = data.get(URL_TYPES_KEY)
    if url_types is not None and not isinstance(url_types, list):
        raise PatchError(f"{URL_TYPES_KEY} is not an array")
    if not has_url_scheme(url_types, want.app_scheme):
        data[URL_TYPES_KEY] = [*(url_types or []), {URL_SCHEMES_KEY: [want.app_scheme]}]
        changes.append(f"added a {URL_TYPES_KEY} entry for the app scheme `{want.app_scheme}`")
    if want.allow_http_content:
        ats = data.setdefault(ATS_KEY, {})
        if not isinstance(ats, dict):
            raise PatchError(f"{ATS_KEY} is not a dictionary")
        if ats.get(WEB_CONTENT_KEY) is not True:
            ats[WEB_CONTENT_KEY] = True
            changes.append(f"set {ATS_KEY} {WEB_CONTENT_KEY} to true")
    if not changes:
        return Plan(original, original, (), decision.notes)
    try:
        new = plistlib.dumps(data, fmt=plistlib.FMT_BINARY, sort_keys=False)
    except (OverflowError, TypeError, ValueError) as error:
        # plistlib reads integers up to 128 bits but writes only 64: such a file cannot be
        # edited in place without losing a value.
        raise PatchError(f"this binary plist cannot be written back: {error}") from None
    return Plan(original, new, tuple(changes), decision.notes)
