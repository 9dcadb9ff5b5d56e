"""The registry files merged and validated into the model: keys, sources, PGs, references."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from schemegen.registry import patterns
from schemegen.registry.entries import (
    HOST_KEYS,
    SEEN_DATE,
    Collector,
    Entry,
    build_app,
    check_controls,
    host_pattern_problem,
    str_list,
)
from schemegen.registry.load import Located, Parser, Path_, load_shipped, parse_yaml
from schemegen.registry.model import (
    SHIPPED,
    App,
    HostPattern,
    NonPayment,
    Pg,
    Problem,
    Registry,
    RegistryError,
    Source,
    priority_key,
)

_VERSION = re.compile(r"\d{4}\.\d{1,2}\.\d+")


TOP_KEYS = {"version", "updated", "sources", "pgs", "apps", "known_non_payment", "placeholders"}


SOURCE_KEYS = {"id", "where", "commit", "seen", "read", "date"}


PG_KEYS = {"name", "include", "hosts"}


def load(overlays: Sequence[tuple[str, str]] = (), parse: Parser = parse_yaml) -> Registry:
    """The shipped registry with `overlays` ((origin, text) pairs) applied, validated."""
    return build(load_shipped(parse), [parse(text, origin) for origin, text in overlays])


def build(base: Located, overlays: Sequence[Located] = ()) -> Registry:
    """Merge `overlays` into `base` and validate everything; raise RegistryError on problems."""
    out = Collector()
    for doc in (base, *overlays):
        _check_top(doc, out, is_base=doc is base)
        check_controls(doc, doc.data, (), out)
    if out.problems:
        raise RegistryError(out.problems)
    entries = _merge(base, overlays, out)
    sources = _sources(base, overlays, out)
    apps = tuple(build_app(entry, sources, out) for entry in entries)
    registry = Registry(
        version=str(base.data["version"]),
        updated=str(base.data["updated"]),
        apps=tuple(sorted((a for a in apps if a is not None), key=priority_key)),
        sources=sources,
        pgs=_pgs(base, overlays, out, sources),
        known_non_payment=_non_payment(base, overlays, out),
        notes=tuple(out.notes),
        placeholders=_placeholders(base, overlays, out),
    )
    # Ids disabled by an overlay (or dropped for their own errors) are not "unknown" to a PG.
    defined = {
        raw["id"]
        for doc in (base, *overlays)
        for raw in doc.data.get("apps") or []
        if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    }
    _check_cross(registry, entries, out, defined)
    if out.problems:
        raise RegistryError(out.problems)
    return registry


def _check_top(doc: Located, out: Collector, *, is_base: bool) -> None:
    data = doc.data
    if not isinstance(data, dict):
        out.add(doc, (), "the file must hold a mapping with `apps:`")
        return
    for key in data:
        if key not in TOP_KEYS:
            out.add(doc, (str(key),), f"unknown key `{key}`")
    if is_base:
        version = data.get("version")
        if not isinstance(version, str) or not _VERSION.fullmatch(version):
            out.add(doc, ("version",), "version must look like YYYY.MM.N (quoted)")
        updated = data.get("updated")
        if not isinstance(updated, dt.date):
            out.add(doc, ("updated",), "updated must be a date (YYYY-MM-DD)")
    if not isinstance(data.get("apps", []), list):
        out.add(doc, ("apps",), "apps must be a list")
    if not isinstance(data.get("sources", []), list):
        out.add(doc, ("sources",), "sources must be a list")
    if not isinstance(data.get("pgs", {}), dict):
        out.add(doc, ("pgs",), "pgs must be a mapping")
    if not isinstance(data.get("known_non_payment", []), list):
        out.add(doc, ("known_non_payment",), "known_non_payment must be a list")
    if not isinstance(data.get("placeholders", []), list):
        out.add(doc, ("placeholders",), "placeholders must be a list")


def _merge(base: Located, overlays: Sequence[Located], out: Collector) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for doc in (base, *overlays):
        for index, raw in enumerate(doc.data.get("apps") or []):
            path: Path_ = ("apps", index)
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                out.add(doc, path, "each app needs a string `id`")
                continue
            app_id = raw["id"]
            previous = entries.get(app_id)
            if doc is base and previous is not None:
                out.add(doc, (*path, "id"), f"duplicate app id `{app_id}`")
                continue
            if raw.get("disabled") is True:
                if previous is None:
                    out.add(doc, (*path, "id"), f"cannot disable unknown app `{app_id}`")
                else:
                    del entries[app_id]
                continue
            field_docs = {str(k): (doc, (*path, str(k))) for k in raw}
            if previous is not None:
                merged = {**previous.raw, **{k: v for k, v in raw.items() if k != "disabled"}}
                field_docs = {**previous.field_docs, **field_docs}
                entries[app_id] = Entry(merged, doc, path, field_docs)
            else:
                entries[app_id] = Entry(raw, doc, path, field_docs)
    return list(entries.values())


def _sources(base: Located, overlays: Sequence[Located], out: Collector) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for doc in (base, *overlays):
        for index, raw in enumerate(doc.data.get("sources") or []):
            path: Path_ = ("sources", index)
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                out.add(doc, path, "each source needs a string `id`")
                continue
            unknown = set(raw) - SOURCE_KEYS
            if unknown:
                out.add(doc, path, f"unknown keys {sorted(unknown)}")
            if not isinstance(raw.get("where"), str) or not raw["where"]:
                out.add(doc, (*path, "where"), "a source needs `where` (URL or repository path)")
            dates = _source_dates(doc, path, raw, out)
            found[raw["id"]] = Source(
                raw["id"], str(raw.get("where", "")), str(raw.get("commit") or ""), *dates
            )
    return found


def _source_dates(
    doc: Located, path: Path_, raw: Mapping[str, Any], out: Collector
) -> tuple[str, str]:
    """(seen, read); the single `date` of registries before 2026.12 is read as `seen`."""
    if "date" in raw:
        if "seen" in raw or "read" in raw:
            out.add(doc, (*path, "date"), "`date` is replaced by `seen` and `read`: drop it")
        else:
            out.note(
                doc,
                (*path, "date"),
                "`date` is read as `seen` (the date of the list itself); write `seen` and "
                "`read` (when you read it) instead",
            )
        raw = {"seen": raw["date"], "read": "n/a"}
    dates = []
    for key in ("seen", "read"):
        value = str(raw.get(key, ""))
        if not SEEN_DATE.fullmatch(value) and value != "n/a":
            out.add(doc, (*path, key), f"{key} `{value}` is not YYYY[-MM[-DD]] or n/a")
        dates.append(value)
    return dates[0], dates[1]


def _pgs(
    base: Located, overlays: Sequence[Located], out: Collector, sources: Mapping[str, Source]
) -> dict[str, Pg]:
    found: dict[str, Pg] = {}
    for doc in (base, *overlays):
        for code, raw in (doc.data.get("pgs") or {}).items():
            path: Path_ = ("pgs", str(code))
            include = str_list(raw.get("include")) if isinstance(raw, dict) else None
            if not isinstance(raw, dict) or include is None or not isinstance(raw.get("name"), str):
                out.add(doc, path, "a PG needs `name` and a list `include` of app ids")
                continue
            if set(raw) - PG_KEYS:
                out.add(doc, path, f"unknown keys {sorted(set(raw) - PG_KEYS)}")
            hosts = _hosts(doc, (*path, "hosts"), raw.get("hosts"), out)
            for index, host in enumerate(hosts):
                if host.source not in sources:
                    out.add(doc, (*path, "hosts", index), f"unknown source `{host.source}`")
            found[str(code)] = Pg(str(code), raw["name"], include, hosts)
    return found


def _hosts(doc: Located, path: Path_, value: object, out: Collector) -> tuple[HostPattern, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        out.add(doc, path, "hosts must be a list of {pattern, source}")
        return ()
    found: list[HostPattern] = []
    for index, raw in enumerate(value):
        where = (*path, index)
        if not (
            isinstance(raw, dict)
            and set(raw) == HOST_KEYS
            and all(isinstance(raw[k], str) for k in HOST_KEYS)
        ):
            out.add(doc, where, "a host is {pattern, source}")
            continue
        problem = host_pattern_problem(raw["pattern"])
        if problem:
            out.add(doc, (*where, "pattern"), f"host pattern `{raw['pattern']}` {problem}")
        elif any(h.pattern == raw["pattern"] for h in found):
            out.add(doc, (*where, "pattern"), f"host pattern `{raw['pattern']}` is listed twice")
        found.append(HostPattern(raw["pattern"], raw["source"]))
    return tuple(found)


def _placeholders(base: Located, overlays: Sequence[Located], out: Collector) -> tuple[str, ...]:
    """Every file's `placeholders`, in order; overlays add to the shipped list."""
    found: list[str] = []
    for doc in (base, *overlays):
        for index, raw in enumerate(doc.data.get("placeholders") or []):
            if not isinstance(raw, str) or not raw or raw != raw.lower():
                message = "a placeholder is a non-empty lower-case string"
                out.add(doc, ("placeholders", index), message)
                continue
            found.append(raw)
    return tuple(dict.fromkeys(found))


