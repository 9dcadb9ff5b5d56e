"""An Expo app config read as the AndroidManifest.xml and Info.plist `expo prebuild` writes."""

# ruff: noqa: PTH118, PTH119, PTH120, PTH123

from __future__ import annotations

import os
import re

from schemegen.core import jsonc
from schemegen.core.documents import (
    MAX_BYTES,
    Document,
    Manifest,
    Node,
    PArray,
    PDict,
    PEntry,
    Plist,
    Problem,
    ProblemKind,
    PScalar,
    PValue,
    Unreadable,
)

APP_JSON = "app.json"
JS_CONFIGS = ("app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs")
BUILD_PROPERTIES = "expo-build-properties"
VIEW = "android.intent.action.VIEW"
# Expo's template MainActivity: the launcher, exported, singleTask (expo/expo templates/
# expo-template-bare-minimum/android/app/src/main/AndroidManifest.xml).
_MAIN_ACTIVITY = {
    "android:name": ".MainActivity",
    "android:exported": "true",
    "android:launchMode": "singleTask",
}
_DEFAULT_EXPORT = re.compile(r"\b(?:export\s+default|module\.exports\s*=)\s*(?:\(\s*)?\{")


def is_config_name(name: str) -> bool:
    return name == APP_JSON or name in JS_CONFIGS


def is_expo_config(path: str) -> bool:
    """An app.config.*, or an app.json with Expo in the folder's package.json (or an `expo` key)."""
    if os.path.basename(path) in JS_CONFIGS:
        return True  # only Expo reads app.config.*
    folder = os.path.dirname(path)
    package = _read(os.path.join(folder, "package.json"))
    if package is not None:
        try:
            tree = jsonc.parse(package)
        except jsonc.JsoncError:
            tree = None
        for key in ("dependencies", "devDependencies"):
            if jsonc.find(tree, key, "expo") is not None:
                return True
    text = _read(path) if os.path.basename(path) == APP_JSON else None
    return text is not None and re.search(r"[\"']?expo[\"']?\s*:", text) is not None


def read(path: str, display: str) -> tuple[list[Document], str | None]:
    """The documents of one Expo config and, for code we cannot read, why not.

    app.json is read as Expo reads it (JSON5). An app.config.js/ts is read only when it
    exports a plain object literal; anything else (a function, spreads, variables) would
    have to be run.
    """
    text = _read(path)
    if text is None:
        return [Unreadable(display, Problem(ProblemKind.UNREADABLE, None, "cannot read"))], None
    if os.path.basename(path) == APP_JSON:
        try:
            tree = jsonc.parse(text)
        except jsonc.JsoncError as error:
            problem = Problem(ProblemKind.UNREADABLE, error.line, f"not JSON5: {error.message}")
            return [Unreadable(display, problem)], None
        return list(documents(tree, display)), None
    literal = _static_object(text)
    if literal is None:
        return [], "it exports code, which schemegen does not run"
    return list(documents(literal, display)), None


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


def _static_object(text: str) -> jsonc.Node | None:
    """The object literal an app.config exports, when it is JSON5 on its own."""
    match = _DEFAULT_EXPORT.search(text)
    if match is None:
        return None
    start = match.end() - 1
    for end in _closing_braces(text, start):
        try:
            node = jsonc.parse(text[start : end + 1])
        except jsonc.JsoncError:
            continue
        # offsets and lines inside the slice: shift lines to the file's
        return _shifted(node, text.count("\n", 0, start))
    return None


def _closing_braces(text: str, start: int) -> list[int]:
    """Candidate ends of the object at `start`: each `}` that closes it by simple counting."""
    depth, found = 0, []
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                found.append(index)
                break
    return found


def _shifted(node: jsonc.Node, lines: int) -> jsonc.Node:
    from dataclasses import replace

    return replace(
        node,
        line=node.line + lines,
        members=tuple(
            replace(m, line=m.line + lines, value=_shifted(m.value, lines)) for m in node.members
        ),
        items=tuple(_shifted(item, lines) for item in node.items),
    )


# --- the documents prebuild would write -----------------------------------------------------------


def documents(tree: jsonc.Node, path: str) -> tuple[Manifest, Plist]:
    """The manifest and Info.plist of `tree` (an app config), every value at its JSON line."""
    expo = jsonc.find(tree, "expo")
    config = expo if expo is not None else tree
    return _manifest(config, path), _plist(config, path)


def _strings(node: jsonc.Node | None) -> list[tuple[str, int]]:
    """A string or an array's strings, with their lines."""
    if node is None:
        return []
    if node.kind is jsonc.Kind.STRING and node.value is not None:
        return [(node.value, node.line)]
    return [
        (item.value, item.line)
        for item in node.items
        if item.kind is jsonc.Kind.STRING and item.value is not None
    ]


def _build_properties(expo: jsonc.Node) -> jsonc.Node | None:
    plugins = jsonc.find(expo, "plugins")
    for plugin in plugins.items if plugins is not None else ():
        if (
            plugin.kind is jsonc.Kind.ARRAY
            and len(plugin.items) > 1
            and jsonc.string_value(plugin.items[0]) == BUILD_PROPERTIES
        ):
            return plugin.items[1]
    return None


