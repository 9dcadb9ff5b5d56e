"""Registry diff: what changed between two registry versions, and in generated output."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from schemegen.registry import selection, validate
from schemegen.registry.check import as_list
from schemegen.registry.load import Located
from schemegen.registry.model import Registry, RegistryError


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any = None
    new: Any = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # keyed items (sources by id, aliases by value) edited in place


@dataclass(frozen=True)
class AppChange:
    id: str
    name: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ListChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    reordered: bool = False


@dataclass(frozen=True)
class Effect:
    methods: tuple[str, ...]
    ios_query_limit: int
    android_packages: ListChange
    ios_query_schemes: ListChange


@dataclass(frozen=True)
class RegistryDiff:
    old_label: str
    new_label: str
    old_version: str
    new_version: str
    added: tuple[Mapping[str, Any], ...]
    removed: tuple[Mapping[str, Any], ...]
    changed: tuple[AppChange, ...]
    other: tuple[FieldChange, ...]
    effect: Effect | None
    effect_note: str = ""

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.other)


_KEYED = {"aliases": "value", "exceptions": "value", "sources": "id"}


def _apps_by_id(doc: Located) -> dict[str, dict[str, Any]]:
    data = doc.data if isinstance(doc.data, dict) else {}
    return {
        a["id"]: a
        for a in as_list(data.get("apps"))
        if isinstance(a, dict) and isinstance(a.get("id"), str)
    }


def _flow(value: Any) -> str:
    """A compact one-line YAML-like rendering of a value, for diffs."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _list_change(old: Sequence[str], new: Sequence[str]) -> ListChange:
    added = tuple(v for v in new if v not in old)
    removed = tuple(v for v in old if v not in new)
    common_old = [v for v in old if v in new]
    common_new = [v for v in new if v in old]
    return ListChange(added, removed, common_old != common_new)


def _edits(was: Mapping[str, Any], now: Mapping[str, Any], skip: str = "") -> list[str]:
    """`field `old` → `new`` for each field that differs; a missing field shows as —."""

    def shown(item: Mapping[str, Any], name: str) -> str:
        return f"`{_flow(item[name])}`" if name in item else "—"

    return [
        f"{f} {shown(was, f)} → {shown(now, f)}"
        for f in dict.fromkeys([*was, *now])
        if f != skip and ((f in was) != (f in now) or was.get(f) != now.get(f))
    ]


