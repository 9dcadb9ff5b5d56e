"""Text-splice edits of app.json: decided on the jsonc tree, written in the file's own style."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from schemegen.apply.edit import QUERIES_KEY, ManifestWant, PatchError, Plan, PlistWant
from schemegen.apply.plist import decide_queries
from schemegen.core import jsonc
from schemegen.core.jsonc import Kind, Node

# What the editor can write: the JSON values app.json settings take.
Value = str | bool | int | None | Sequence["Value"] | Mapping[str, "Value"]

BUILD_PROPERTIES = "expo-build-properties"
# The first indented line of a file shows its indent unit (one level deep, as JSON nests).
_INDENTED = re.compile(r"[\n\r]([ \t]+)[^ \t\r\n]")


@dataclass(frozen=True)
class Splice:
    """Replace `text[start:end]` by `text`; several splices never overlap."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Style:
    """How the file is laid out: indent unit, line break, `key: value` separator, multi-line."""

    indent: str = "  "
    newline: str = "\n"
    colon: str = ": "
    multiline: bool = True


def apply_splices(text: str, splices: Sequence[Splice]) -> str:
    """`text` with every splice made, in one pass; every other byte as it was."""
    ordered = sorted(splices, key=lambda s: (s.start, s.end))
    parts: list[str] = []
    pos = 0
    for item in ordered:
        if item.start < pos:
            raise ValueError("overlapping splices")
        parts += [text[pos : item.start], item.text]
        pos = item.end
    parts.append(text[pos:])
    return "".join(parts)


def style_of(text: str, root: Node) -> Style:
    """The layout the file already uses; two-space JSON where it shows none."""
    newline = "\r\n" if "\r\n" in text else "\n"
    multiline = any(c in text[root.start : root.end] for c in "\n\r")
    indented = _INDENTED.search(text, root.start, root.end)
    indent = indented.group(1) if indented else "  "
    colon = ": "
    if root.kind is Kind.OBJECT and root.members:
        first = root.members[0]
        gap = text[first.key_end : first.value.start]
        if gap.strip() == ":":
            colon = gap
    return Style(indent, newline, colon, multiline)


def render(value: Value, indent: str, style: Style) -> str:
    """`value` as JSON text for a line indented by `indent`."""
    inner = indent + style.indent
    if isinstance(value, Mapping):
        members = [f"{_string(k)}{style.colon}{render(v, inner, style)}" for k, v in value.items()]
        return _block("{", "}", members, indent, style)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return _block("[", "]", [render(v, inner, style) for v in value], indent, style)
    return _string(value) if isinstance(value, str) else json.dumps(value)


def _block(opener: str, closer: str, parts: list[str], indent: str, style: Style) -> str:
    if not parts:
        return opener + closer
    if not style.multiline:
        return opener + ", ".join(parts) + closer
    inner = indent + style.indent
    body = ("," + style.newline + inner).join(parts)
    return f"{opener}{style.newline}{inner}{body}{style.newline}{indent}{closer}"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def insert_members(
    text: str, obj: Node, entries: Mapping[str, Value], style: Style
) -> list[Splice]:
    """Splices adding `entries` after the last member of `obj`."""
    style = _local_style(text, obj, style)
    indent = _entry_indent(text, obj, style)
    rendered = [f"{_string(k)}{style.colon}{render(v, indent, style)}" for k, v in entries.items()]
    return _add(text, obj, rendered, indent, style)


def append_items(text: str, array: Node, values: Sequence[Value], style: Style) -> list[Splice]:
    """Splices adding `values` after the last item of `array`."""
    style = _local_style(text, array, style)
    indent = _entry_indent(text, array, style)
    return _add(text, array, [render(v, indent, style) for v in values], indent, style)


def replace_value(node: Node, new_text: str) -> Splice:
    return Splice(node.start, node.end, new_text)


