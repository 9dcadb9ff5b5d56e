"""Registry show and export: plain records, tables, markdown, JSON and CSV."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from schemegen.core.terminal import csv_cell, json_safe, printable
from schemegen.registry import model as reg
from schemegen.registry.check import newest_published
from schemegen.registry.model import App, Registry


def app_record(app: App) -> dict[str, Any]:
    """The app as a plain mapping with the keys of schemes.yaml (round-trips through build)."""
    record: dict[str, Any] = {
        "id": app.id,
        "name_ko": app.name_ko,
        "name_en": app.name_en,
        "category": str(app.category),
        "status": str(app.status),
    }
    if app.status_note:
        record["status_note"] = app.status_note
    record |= {
        "priority": {"tier": app.priority.tier, "order": app.priority.order},
        **(
            {"ios_priority": {"tier": app.ios_priority.tier, "order": app.ios_priority.order}}
            if app.ios_priority
            else {}
        ),
        "methods": list(app.methods),
        "ios_schemes": list(app.ios_schemes),
        **({"ios_main": app.ios_main} if app.ios_main != 1 else {}),
        "android_packages": list(app.android_packages),
        "android_schemes": list(app.android_schemes),
        **({"android_fallbacks": dict(app.android_fallbacks)} if app.android_fallbacks else {}),
        "app_store_id": app.app_store_id,
        "returns": {"android": app.returns_android, "ios": app.returns_ios},
    }
    if app.confidence:
        record["confidence"] = {"level": app.confidence.level, "note": app.confidence.note}
    if app.aliases:
        record["aliases"] = [
            {"value": a.value, "of": a.of, **({"note": a.note} if a.note else {})}
            for a in app.aliases
        ]
    if app.exceptions:
        record["exceptions"] = [
            {"value": e.value, "rule": e.rule, "source": e.source, "note": e.note}
            for e in app.exceptions
        ]
    if app.decisions:
        record["decisions"] = list(app.decisions)
    if app.notes:
        record["notes"] = app.notes
    record["sources"] = [
        {
            "id": s.id,
            "seen": s.seen,
            "verified": s.verified,
            **({"values": list(s.values)} if s.values else {}),
        }
        for s in app.sources
    ]
    return record


def pg_record(pg: reg.Pg) -> dict[str, Any]:
    record: dict[str, Any] = {"name": pg.name, "include": list(pg.include)}
    if pg.hosts:
        record["hosts"] = [{"pattern": h.pattern, "source": h.source} for h in pg.hosts]
    return record


def registry_record(registry: Registry) -> dict[str, Any]:
    record: dict[str, Any] = {
        "version": registry.version,
        "updated": registry.updated,
        "pgs": {code: pg_record(pg) for code, pg in registry.pgs.items()},
        "apps": [app_record(app) for app in registry.apps],
        "sources": [
            {
                "id": s.id,
                "where": s.where,
                "commit": s.commit or None,
                "seen": s.seen,
                "read": s.read,
            }
            for s in registry.sources.values()
        ],
    }
    if registry.known_non_payment:
        record["known_non_payment"] = [
            {"pattern" if n.pattern else "value": n.value, "note": n.note}
            for n in registry.known_non_payment
        ]
    if registry.placeholders:
        record["placeholders"] = list(registry.placeholders)
    return record


def effective_yaml(registry: Registry) -> str:
    """The effective registry (after overlays) as YAML that `build` accepts as a base file."""
    import yaml

    record = registry_record(registry)
    with contextlib.suppress(ValueError):
        record["updated"] = dt.date.fromisoformat(registry.updated)
    header = (
        "# yaml-language-server: $schema=schemes.schema.json\n"
        f"# Effective schemegen registry {registry.version} after overlays "
        f"({len(registry.apps)} apps).\n"
    )
    return header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table padded for East Asian wide characters."""
    widths = [max(_width(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def show_table(apps: Iterable[App]) -> str:
    header = ("id", "한국어", "English", "category", "status", "iOS schemes", "Android packages")
    rows = [
        tuple(
            printable(cell)
            for cell in (
                a.id,
                a.name_ko,
                a.name_en,
                str(a.category),
                str(a.status),
                " ".join(a.ios_schemes) or "-",
                " ".join(a.android_packages) or "-",
            )
        )
        for a in apps
    ]
    return text_table(header, rows)


def show_detail(app: App, registry: Registry) -> str:
    """Every field of one app, one per line, with its source descriptions."""

    def join(values: Iterable[str]) -> str:
        return ", ".join(values) or "-"

    lines = [
        f"{app.id}: {app.name_ko} / {app.name_en}",
        f"  category:         {app.category}",
        f"  status:           {app.status}" + (f" ({app.status_note})" if app.status_note else ""),
        f"  priority:         tier {app.priority.tier}, order {app.priority.order}",
    ]
    if app.ios_priority:
        lines.append(
            f"  iOS priority:     tier {app.ios_priority.tier}, order {app.ios_priority.order}"
        )
    lines += [
        f"  methods:          {join(app.methods)}",
        f"  iOS schemes:      {join(app.ios_schemes)}"
        + (f" (main: {join(app.ios_main_schemes)})" if app.ios_main != 1 else ""),
        f"  Android packages: {join(app.android_packages)}",
        f"  Android schemes:  {join(app.android_schemes)}",
    ]
    lines += [
        f"  Android fallback: {scheme} -> {package}" for scheme, package in app.android_fallbacks
    ]
    lines += [
        f"  App Store id:     {app.app_store_id or '-'}",
        f"  returns:          android {_yes(app.returns_android)}, ios {_yes(app.returns_ios)}",
    ]
    if app.confidence:
        lines.append(f"  confidence:       {app.confidence.level}: {app.confidence.note}")
    lines += [f"  alias:            {a.value} -> {a.of} ({a.note})" for a in app.aliases]
    lines += [
        f"  exception:        {e.value} [{e.rule}] {e.source}: {e.note}" for e in app.exceptions
    ]
    lines += [f"  decision:         {d}" for d in app.decisions]
    if app.notes.strip():
        lines.append(f"  notes:            {app.notes.strip()}")
    lines.append("  sources:")
    for ref in app.sources:
        source = registry.sources.get(ref.id)
        where = f" {source.where}" if source else ""
        values = f" [{', '.join(ref.values)}]" if ref.values else ""
        lines.append(f"    {ref.id} ({ref.verified}, seen {ref.seen}){values}:{where}")
    newest = newest_published(app)
    lines.append(f"  newest published: {newest or '-'}")
    lines.append(f"  defined at:       {app.origin}:{app.line}")
    return "\n".join(printable(line) for line in lines) + "\n"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _md(text: str) -> str:
    return printable(text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " "))


def _codes(values: Iterable[str]) -> str:
    return ", ".join(f"`{_md(v)}`" for v in values) or "—"


def export_markdown(registry: Registry) -> str:
    """docs/registry.md: every app, then the sources and the reviewed non-payment values."""
    out = [
        "<!-- generated by `schemegen registry export --format markdown` from schemes.yaml; "
        "do not edit -->",
        f"# Payment-app registry {registry.version}",
        "",
        f"`schemes.yaml` {registry.version}, updated {registry.updated}: "
        f"{len(registry.apps)} apps in "
        "priority order (the order of every generated list). Status `legacy` apps are still "
        "generated; `deprecated` ones only with `--include`. Apps with no methods are only "
        "recognised, or generated with `--include`.",
        "",
        "| # | id | 한국어 | English | category | status | methods | iOS schemes "
        "| Android packages "
        "| Android schemes | App Store | sources |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for number, app in enumerate(registry.apps, 1):
        out.append(
            "| "
            + " | ".join(
                (
                    str(number),
                    f"`{app.id}`",
                    _md(app.name_ko),
                    _md(app.name_en),
                    str(app.category),
                    str(app.status),
                    ", ".join(app.methods) or "—",
                    _codes(app.ios_schemes),
                    _codes(app.android_packages),
                    _codes(app.android_schemes),
                    app.app_store_id or "—",
                    ", ".join(s.id for s in app.sources),
                )
            )
            + " |"
        )
    noted = [a for a in registry.apps if a.status_note]
    if noted:
        out += ["", "## Status notes", ""]
        out += [f"- `{a.id}` ({a.status}): {_md(a.status_note)}" for a in noted]
    aliased = [(a, alias) for a in registry.apps for alias in a.aliases]
    if aliased:
        out += [
            "",
            "## Aliases (recognised, never generated)",
            "",
            "| alias | stands for | app | note |",
            "|---|---|---|---|",
        ]
        out += [
            f"| `{_md(al.value)}` | `{_md(al.of)}` | `{a.id}` | {_md(al.note)} |"
            for a, al in aliased
        ]
    special = [a for a in registry.apps if a.ios_priority or a.ios_main != 1 or a.android_fallbacks]
    if special:
        out += [
            "",
            "## iOS order and Android fallbacks",
            "",
            "Apps whose iOS schemes have their own priority, whose first iOS schemes share the "
            "main slot, or whose schemes fall back to another app's Play package.",
            "",
            "| id | iOS priority | main iOS schemes | Android fallbacks |",
            "|---|---|---|---|",
        ]
        out += [
            f"| `{a.id}` | "
            + (
                f"tier {a.ios_priority.tier}, order {a.ios_priority.order}"
                if a.ios_priority
                else "—"
            )
            + f" | {_codes(a.ios_main_schemes)} | "
            + (", ".join(f"`{k}` → `{v}`" for k, v in a.android_fallbacks) or "—")
            + " |"
            for a in special
        ]
    confident = [a for a in registry.apps if a.confidence]
    if confident:
        out += ["", "## Confidence", "", "Apps backed only by weak sources.", ""]
        out += [
            f"- `{a.id}` ({a.confidence.level}): {_md(a.confidence.note)}"
            for a in confident
            if a.confidence
        ]
    out += ["", "## PG hosts", "", "| PG | hosts | sources |", "|---|---|---|"]
    out += [
        f"| `{pg.code}` | {_codes(h.pattern for h in pg.hosts)} | "
        f"{', '.join(dict.fromkeys(h.source for h in pg.hosts)) or '—'} |"
        for pg in registry.pgs.values()
    ]
    out += [
        "",
        "## Sources",
        "",
        "`seen` is the date of the list itself, `read` when it was read.",
        "",
        "| id | where | commit | seen | read |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| `{s.id}` | {_md(s.where)} | {_md(s.commit) or '—'} | {s.seen} | {s.read} |"
        for s in registry.sources.values()
    ]
    if registry.known_non_payment:
        out += [
            "",
            "## Known non-payment values",
            "",
            "Seen in real manifests and plists; `schemegen registry scan` does not report them.",
            "",
            "| value | note |",
            "|---|---|",
        ]
        out += [
            f"| `{_md(n.value)}`{' (pattern)' if n.pattern else ''} | {_md(n.note)} |"
            for n in registry.known_non_payment
        ]
    if registry.placeholders:
        out += [
            "",
            "## Placeholders",
            "",
            "Sample app schemes from guides and SDK examples: `schemegen lint` reports them, "
            "`apply` and `generate` refuse them as `--app-scheme` unless `--allow-placeholder`.",
            "",
            ", ".join(f"`{_md(p)}`" for p in registry.placeholders),
        ]
    return "\n".join(out) + "\n"


def export_json(registry: Registry) -> str:
    """`version` is the format version (public API); `registry` the registry's own version."""
    record = registry_record(registry)
    payload = {"version": 1, "registry": record.pop("version"), **record}
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n"


CSV_COLUMNS = (
    "id",
    "name_ko",
    "name_en",
    "category",
    "status",
    "status_note",
    "tier",
    "order",
    "methods",
    "ios_schemes",
    "android_packages",
    "android_schemes",
    "app_store_id",
    "returns_android",
    "returns_ios",
    "aliases",
    "sources",
    "confidence",
)


def export_csv(registry: Registry) -> str:
    """One row per app; list cells are space-separated, formulas and controls defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for a in registry.apps:
        cells = (
            a.id,
            a.name_ko,
            a.name_en,
            a.category,
            a.status,
            a.status_note,
            a.priority.tier,
            a.priority.order,
            " ".join(a.methods),
            " ".join(a.ios_schemes),
            " ".join(a.android_packages),
            " ".join(a.android_schemes),
            a.app_store_id or "",
            _yes(a.returns_android),
            _yes(a.returns_ios),
            " ".join(x.value for x in a.aliases),
            " ".join(s.id for s in a.sources),
            a.confidence.level if a.confidence else "",
        )
        writer.writerow(csv_cell(printable(str(cell))) for cell in cells)
    return buffer.getvalue()


EXPORTS = {"markdown": export_markdown, "json": export_json, "csv": export_csv}
