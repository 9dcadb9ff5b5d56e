"""Registry scan: schemes and packages in real manifests and plists that the registry lacks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from schemegen.core import documents
from schemegen.registry import schemes
from schemegen.registry.model import Registry


class Kind(StrEnum):
    QUERY_SCHEME = "query-scheme"
    QUERY_PACKAGE = "query-package"
    QUERY_INTENT = "query-intent"
    URL_SCHEME = "url-scheme"


KIND_TITLES = {
    Kind.QUERY_SCHEME: "query schemes (LSApplicationQueriesSchemes, <queries><intent> data)",
    Kind.QUERY_PACKAGE: "query packages (<queries><package>)",
    Kind.QUERY_INTENT: "query intents without a data scheme (<queries><intent> action)",
    Kind.URL_SCHEME: "URL schemes the scanned apps declare (CFBundleURLSchemes, intent-filter "
    "android:scheme): usually the app's own return scheme",
}


@dataclass(frozen=True)
class Occurrence:
    value: str
    kind: Kind
    path: str
    line: int | None


class ScanError(ValueError):
    """A file that could not be read as a manifest or plist."""


def read_occurrences(document: documents.Document) -> tuple[Occurrence, ...]:
    """Schemes, packages and query intents named in one parsed manifest or plist."""
    if isinstance(document, documents.Unreadable):
        line = f":{document.problem.line}" if document.problem.line else ""
        raise ScanError(f"{document.path}{line}: {document.problem.message}")
    if isinstance(document, documents.Manifest):
        return _manifest(document)
    return _plist(document)


def _manifest(manifest: documents.Manifest) -> tuple[Occurrence, ...]:
    def value(node: documents.Node, attribute: str) -> str:
        raw = node.get(attribute) or ""
        return manifest.resolve(raw) or raw

    found = []
    for queries in manifest.root.all("queries"):
        for package in queries.all("package"):
            if package.get("android:name"):
                found.append(
                    Occurrence(
                        value(package, "android:name"),
                        Kind.QUERY_PACKAGE,
                        manifest.path,
                        package.line,
                    )
                )
        for intent in queries.all("intent"):
            data = [d for d in intent.all("data") if d.get("android:scheme")]
            found += [
                Occurrence(value(d, "android:scheme"), Kind.QUERY_SCHEME, manifest.path, d.line)
                for d in data
            ]
            if not data:
                found += [
                    Occurrence(value(a, "android:name"), Kind.QUERY_INTENT, manifest.path, a.line)
                    for a in intent.all("action")
                    if a.get("android:name")
                ]
    for node in manifest.root.walk():
        if node.tag == "intent-filter":
            found += [
                Occurrence(value(d, "android:scheme"), Kind.URL_SCHEME, manifest.path, d.line)
                for d in node.all("data")
                if d.get("android:scheme")
            ]
    return tuple(found)


def _strings(entry: documents.PEntry | None) -> Iterator[documents.PScalar]:
    if entry is not None and isinstance(entry.value, documents.PArray):
        yield from (
            item
            for item in entry.value.items
            if isinstance(item, documents.PScalar) and isinstance(item.value, str)
        )


def _plist(plist: documents.Plist) -> tuple[Occurrence, ...]:
    found = [
        Occurrence(str(s.value).strip(), Kind.QUERY_SCHEME, plist.path, s.line)
        for s in _strings(plist.root.get("LSApplicationQueriesSchemes"))
    ]
    url_types = plist.root.get("CFBundleURLTypes")
    if url_types is not None and isinstance(url_types.value, documents.PArray):
        for url_type in url_types.value.items:
            if isinstance(url_type, documents.PDict):
                found += [
                    Occurrence(str(s.value).strip(), Kind.URL_SCHEME, plist.path, s.line)
                    for s in _strings(url_type.get("CFBundleURLSchemes"))
                ]
    return tuple(found)


@dataclass(frozen=True)
class Seen:
    """One value found by a scan, with where it was found."""

    value: str
    kinds: tuple[Kind, ...]
    places: tuple[tuple[str, int | None], ...]
    note: str = ""
    near: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p, _ in self.places))


@dataclass(frozen=True)
class ScanResult:
    files: tuple[str, ...]
    unreadable: tuple[str, ...]
    unknown: tuple[Seen, ...]
    aliases: tuple[Seen, ...]
    non_payment: tuple[Seen, ...]
    unresolved: tuple[Seen, ...]
    known: int


def scan(
    registry: Registry,
    occurrences: Iterable[Occurrence],
    files: Sequence[str] = (),
    unreadable: Sequence[str] = (),
) -> ScanResult:
    """Sort every value found into unknown, alias, reviewed non-payment, unresolved or known."""
    grouped: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences:
        grouped.setdefault(occurrence.value, []).append(occurrence)
    real = [*registry.scheme_owner, *registry.package_owner]
    unknown, aliases, non_payment, unresolved, known = [], [], [], [], 0
    for value, found in sorted(grouped.items()):
        kinds = tuple(sorted({o.kind for o in found}, key=list(Kind).index))
        places = tuple((o.path, o.line) for o in found)
        is_package = kinds == (Kind.QUERY_PACKAGE,)
        owner = (
            registry.package_owner.get(value)
            if is_package
            else (
                registry.scheme_owner.get(value)
                or registry.scheme_owner.get(value.lower())
                or registry.package_owner.get(value)
            )
        )
        alias = registry.aliases.get(value) or (
            None if is_package else registry.aliases.get(value.lower())
        )
        if owner is not None:
            known += 1
        elif documents.is_build_reference(value):
            unresolved.append(Seen(value, kinds, places, "resource or placeholder reference"))
        elif alias is not None:
            app, record = alias
            aliases.append(Seen(value, kinds, places, f"alias of `{record.of}` ({app.id})"))
        elif (reviewed := registry.non_payment(value)) is not None:
            non_payment.append(Seen(value, kinds, places, reviewed.note))
        else:
            near = schemes.near_misses(value, real)
            unknown.append(Seen(value, kinds, places, near=near))
    unknown.sort(key=lambda s: (list(Kind).index(s.kinds[0]), s.value))
    return ScanResult(
        tuple(files),
        tuple(unreadable),
        tuple(unknown),
        tuple(aliases),
        tuple(non_payment),
        tuple(unresolved),
        known,
    )


def _place(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def scan_text(result: ScanResult, registry: Registry) -> str:
    out = []
    if result.unknown:
        out.append("Values the registry does not know (neither a value nor an alias):")
        for kind in Kind:
            rows = [s for s in result.unknown if s.kinds[0] is kind]
            if not rows:
                continue
            out += ["", f"{KIND_TITLES[kind]}:"]
            for seen in rows:
                count = len(seen.files)
                line = f"  {seen.value}  ({len(seen.places)}x in {count} file{'s' * (count != 1)})"
                if seen.near:
                    owners = [_owner(registry, v) for v in seen.near]
                    line += "  near: " + ", ".join(
                        f"{v} ({o})" for v, o in zip(seen.near, owners, strict=True)
                    )
                out.append(line)
                out += [f"      {_place(p, n)}" for p, n in seen.places]
    else:
        out.append("Every value found is known to the registry.")
    sections: tuple[tuple[str, tuple[Seen, ...]], ...] = (
        ("Aliases seen (misspellings the registry recognises)", result.aliases),
        ("Reviewed non-payment values seen", result.non_payment),
        ("Unresolved references (not checked)", result.unresolved),
    )
    for title, group in sections:
        if group:
            out += ["", f"{title}:"]
            out += [
                f"  {s.value}  ({len(s.files)} file{'s' * (len(s.files) != 1)}): {s.note}"
                for s in group
            ]
    return "\n".join(out) + "\n"


def _owner(registry: Registry, value: str) -> str:
    app = registry.scheme_owner.get(value) or registry.package_owner.get(value)
    return app.id if app else "?"


def scan_json(result: ScanResult, registry: Registry) -> str:
    def seen(s: Seen) -> dict[str, Any]:
        return {
            "value": s.value,
            "kinds": [str(k) for k in s.kinds],
            "count": len(s.places),
            "files": list(s.files),
            "places": [{"path": p, "line": n} for p, n in s.places],
            "note": s.note,
            "near": [{"value": v, "app": _owner(registry, v)} for v in s.near],
        }

    payload = {
        "version": 1,
        "registry": registry.version,
        "files": list(result.files),
        "unreadable": list(result.unreadable),
        "known": result.known,
        "unknown": [seen(s) for s in result.unknown],
        "aliases": [seen(s) for s in result.aliases],
        "non_payment": [seen(s) for s in result.non_payment],
        "unresolved": [seen(s) for s in result.unresolved],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