def remove_items(text: str, array: Node, indexes: Sequence[int]) -> list[Splice]:
    """Splices removing the items at `indexes`, each with one separating comma."""
    items = array.items
    gone = set(indexes)
    kept = [i for i in range(len(items)) if i not in gone]
    if not gone:
        return []
    if not kept:
        end = jsonc.skip(text, items[-1].end)
        end = end + 1 if text.startswith(",", end) else items[-1].end
        return [Splice(items[0].start, end, "")]
    last = kept[-1]
    splices = [Splice(items[i].start, items[i + 1].start, "") for i in sorted(gone) if i < last]
    if last < len(items) - 1:
        splices.append(Splice(items[last].end, items[-1].end, ""))
    return splices


def _add(
    text: str, container: Node, rendered: list[str], indent: str, style: Style
) -> list[Splice]:
    spans = _spans(container)
    if not rendered:
        return []
    if not spans:
        return [_fill(text, container, rendered, indent, style)]
    last_end = spans[-1][1]
    trailing = text.startswith(",", jsonc.skip(text, last_end))
    tail = container.end - 1
    while tail > last_end and text[tail - 1] in " \t\r\n":
        tail -= 1
    if style.multiline:
        entry = style.newline + indent + ("," + style.newline + indent).join(rendered)
    else:
        separator = _separator(text, spans)
        entry = separator.removeprefix(",") + separator.join(rendered)
    if trailing:
        return [Splice(tail, tail, entry + ",")]
    if tail == last_end:
        return [Splice(last_end, last_end, "," + entry)]
    return [Splice(last_end, last_end, ","), Splice(tail, tail, entry)]


def _fill(text: str, container: Node, rendered: list[str], indent: str, style: Style) -> Splice:
    """The splice that gives an empty container its first entries."""
    opener, closer = container.start + 1, container.end - 1
    blank = not text[opener:closer].strip()
    if not style.multiline:
        return Splice(opener, closer if blank else opener, ", ".join(rendered))
    joined = ("," + style.newline + indent).join(rendered)
    if not blank:
        return Splice(opener, opener, style.newline + indent + joined)
    base = _line_indent(text, container.start)
    return Splice(opener, closer, f"{style.newline}{indent}{joined}{style.newline}{base}")


def _local_style(text: str, container: Node, style: Style) -> Style:
    """One-line containers get one-line additions, even in a multi-line file."""
    spans = _spans(container)
    if spans and not any(c in text[container.start : spans[0][0]] for c in "\n\r"):
        return replace(style, multiline=False)
    return style


def _separator(text: str, spans: list[tuple[int, int]]) -> str:
    if len(spans) > 1:
        gap = text[spans[0][1] : spans[1][0]]
        if gap.strip() == "," and "\n" not in gap and "\r" not in gap:
            return gap
    return ", "


def _spans(node: Node) -> list[tuple[int, int]]:
    """Where each member (key to value) or item of a container starts and ends."""
    if node.kind is Kind.OBJECT:
        return [(m.key_start, m.value.end) for m in node.members]
    return [(item.start, item.end) for item in node.items]


def _entry_indent(text: str, container: Node, style: Style) -> str:
    spans = _spans(container)
    own = _indent_before(text, spans[0][0]) if spans else None
    return own if own is not None else _line_indent(text, container.start) + style.indent


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


def _indent_before(text: str, pos: int) -> str | None:
    """The blanks from the start of `pos`'s line to `pos`, when nothing else is there."""
    lead = text[_line_start(text, pos) : pos]
    return lead if lead.strip(" \t") == "" else None


def _line_indent(text: str, pos: int) -> str:
    lead = text[_line_start(text, pos) : pos]
    return lead[: len(lead) - len(lead.lstrip(" \t"))]


# --- the Expo settings apply writes ------------------------------------------------------------


