"""Expo app.json: the return `scheme` and the `plugins` entry of the generated config plugin."""

from __future__ import annotations

import json
from dataclasses import replace

from schemegen.apply import appjson
from schemegen.apply.edit import ManifestWant, PatchError, Plan, PlistWant
from schemegen.core import jsonc
from schemegen.core.jsonc import Kind, Node


def plan_plugin(original: bytes, scheme: str, entry: str) -> Plan:
    """Add `scheme` to `scheme` and `entry` to `plugins`, each a splice of the source.

    Nothing else changes: the plugin merges the queries at prebuild, and no package the
    project has not installed is named.
    """
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PatchError(f"not UTF-8: byte {error.start} cannot be decoded") from None
    changes: list[str] = []
    text = _scheme(text, scheme, changes)
    text = _plugin(text, entry, changes)
    if not changes:
        return Plan(original, original, ())
    return Plan(original, text.encode("utf-8"), tuple(changes))


def plan_app_json(original: bytes, manifest: ManifestWant, plist: PlistWant, entry: str) -> Plan:
    """The Expo config edits: `scheme` and `ios.infoPlist` as for native files, then the
    plugin entry, which declares the `<queries>` packages at prebuild (so no package list
    here, and no plugin the project has not installed)."""
    config = appjson.plan(original, replace(manifest, packages=()), plist)
    plugin = plan_plugin(config.new, manifest.app_scheme, entry)
    return Plan(original, plugin.new, config.changes + plugin.changes, config.notes + plugin.notes)


def _tree(text: str) -> tuple[Node, Node]:
    """The document and its `expo` object (the document itself when it has none)."""
    try:
        root = jsonc.parse(text)
    except jsonc.JsoncError as error:
        raise PatchError(f"not valid JSON: {error.message}", error.line) from None
    if root.kind is not Kind.OBJECT:
        raise PatchError("app.json is not a JSON object", root.line)
    expo = root.get("expo")
    if expo is None:
        return root, root
    if expo.kind is not Kind.OBJECT:
        raise PatchError("`expo` in app.json is not an object", expo.line)
    return root, expo


def _scheme(text: str, scheme: str, changes: list[str]) -> str:
    root, expo = _tree(text)
    style = appjson.style_of(text, root)
    current = expo.get("scheme")
    value = jsonc.string_value(current)
    if current is None:
        splices = appjson.insert_members(text, expo, {"scheme": scheme}, style)
    elif value is not None and value != scheme:
        source = text[current.start : current.end]
        splices = [appjson.replace_value(current, f"[{source}, {json.dumps(scheme)}]")]
    elif current.kind is Kind.ARRAY and scheme not in map(jsonc.string_value, current.items):
        splices = appjson.append_items(text, current, [scheme], style)
    elif current.kind not in (Kind.STRING, Kind.ARRAY):
        raise PatchError("`scheme` in app.json is not a string or an array", current.line)
    else:
        return text
    changes.append(
        f"added `{scheme}` to `scheme` (Expo makes the return intent-filter and URL type)"
    )
    return appjson.apply_splices(text, splices)


def _names_plugin(node: Node, entry: str) -> bool:
    name = jsonc.string_value(node.items[0] if node.kind is Kind.ARRAY and node.items else node)
    return name is not None and name.removesuffix(".js") == entry


def _plugin(text: str, entry: str, changes: list[str]) -> str:
    root, expo = _tree(text)
    style = appjson.style_of(text, root)
    plugins = expo.get("plugins")
    if plugins is None:
        splices = appjson.insert_members(text, expo, {"plugins": [entry]}, style)
    elif plugins.kind is not Kind.ARRAY:
        raise PatchError("`plugins` in app.json is not an array", plugins.line)
    elif any(_names_plugin(item, entry) for item in plugins.items):
        return text
    else:
        splices = appjson.append_items(text, plugins, [entry], style)
    changes.append(f"added `{entry}` to `plugins` (the generated config plugin)")
    return appjson.apply_splices(text, splices)