def _non_payment(
    base: Located, overlays: Sequence[Located], out: Collector
) -> tuple[NonPayment, ...]:
    found: list[NonPayment] = []
    for doc in (base, *overlays):
        for index, raw in enumerate(doc.data.get("known_non_payment") or []):
            path: Path_ = ("known_non_payment", index)
            keys = set(raw) if isinstance(raw, dict) else set()
            kind = "pattern" if "pattern" in keys else "value"
            if keys != {kind, "note"} or not all(isinstance(raw[k], str) and raw[k] for k in keys):
                out.add(doc, path, "an entry is {value, note} or {pattern, note}, non-empty")
                continue
            if kind == "pattern":
                try:
                    patterns.check(raw["pattern"])
                except patterns.PatternError as error:
                    out.add(doc, (*path, "pattern"), f"pattern `{raw['pattern']}`: {error}")
                    continue
            found.append(
                NonPayment(
                    raw[kind], raw["note"], kind == "pattern", doc.origin, doc.line((*path, kind))
                )
            )
    return tuple(found)


def _check_cross(
    registry: Registry, entries: Sequence[Entry], out: Collector, defined: set[str]
) -> None:
    by_id = {e.raw["id"]: e for e in entries}
    owners: dict[str, str] = {}
    for app in registry.apps:
        for value in dict.fromkeys(app.values):
            other = owners.setdefault(value, app.id)
            if other != app.id:
                entry = by_id[app.id]
                doc, path = entry.field_docs.get("id", (entry.doc, (*entry.path, "id")))
                out.add(doc, path, f"`{value}` belongs to two apps: `{other}` and `{app.id}`")
    for app in registry.apps:
        for alias in app.aliases:
            if alias.value in owners:
                entry = by_id[app.id]
                doc, path = entry.field_docs.get("aliases", (entry.doc, (*entry.path, "aliases")))
                out.add(
                    doc, path, f"alias `{alias.value}` is a real value of `{owners[alias.value]}`"
                )
    for app in registry.apps:
        for scheme, package in app.android_fallbacks:
            if package not in registry.package_owner:
                entry = by_id[app.id]
                doc, path = entry.field_docs.get(
                    "android_fallbacks", (entry.doc, (*entry.path, "android_fallbacks"))
                )
                out.add(
                    doc,
                    (*path, scheme),
                    f"`{scheme}` falls back to `{package}`, which no registry app lists",
                )
    for index, reviewed in enumerate(registry.known_non_payment):
        claimed = [v for v in owners if reviewed.matches(v)]
        if claimed:
            out.problems.append(
                Problem(
                    reviewed.origin,
                    reviewed.line,
                    f"known_non_payment[{index}]",
                    f"`{reviewed.value}` matches real value `{claimed[0]}` "
                    f"of `{owners[claimed[0]]}`",
                )
            )
    for pg in registry.pgs.values():
        for app_id in pg.include:
            if app_id not in defined:
                out.problems.append(
                    Problem(SHIPPED, 1, f"pgs.{pg.code}", f"unknown app `{app_id}`")
                )


def iter_values(registry: Registry) -> Iterator[tuple[App, str, str]]:
    """(app, kind, value) for every real value; kind is ios_scheme, android_scheme or package."""
    for app in registry.apps:
        for scheme in app.ios_schemes:
            yield app, "ios_scheme", scheme
        for scheme in app.android_schemes:
            yield app, "android_scheme", scheme
        for package in app.android_packages:
            yield app, "package", package