def plan(original: bytes, manifest: ManifestWant, plist: PlistWant) -> Plan:
    """Edit an Expo app.json through its documented keys, each edit a splice of the source."""
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PatchError(f"not UTF-8: byte {error.start} cannot be decoded") from None
    _expo(_tree(text))  # refuse a file that is not an Expo config before planning anything
    changes: list[str] = []
    notes: list[str] = []
    text = _scheme(text, manifest.app_scheme, changes)
    text = _queries(text, plist, changes, notes)
    text = _packages(text, manifest, changes)
    if manifest.set_launch_mode:
        notes.append("Expo's MainActivity already uses launchMode singleTask; nothing to set")
    if not changes:
        return Plan(original, original, (), tuple(notes))
    return Plan(original, text.encode("utf-8"), tuple(changes), tuple(notes))


# Each step of `plan` looks at the tree of the text as the step before left it; an unchanged
# text is not parsed again (the tree is immutable, so sharing it is safe).
@functools.lru_cache(maxsize=2)
def _tree(text: str) -> Node:
    try:
        return jsonc.parse(text)
    except jsonc.JsoncError as error:
        raise PatchError(f"not valid JSON: {error.message}", error.line) from None


def _expo(root: Node) -> Node:
    if root.kind is not Kind.OBJECT:
        raise PatchError("app.json is not a JSON object", root.line)
    expo = root.get("expo")
    if expo is None:
        return root
    if expo.kind is not Kind.OBJECT:
        raise PatchError("`expo` in app.json is not an object", expo.line)
    return expo


def _typed(node: Node | None, kind: Kind, what: str) -> Node | None:
    if node is not None and node.kind is not kind:
        raise PatchError(f"{what} in app.json is not an {kind.value}", node.line)
    return node


def _edit(text: str, splices: list[Splice]) -> str:
    return apply_splices(text, splices) if splices else text


def _scheme(text: str, scheme: str, changes: list[str]) -> str:
    root = _tree(text)
    expo, style = _expo(root), style_of(text, root)
    current = expo.get("scheme")
    value = jsonc.string_value(current)
    if current is None:
        splices = insert_members(text, expo, {"scheme": scheme}, style)
    elif value is not None and value != scheme:
        source = text[current.start : current.end]
        splices = [replace_value(current, f"[{source}, {_string(scheme)}]")]
    elif current.kind is Kind.ARRAY and scheme not in map(jsonc.string_value, current.items):
        splices = append_items(text, current, [scheme], style)
    else:
        return text
    changes.append(
        f"added `{scheme}` to `scheme` (Expo adds the Android intent-filter and iOS URL type)"
    )
    return _edit(text, splices)


def _queries(text: str, want: PlistWant, changes: list[str], notes: list[str]) -> str:
    keys = ("ios", "infoPlist", QUERIES_KEY)
    root = _tree(text)
    expo = _expo(root)
    ios = _typed(expo.get("ios"), Kind.OBJECT, "`ios`")
    info = _typed(jsonc.find(ios, "infoPlist"), Kind.OBJECT, "`ios.infoPlist`")
    queries = _typed(jsonc.find(info, QUERIES_KEY), Kind.ARRAY, f"`ios.infoPlist.{QUERIES_KEY}`")
    items = queries.items if queries is not None else ()
    values = [jsonc.string_value(item) for item in items]
    decision = decide_queries(values, want)
    changes += [f"ios.infoPlist: {c}" for c in decision.changes]
    notes += decision.notes
    splices: list[Splice] = []
    if queries is not None:
        splices += remove_items(
            text,
            queries,
            [i for i, v in enumerate(values) if v is not None and decision.slots[i] is None],
        )
        splices += [
            replace_value(item, _string(slot))
            for item, old, slot in zip(items, values, decision.slots, strict=True)
            if old is not None and slot is not None and slot != old
        ]
    text = _edit(text, splices)
    return _add_at(text, _expo(_tree(text)), keys, list(decision.add))