def _manifest(expo: jsonc.Node, path: str) -> Manifest:
    options = _build_properties(expo)
    queries = jsonc.find(options, "android", "manifestQueries", "package")
    children: list[Node] = []
    if queries is not None:
        packages = tuple(
            Node("package", {"android:name": v}, line) for v, line in _strings(queries)
        )
        children.append(Node("queries", {}, queries.line, packages))
    filters = [
        Node(
            "intent-filter",
            {},
            expo.line,
            (
                Node("action", {"android:name": "android.intent.action.MAIN"}, expo.line),
                Node("category", {"android:name": "android.intent.category.LAUNCHER"}, expo.line),
            ),
        )
    ]
    schemes = _strings(jsonc.find(expo, "scheme")) + _strings(jsonc.find(expo, "android", "scheme"))
    if schemes:
        data = tuple(Node("data", {"android:scheme": s}, line) for s, line in schemes)
        filters.append(
            Node("intent-filter", {}, schemes[0][1], (*_categories(VIEW, schemes[0][1]), *data))
        )
    intent_filters = jsonc.find(expo, "android", "intentFilters")
    for item in intent_filters.items if intent_filters is not None else ():
        filters.append(_intent_filter(item))
    activity = Node("activity", _MAIN_ACTIVITY, expo.line, tuple(filters))
    children.append(Node("application", {}, expo.line, (activity,)))
    target = jsonc.string_value(jsonc.find(options, "android", "targetSdkVersion"))
    number = jsonc.find(options, "android", "targetSdkVersion")
    raw = number.value if number is not None and number.kind is jsonc.Kind.NUMBER else target
    sdk = int(raw) if raw is not None and raw.isdigit() else None
    return Manifest(path, Node("manifest", {}, expo.line, tuple(children)), build_target_sdk=sdk)


def _categories(action: str, line: int) -> tuple[Node, ...]:
    return (
        Node("action", {"android:name": action}, line),
        Node("category", {"android:name": "android.intent.category.DEFAULT"}, line),
        Node("category", {"android:name": "android.intent.category.BROWSABLE"}, line),
    )


def _intent_filter(item: jsonc.Node) -> Node:
    """An `android.intentFilters` entry (`action`, `category`, `data`) as prebuild writes it."""
    children: list[Node] = []
    for action, line in _strings(jsonc.find(item, "action")):
        name = action if "." in action else f"android.intent.action.{action}"
        children.append(Node("action", {"android:name": name}, line))
    for category, line in _strings(jsonc.find(item, "category")):
        name = category if "." in category else f"android.intent.category.{category}"
        children.append(Node("category", {"android:name": name}, line))
    data = jsonc.find(item, "data")
    entries = (data.items if data.kind is jsonc.Kind.ARRAY else (data,)) if data else ()
    for entry in entries:
        attrs = {
            f"android:{m.key}": m.value.value
            for m in entry.members
            if m.value.kind is jsonc.Kind.STRING and m.value.value is not None
        }
        children.append(Node("data", attrs, entry.line))
    return Node("intent-filter", {}, item.line, tuple(children))


def _plist(expo: jsonc.Node, path: str) -> Plist:
    info = jsonc.find(expo, "ios", "infoPlist")
    entries = (
        list(_value(info).entries) if info is not None and info.kind is jsonc.Kind.OBJECT else []
    )
    schemes = _strings(jsonc.find(expo, "scheme")) + _strings(jsonc.find(expo, "ios", "scheme"))
    if schemes:
        # prebuild adds one URL type with the config's schemes to whatever infoPlist lists
        url_type = PDict(
            (
                PEntry(
                    "CFBundleURLSchemes",
                    schemes[0][1],
                    PArray(tuple(PScalar(s, "string", line) for s, line in schemes), schemes[0][1]),
                ),
            ),
            schemes[0][1],
        )
        index = next((i for i, e in enumerate(entries) if e.key == "CFBundleURLTypes"), None)
        if index is None:
            entries.append(PEntry("CFBundleURLTypes", schemes[0][1], PArray((url_type,), None)))
        else:
            old = entries[index]
            items = old.value.items if isinstance(old.value, PArray) else ()
            entries[index] = PEntry(old.key, old.line, PArray((*items, url_type), old.line))
    line = info.line if info is not None else expo.line
    return Plist(path, PDict(tuple(entries), line))


def _value(node: jsonc.Node) -> PDict:
    value = _convert(node)
    assert isinstance(value, PDict)
    return value


def _convert(node: jsonc.Node) -> PValue:
    if node.kind is jsonc.Kind.OBJECT:
        return PDict(
            tuple(PEntry(m.key, m.line, _convert(m.value)) for m in node.members), node.line
        )
    if node.kind is jsonc.Kind.ARRAY:
        return PArray(tuple(_convert(item) for item in node.items), node.line)
    if node.kind is jsonc.Kind.BOOLEAN:
        return PScalar(node.value == "true", str(node.value), node.line)
    if node.kind is jsonc.Kind.NUMBER and node.value is not None:
        try:
            return PScalar(int(node.value), "integer", node.line)
        except ValueError:
            return PScalar(node.value, "real", node.line)
    return PScalar(node.value or "", "string", node.line)
