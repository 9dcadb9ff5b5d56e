"""Registry maintenance as pure functions: review checks, diffs, show/export and manifest scans."""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from schemegen.core import documents
from schemegen.core.terminal import csv_cell, json_safe, printable
from schemegen.registry import model as reg
from schemegen.registry import schemes, selection
from schemegen.registry.model import App, Located, Registry, RegistryError

# --- check -------------------------------------------------------------------------------------


class Severity(StrEnum):
    ERROR = "error"
    REVIEW = "review"  # printed for a human to look at; fails only with --strict
    NOTE = "note"  # an old form that still loads; never fails


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    field: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}: {self.field}: [{self.severity}] {self.message}")


@dataclass(frozen=True)
class CheckResult:
    registry: Registry | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def reviews(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.REVIEW)

    @property
    def failing(self) -> tuple[Finding, ...]:
        """What fails `registry check --strict`: errors and review findings, never notes."""
        return tuple(f for f in self.findings if f.severity is not Severity.NOTE)


def check(base: Located, overlays: Sequence[Located] = ()) -> CheckResult:
    """Full validation (as every command does) plus the review-level checks of `registry check`."""
    findings = [f for doc in (base, *overlays) for f in _date_findings(doc)]
    try:
        registry = reg.build(base, overlays)
    except RegistryError as error:
        findings += [
            Finding(p.path, p.line, p.field, Severity.ERROR, p.message) for p in error.problems
        ]
        return CheckResult(None, tuple(findings))
    findings += [Finding(p.path, p.line, p.field, Severity.NOTE, p.message) for p in registry.notes]
    findings += _source_value_findings(registry)
    findings += near_miss_findings(registry, base.origin)
    findings += freshness_findings(registry)
    return CheckResult(registry, tuple(findings))


FRESHNESS_MONTHS = 24


def source_date(value: str) -> dt.date | None:
    """A `seen` value as a date: a year alone is 1 January, a month its first day, n/a none."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def newest_published(app: App) -> dt.date | None:
    """The newest `seen` among the app's published sources (store checks do not count)."""
    dates = [source_date(r.seen) for r in app.sources if r.verified == "published"]
    return max((d for d in dates if d is not None), default=None)


def freshness_findings(registry: Registry) -> Iterator[Finding]:
    """Apps whose newest published source is over 24 months older than the registry.

    Measured against the registry's own `updated:` date, not today's, so the result of a
    given registry never changes with the calendar. Store checks show that a listing
    exists, not that payment pages still use its values, so only published sources count;
    deprecated apps are kept for recognition and are left out.
    """
    updated = source_date(registry.updated)
    if updated is None:
        return
    limit = months_before(updated, FRESHNESS_MONTHS)
    for app in registry.apps:
        if app.status is reg.Status.DEPRECATED:
            continue
        newest = newest_published(app)
        if newest is not None and newest >= limit:
            continue
        found = f"newest published source is from {newest}" if newest else "no dated source"
        yield Finding(
            app.origin,
            app.line,
            f"apps[{app.id}].sources",
            Severity.REVIEW,
            f"{found}, over {FRESHNESS_MONTHS} months before the registry's updated "
            f"{registry.updated}: look for a current list",
        )


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _calendar_problem(value: object) -> str | None:
    if isinstance(value, dt.date) or value in (None, "n/a"):
        return None
    match = _DATE.fullmatch(str(value))
    if match is None:
        return None  # the format itself is reported by registry validation
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"`{value}` is not a calendar date"
    return None


def _date_findings(doc: Located) -> Iterator[Finding]:
    data = doc.data if isinstance(doc.data, dict) else {}
    places: list[tuple[tuple[str | int, ...], object]] = [(("updated",), data.get("updated"))]
    for index, source in enumerate(_list(data.get("sources"))):
        if isinstance(source, dict):
            for key in ("seen", "read", "date"):
                if key in source:
                    places.append((("sources", index, key), source.get(key)))
    for index, app in enumerate(_list(data.get("apps"))):
        if isinstance(app, dict):
            for ref_index, ref in enumerate(_list(app.get("sources"))):
                if isinstance(ref, dict):
                    places.append((("apps", index, "sources", ref_index), ref.get("seen")))
    for path, value in places:
        message = _calendar_problem(value)
        if message:
            name = ".".join(str(p) for p in path)
            yield Finding(doc.origin, doc.line(path), name, Severity.ERROR, message)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _source_value_findings(registry: Registry) -> Iterator[Finding]:
    for app in registry.apps:
        own = {*app.values, *(a.value for a in app.aliases), app.app_store_id}
        for ref in app.sources:
            for value in ref.values:
                if value not in own:
                    yield Finding(
                        app.origin,
                        app.line,
                        f"apps[{app.id}].sources",
                        Severity.ERROR,
                        f"source `{ref.id}` lists `{value}`, which is not a value of this app",
                    )


