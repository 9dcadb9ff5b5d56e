"""Registry review: validation findings, near misses and freshness for maintainers."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from schemegen.core.terminal import printable
from schemegen.registry import load, schemes, validate
from schemegen.registry import model as reg
from schemegen.registry.load import Located
from schemegen.registry.model import App, Registry, RegistryError


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
        registry = validate.build(base, overlays)
    except RegistryError as error:
        return CheckResult(None, (*findings, *_errors(error)))
    findings += [Finding(p.path, p.line, p.field, Severity.NOTE, p.message) for p in registry.notes]
    findings += _source_value_findings(registry)
    findings += near_miss_findings(registry, base.origin)
    findings += freshness_findings(registry)
    return CheckResult(registry, tuple(findings))


@dataclass(frozen=True)
class CheckedFiles:
    """`registry check` of some files: what it found, and the registry its summary names."""

    origin: str
    result: CheckResult


def check_files(
    base: tuple[str, str] | None, overlays: Sequence[tuple[str, str]] = ()
) -> CheckedFiles:
    """`check` of (origin, text) files, on the shipped registry when `base` is None.

    A file that does not parse is reported as errors, and then nothing is validated.
    """
    files = [*([base] if base is not None else []), *overlays]
    docs: list[Located] = []
    unparsed: list[Finding] = []
    for origin, text in files:
        try:
            docs.append(load.parse_yaml(text, origin))
        except RegistryError as error:
            unparsed += _errors(error)
    if base is None:
        docs.insert(0, load.load_shipped())
    origin = base[0] if base is not None else docs[0].origin  # the base, even if unparsed
    if unparsed:
        return CheckedFiles(origin, CheckResult(None, tuple(unparsed)))
    return CheckedFiles(origin, check(docs[0], docs[1:]))


def _errors(error: RegistryError) -> list[Finding]:
    return [Finding(p.path, p.line, p.field, Severity.ERROR, p.message) for p in error.problems]


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
    for index, source in enumerate(as_list(data.get("sources"))):
        if isinstance(source, dict):
            for key in ("seen", "read", "date"):
                if key in source:
                    places.append((("sources", index, key), source.get(key)))
    for index, app in enumerate(as_list(data.get("apps"))):
        if isinstance(app, dict):
            for ref_index, ref in enumerate(as_list(app.get("sources"))):
                if isinstance(ref, dict):
                    places.append((("apps", index, "sources", ref_index), ref.get("seen")))
    for path, value in places:
        message = _calendar_problem(value)
        if message:
            name = ".".join(str(p) for p in path)
            yield Finding(doc.origin, doc.line(path), name, Severity.ERROR, message)


def as_list(value: object) -> list[Any]:
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
    values = list(dict.fromkeys((v, app) for app, _, v in validate.iter_values(registry)))
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