def _item_changes(prefix: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    """Top-level keyed items (sources, PGs ...): whole items added or removed, else field edits."""
    changes = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        field = f"{prefix}.{key}"
        if isinstance(before, dict) and isinstance(after, dict):
            changes.append(FieldChange(field, changed=tuple(_edits(before, after))))
        else:
            changes.append(
                FieldChange(
                    field,
                    None if before is None else _flow(before),
                    None if after is None else _flow(after),
                )
            )
    return changes


def _keyed_change(key: str, before: list[Any], after: list[Any]) -> FieldChange | None:
    """Items of a keyed list (sources by id, ...) compared by key, edits shown field by field."""
    name = _KEYED[key]
    if not all(isinstance(i, dict) and name in i for i in [*before, *after]):
        return None
    old_items = {str(i[name]): i for i in before}
    new_items = {str(i[name]): i for i in after}
    if len(old_items) != len(before) or len(new_items) != len(after):
        return None
    edits = []
    for item_key in (k for k in new_items if k in old_items):
        fields = _edits(old_items[item_key], new_items[item_key], skip=name)
        if fields:
            edits.append(f"`{item_key}` " + ", ".join(fields))
    return FieldChange(
        key,
        added=tuple(_flow(v) for k, v in new_items.items() if k not in old_items),
        removed=tuple(_flow(v) for k, v in old_items.items() if k not in new_items),
        changed=tuple(edits),
    )


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    changes = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        keyed = (
            _keyed_change(key, before or [], after or [])
            if key in _KEYED and isinstance(before, list | None) and isinstance(after, list | None)
            else None
        )
        if keyed is not None:
            if keyed.added or keyed.removed or keyed.changed:
                changes.append(keyed)
            else:
                changes.append(FieldChange(key, _flow(before), _flow(after)))  # order only
        elif (
            isinstance(before, list | None) and isinstance(after, list | None) and (before or after)
        ):
            if all(isinstance(v, str) for v in [*(before or []), *(after or [])]):
                items = _list_change(before or [], after or [])
            else:
                items = _list_change(
                    [_flow(v) for v in before or []], [_flow(v) for v in after or []]
                )
            if items.added or items.removed:
                changes.append(FieldChange(key, added=items.added, removed=items.removed))
            else:
                changes.append(FieldChange(key, _flow(before), _flow(after)))
        else:
            changes.append(
                FieldChange(
                    key, _flow(before) if key in old else None, _flow(after) if key in new else None
                )
            )
    return tuple(changes)


def _summary(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: raw.get(k)
        for k in (
            "id",
            "name_ko",
            "name_en",
            "category",
            "status",
            "ios_schemes",
            "android_packages",
            "android_schemes",
        )
    }


def _keyed(items: object, key: str) -> dict[str, Any]:
    return {str(i.get(key, i.get("pattern"))): i for i in as_list(items) if isinstance(i, dict)}


def diff(
    old: Located,
    new: Located,
    old_label: str,
    new_label: str,
    ios_query_limit: int = selection.IOS_QUERY_DEFAULT_LIMIT,
) -> RegistryDiff:
    """What changed between two registry files, field by field, and in the generated lists.

    The field diff works on the YAML data, so an old revision that no longer validates still
    diffs; the effect on generated output needs both to validate.
    """
    old_apps, new_apps = _apps_by_id(old), _apps_by_id(new)
    added = tuple(_summary(new_apps[i]) for i in new_apps if i not in old_apps)
    removed = tuple(_summary(old_apps[i]) for i in old_apps if i not in new_apps)
    changed = []
    for app_id, after in new_apps.items():
        before = old_apps.get(app_id)
        if before is not None and before != after:
            changes = _field_changes(before, after)
            if changes:
                changed.append(AppChange(app_id, str(after.get("name_ko", "")), changes))
    old_data = old.data if isinstance(old.data, dict) else {}
    new_data = new.data if isinstance(new.data, dict) else {}
    other: list[FieldChange] = []
    for key in ("version", "updated"):
        if str(old_data.get(key)) != str(new_data.get(key)):
            other.append(FieldChange(key, _flow(old_data.get(key)), _flow(new_data.get(key))))
    for key, field_key in (("sources", "id"), ("known_non_payment", "value")):
        other += _item_changes(
            key, _keyed(old_data.get(key), field_key), _keyed(new_data.get(key), field_key)
        )
    other += _item_changes("pgs", old_data.get("pgs") or {}, new_data.get("pgs") or {})

    effect, note, versions = None, "", (str(old_data.get("version")), str(new_data.get("version")))
    try:
        old_registry = validate.build(old)
    except RegistryError as error:
        note = f"{old_label} does not validate ({error.problems[0]}), so the effect is not shown"
    else:
        effect = generated_effect(old_registry, validate.build(new), ios_query_limit)
    return RegistryDiff(
        old_label, new_label, *versions, added, removed, tuple(changed), tuple(other), effect, note
    )


def generated_effect(old: Registry, new: Registry, ios_query_limit: int) -> Effect:
    """Changes to `<queries>` packages and the kept iOS query schemes for the default selection."""
    criteria = selection.Criteria()
    old_apps, new_apps = selection.select(old, criteria), selection.select(new, criteria)
    old_ios = selection.cap(selection.ios_query_schemes(old_apps), ios_query_limit).kept
    new_ios = selection.cap(selection.ios_query_schemes(new_apps), ios_query_limit).kept
    return Effect(
        criteria.methods,
        ios_query_limit,
        _list_change(selection.android_packages(old_apps), selection.android_packages(new_apps)),
        _list_change(old_ios, new_ios),
    )


def _change_text(change: FieldChange) -> str:
    if change.added or change.removed or change.changed:
        if len(change.added) == 1 and len(change.removed) == 1 and not change.changed:
            return f"`{change.removed[0]}` → `{change.added[0]}`"
        parts = []
        if change.added:
            parts.append("added " + ", ".join(f"`{v}`" for v in change.added))
        if change.removed:
            parts.append("removed " + ", ".join(f"`{v}`" for v in change.removed))
        if change.changed:
            edited = "; ".join(change.changed)
            # keyed items (`id` ...) read as "changed"; a single item's field edits stand alone
            parts.append(f"changed {edited}" if edited.startswith("`") else edited)
        return "; ".join(parts)
    if change.old is None:
        return f"set to `{change.new}`"
    if change.new is None:
        return f"`{change.old}` removed"
    return f"`{change.old}` → `{change.new}`"


def _app_line(summary: Mapping[str, Any]) -> str:
    values = []
    for key, label in (
        ("ios_schemes", "iOS"),
        ("android_packages", "Android"),
        ("android_schemes", "Android schemes"),
    ):
        if summary.get(key):
            values.append(f"{label} " + ", ".join(f"`{v}`" for v in summary[key]))
    names = " / ".join(str(summary[k]) for k in ("name_ko", "name_en") if summary.get(k))
    return f"- `{summary['id']}` {names} ({summary.get('category')}, {summary.get('status')})" + (
        ": " + "; ".join(values) if values else ""
    )


def diff_text(result: RegistryDiff) -> str:
    """Markdown for a pull request description."""
    out = [
        f"## Registry diff: {result.old_label} ({result.old_version}) → "
        f"{result.new_label} ({result.new_version})",
        "",
    ]
    if result.empty:
        out += ["No changes.", ""]
    if result.added:
        out += [f"### Apps added ({len(result.added)})", ""]
        out += [_app_line(s) for s in result.added] + [""]
    if result.removed:
        out += [f"### Apps removed ({len(result.removed)})", ""]
        out += [_app_line(s) for s in result.removed] + [""]
    if result.changed:
        out += [f"### Apps changed ({len(result.changed)})", ""]
        for app in result.changed:
            out.append(f"- `{app.id}` {app.name}")
            out += [f"  - `{c.field}`: {_change_text(c)}" for c in app.changes]
        out.append("")
    if result.other:
        out += ["### Other changes", ""]
        out += [f"- `{c.field}`: {_change_text(c)}" for c in result.other] + [""]
    out += ["### Effect on generated output", ""]
    effect = result.effect
    if effect is None:
        out.append(f"Not computed: {result.effect_note}.")
        return "\n".join(out).rstrip() + "\n"
    out += [
        f"Default selection (methods {', '.join(effect.methods)}), "
        f"iOS query limit {effect.ios_query_limit}.",
        "",
    ]
    parts = (
        (
            "`android/AndroidManifest.fragment.xml` `<queries>`",
            effect.android_packages,
            '        <package android:name="{}" />',
        ),
        (
            "`ios/Info.plist.fragment.xml` `LSApplicationQueriesSchemes`",
            effect.ios_query_schemes,
            "        <string>{}</string>",
        ),
    )
    for title, change, template in parts:
        if not (change.added or change.removed or change.reordered):
            out += [f"{title}: no change.", ""]
            continue
        out += [f"{title}:", "", "```diff"]
        out += ["+" + template.format(v) for v in change.added]
        out += ["-" + template.format(v) for v in change.removed]
        if change.reordered:
            out.append("# order changed")
        out += ["```", ""]
    return "\n".join(out).rstrip() + "\n"


def diff_json(result: RegistryDiff) -> str:
    def change(c: FieldChange) -> dict[str, Any]:
        return {
            "field": c.field,
            "old": c.old,
            "new": c.new,
            "added": list(c.added),
            "removed": list(c.removed),
            "changed": list(c.changed),
        }

    def lists(c: ListChange) -> dict[str, Any]:
        return {"added": list(c.added), "removed": list(c.removed), "reordered": c.reordered}

    effect = result.effect
    payload = {
        "version": 1,
        "old": {"label": result.old_label, "registry": result.old_version},
        "new": {"label": result.new_label, "registry": result.new_version},
        "apps": {
            "added": [dict(s) for s in result.added],
            "removed": [dict(s) for s in result.removed],
            "changed": [
                {"id": a.id, "changes": [change(c) for c in a.changes]} for a in result.changed
            ],
        },
        "other": [change(c) for c in result.other],
        "effect": None
        if effect is None
        else {
            "methods": list(effect.methods),
            "ios_query_limit": effect.ios_query_limit,
            "android_packages": lists(effect.android_packages),
            "ios_query_schemes": lists(effect.ios_query_schemes),
        },
        "effect_note": result.effect_note,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"