def _packages(text: str, want: ManifestWant, changes: list[str]) -> str:
    root = _tree(text)
    expo = _expo(root)
    plugins = _typed(expo.get("plugins"), Kind.ARRAY, "`plugins`")
    entry = next((p for p in plugins.items if _is_build_properties(p)), None) if plugins else None
    options = entry.items[1] if entry is not None and len(entry.items) > 1 else None
    if options is not None and options.kind is not Kind.OBJECT:
        raise PatchError(f"the {BUILD_PROPERTIES} options are not an object", options.line)
    packages = _package_list(options)
    names = [jsonc.string_value(item) for item in packages.items] if packages else []
    seen: dict[str, None] = {}  # ordered, and `in` is constant time
    removed: list[int] = []
    splices: list[Splice] = []
    for index, name in enumerate(names):
        if name is None:
            continue
        real = want.aliases.get(name, name) if want.fix else name
        if real in seen and want.fix:
            changes.append(f"manifestQueries: removed duplicate `{name}`")
            removed.append(index)
            continue
        if real != name:
            changes.append(f"manifestQueries: replaced alias `{name}` by `{real}`")
            assert packages is not None
            splices.append(replace_value(packages.items[index], _string(real)))
        seen[real] = None
    if packages is not None:
        splices += remove_items(text, packages, removed)
    missing = [p for p in want.packages if p not in seen]
    if not missing:
        return _edit(text, splices)
    changes.append(f"manifestQueries: added {len(missing)} package(s): {', '.join(missing)}")
    text = _edit(text, splices)
    return _add_plugin_packages(text, missing)


def _is_build_properties(node: Node) -> bool:
    if node.kind is Kind.ARRAY:
        return bool(node.items) and jsonc.string_value(node.items[0]) == BUILD_PROPERTIES
    return jsonc.string_value(node) == BUILD_PROPERTIES


def _package_list(options: Node | None) -> Node | None:
    android = jsonc.find(options, "android")
    queries = jsonc.find(android, "manifestQueries")
    packages = jsonc.find(queries, "package")
    bad = next((n for n in (android, queries) if n is not None and n.kind is not Kind.OBJECT), None)
    if bad is None and (packages is None or packages.kind is Kind.ARRAY):
        return packages
    culprit = bad or packages
    line = culprit.line if culprit is not None else None
    raise PatchError(f"{BUILD_PROPERTIES} android.manifestQueries.package is not an array", line)


def _add_plugin_packages(text: str, missing: list[str]) -> str:
    root = _tree(text)
    expo, style = _expo(root), style_of(text, root)
    plugins = expo.get("plugins")
    nested: Value = {"android": {"manifestQueries": {"package": missing}}}
    if plugins is None:
        return _edit(
            text, insert_members(text, expo, {"plugins": [[BUILD_PROPERTIES, nested]]}, style)
        )
    entry = next((p for p in plugins.items if _is_build_properties(p)), None)
    if entry is None:
        return _edit(text, append_items(text, plugins, [[BUILD_PROPERTIES, nested]], style))
    if entry.kind is Kind.STRING:
        style = _local_style(text, plugins, style)
        indent = _entry_indent(text, plugins, style)
        return _edit(
            text, [replace_value(entry, render([BUILD_PROPERTIES, nested], indent, style))]
        )
    if len(entry.items) == 1:
        return _edit(text, append_items(text, entry, [nested], style))
    return _add_at(text, entry.items[1], ("android", "manifestQueries", "package"), missing)


def _add_at(text: str, base: Node, path: Sequence[str], values: list[str]) -> str:
    """`values` appended to the array at `path` below `base` (a node of `text`), creating it."""
    if not values:
        return text
    style = style_of(text, _tree(text))
    node, rest = base, list(path)
    while rest and (child := node.get(rest[0])) is not None:
        node, rest = child, rest[1:]
    if not rest:
        return _edit(text, append_items(text, node, values, style))
    nested: Value = values
    for key in reversed(rest[1:]):
        nested = {key: nested}
    return _edit(text, insert_members(text, node, {rest[0]: nested}, style))