# Pair notes per value, and candidates examined per value: bounded, so that an overlay of
# thousands of similar values is checked in linear time and gives a readable report.
NOTES_PER_VALUE = 3
CANDIDATES_PER_VALUE = 64


def near_miss_findings(registry: Registry, base_origin: str = reg.SHIPPED) -> list[Finding]:
    """Values of different apps within two edits of each other, for review.

    Pairs that differ only before the first `-` (the `*-bankpay` per-bank codes) are folded
    into one note per family, unless an overlay brought one of the values in: a new value is
    always reported on its own. A value close to many others gets a few pair notes and one
    note saying there are more.
    """
    values = list(dict.fromkeys((v, app) for app, _, v in reg.iter_values(registry)))
    position = {value: index for index, (value, _) in enumerate(values)}
    index = schemes.NearMissIndex(value for value, _ in values)
    families: dict[str, dict[str, App]] = {}
    findings: list[Finding] = []
    for at, (value, app) in enumerate(values):
        notes = 0
        crowded = False
        candidates = index.candidates(value, 2, most=CANDIDATES_PER_VALUE)
        later = sorted(p for c in candidates if (p := position[c]) > at)
        for other, other_app in (values[p] for p in later):
            if other_app.id == app.id:
                continue
            distance = schemes.edit_distance(value.lower(), other.lower())
            if distance > 2:
                continue
            family = _family(value, other)
            from_overlay = base_origin != app.origin or base_origin != other_app.origin
            if family and not from_overlay:
                families.setdefault(family, {}).update({value: app, other: other_app})
                continue
            if notes == NOTES_PER_VALUE:
                crowded = True
                break
            notes += 1
            findings.append(
                _pair_note(value, app, other, other_app, distance, base_origin=base_origin)
            )
        if crowded or len(candidates) >= CANDIDATES_PER_VALUE:
            findings.append(_crowded_note(value, app))
    for family, members in families.items():
        first = min(members.values(), key=lambda a: (a.origin, a.line))
        findings.append(
            Finding(
                first.origin,
                first.line,
                "near-miss",
                Severity.REVIEW,
                f"`{family}` family: {len(members)} values of "
                f"{len({a.id for a in members.values()})} "
                "apps are within 2 edits of each other (per-bank codes of one scheme; expected)",
            )
        )
    return sorted(findings, key=lambda f: (f.path, f.line, f.message))


def _pair_note(
    value: str, app: App, other: str, other_app: App, distance: int, *, base_origin: str
) -> Finding:
    later = max(app, other_app, key=lambda a: (a.origin != base_origin, a.line))
    return Finding(
        later.origin,
        later.line,
        f"apps[{later.id}]",
        Severity.REVIEW,
        f"`{value}` ({app.id}) and `{other}` ({other_app.id}) are {distance} edit(s) apart: "
        "make sure neither is a typo of the other",
    )


def _crowded_note(value: str, app: App) -> Finding:
    return Finding(
        app.origin,
        app.line,
        f"apps[{app.id}]",
        Severity.REVIEW,
        f"`{value}` ({app.id}) resembles many other values; only the first "
        f"{NOTES_PER_VALUE} near misses are listed: make sure none is a typo",
    )


def _family(a: str, b: str) -> str | None:
    head_a, sep_a, rest_a = a.partition("-")
    head_b, sep_b, rest_b = b.partition("-")
    if sep_a and sep_b and rest_a == rest_b and head_a != head_b:
        return f"*-{rest_a}"
    return None


# --- plain records (show, export, diff) --------------------------------------------------------


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


# --- export ------------------------------------------------------------------------------------


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


# --- diff --------------------------------------------------------------------------------------


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
        for a in _list(data.get("apps"))
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
    return {str(i.get(key, i.get("pattern"))): i for i in _list(items) if isinstance(i, dict)}


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
        old_registry = reg.build(old)
    except RegistryError as error:
        note = f"{old_label} does not validate ({error.problems[0]}), so the effect is not shown"
    else:
        effect = generated_effect(old_registry, reg.build(new), ios_query_limit)
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


# --- scan --------------------------------------------------------------------------------------


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
