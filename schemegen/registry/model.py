"""The scheme registry: `schemes.yaml` (and overlays) loaded into validated frozen dataclasses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from typing import Any

from schemegen.core.record import field, record
from schemegen.core.terminal import printable
from schemegen.registry import patterns, schemes

METHODS = ("card", "trans", "vbank", "phone", "easypay", "auth")
DEFAULT_METHODS = ("card", "trans", "easypay")
VERIFIED = ("store", "published")
CONFIDENCE_LEVELS = ("medium", "low")
EXCEPTION_RULES = ("scheme-syntax",)
MAX_BYTES = 5_000_000


class Category(StrEnum):
    CARD = "card"
    BANK = "bank"
    EASYPAY = "easypay"
    AUTH = "auth"
    VACCINE = "vaccine"
    STORE = "store"
    OTHER = "other"


class Status(StrEnum):
    ACTIVE = "active"
    LEGACY = "legacy"
    DEPRECATED = "deprecated"


@record
class Alias:
    """A misspelt or malformed variant seen in the wild, and the real value it stands for."""

    value: str
    of: str
    note: str


@record
class SourceRef:
    id: str
    seen: str
    verified: str
    values: tuple[str, ...] = ()


@record
class RuleException:
    """A real value that breaks a syntax rule, kept because a named source publishes it."""

    value: str
    rule: str
    source: str
    note: str


@record
class Priority:
    tier: int
    order: int


@record
class Confidence:
    """Why an app's values are less certain than a current first-party list would make them."""

    level: str
    note: str


@record
class App:
    id: str
    name_ko: str
    name_en: str
    category: Category
    status: Status
    status_note: str
    priority: Priority
    methods: tuple[str, ...]
    ios_schemes: tuple[str, ...]
    android_packages: tuple[str, ...]
    android_schemes: tuple[str, ...]
    app_store_id: str | None
    returns_android: bool
    returns_ios: bool
    aliases: tuple[Alias, ...]
    exceptions: tuple[RuleException, ...]
    decisions: tuple[str, ...]
    notes: str
    sources: tuple[SourceRef, ...]
    ios_priority: Priority | None = None
    ios_main: int = 1
    android_fallbacks: tuple[tuple[str, str], ...] = ()
    confidence: Confidence | None = None
    origin: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def ios_rank(self) -> Priority:
        """The priority of the app's iOS schemes: `ios_priority` when set, else `priority`."""
        return self.ios_priority or self.priority

    @property
    def ios_main_schemes(self) -> tuple[str, ...]:
        """The iOS schemes that take the app's slots in the first pass of a short budget."""
        return self.ios_schemes[: self.ios_main]

    @property
    def schemes(self) -> tuple[str, ...]:
        """Every scheme the app answers, iOS first, without repeats."""
        return tuple(dict.fromkeys(self.ios_schemes + self.android_schemes))

    @property
    def values(self) -> tuple[str, ...]:
        return self.schemes + self.android_packages


@record
class Source:
    """A list that apps cite: `seen` is the list's own date, `read` when it was read."""

    id: str
    where: str
    commit: str
    seen: str
    read: str


@record
class HostPattern:
    """A host a PG's payment pages load from: exact, or `*.` and a host (as Capacitor accepts)."""

    pattern: str
    source: str


@record
class Pg:
    code: str
    name: str
    include: tuple[str, ...]
    hosts: tuple[HostPattern, ...] = ()


@record
class NonPayment:
    """A reviewed value that is not a payment app (`tel`, Kakao login, Facebook app ids ...)."""

    value: str
    note: str
    pattern: bool = False
    origin: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def matches(self, value: str) -> bool:
        if self.pattern:
            return re.fullmatch(self.value, value) is not None
        return value == self.value


@record
class Registry:
    version: str
    updated: str
    apps: tuple[App, ...]
    sources: Mapping[str, Source]
    pgs: Mapping[str, Pg]
    known_non_payment: tuple[NonPayment, ...] = ()
    notes: tuple[Problem, ...] = field(default=(), compare=False)
    placeholders: tuple[str, ...] = ()  # sample app schemes: refused by apply and generate

    def non_payment(self, value: str) -> NonPayment | None:
        """The reviewed non-payment entry matching `value`, if any."""
        return next((n for n in self.known_non_payment if n.matches(value)), None)

    @cached_property
    def by_id(self) -> Mapping[str, App]:
        return {app.id: app for app in self.apps}

    @cached_property
    def scheme_owner(self) -> Mapping[str, App]:
        return {scheme: app for app in self.apps for scheme in app.schemes}

    @cached_property
    def package_owner(self) -> Mapping[str, App]:
        return {package: app for app in self.apps for package in app.android_packages}

    @cached_property
    def aliases(self) -> Mapping[str, tuple[App, Alias]]:
        """Alias value (as written and lower-cased) -> the app and alias record."""
        found: dict[str, tuple[App, Alias]] = {}
        for app in self.apps:
            for alias in app.aliases:
                found.setdefault(alias.value, (app, alias))
                found.setdefault(alias.value.lower(), (app, alias))
        return found


class RegistryError(Exception):
    """One or more problems, each naming file, line and field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@record
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}: {self.field}: {self.message}")


# --- loading ---------------------------------------------------------------------------------

Path_ = tuple[str | int, ...]


@record
class Located:
    """Plain YAML data plus the source line of every node, keyed by its path."""

    data: Any
    origin: str
    lines: Mapping[Path_, int]

    def line(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def _yaml_loader() -> type[Any]:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, origin: str) -> Located:
    """Parse YAML safely (no tags, no aliases) and index node lines."""
    import yaml

    if len(text) > MAX_BYTES:
        raise RegistryError([Problem(origin, 1, "file", f"larger than {MAX_BYTES} bytes")])
    loader = _yaml_loader()(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        if node is not None:
            _index(node, (), lines, set(), origin)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RegistryError([Problem(origin, line, "yaml", str(error.problem or error))]) from None
    except yaml.YAMLError as error:
        # A ReaderError (a control character in the text) knows its offset, not its line,
        # and adds a second line naming "<unicode string>"; report the first, located.
        offset = getattr(error, "position", None)
        line = text.count("\n", 0, offset) + 1 if isinstance(offset, int) else 1
        message = str(error).split("\n", 1)[0]
        raise RegistryError([Problem(origin, line, "yaml", message)]) from None
    finally:
        loader.dispose()
    return Located(data, origin, lines)


def _index(node: Any, path: Path_, lines: dict[Path_, int], seen: set[int], origin: str) -> None:
    import yaml

    # A node reached twice is an alias: refusing them rules out "billion laughs" expansions.
    if id(node) in seen:
        raise RegistryError(
            [
                Problem(
                    origin, node.start_mark.line + 1, "yaml", "anchors and aliases are not allowed"
                )
            ]
        )
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(len(lines))
            _index(value, (*path, name), lines, seen, origin)
            lines[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, index), lines, seen, origin)


def read_text_resource(name: str) -> str:
    from importlib import resources

    return resources.files("schemegen").joinpath(name).read_text(encoding="utf-8")


SHIPPED = "schemes.yaml"


Parser = Callable[[str, str], Located]


def load_shipped(parse: Parser = parse_yaml) -> Located:
    return parse(read_text_resource(SHIPPED), SHIPPED)


# --- building and validating ------------------------------------------------------------------

_ID = re.compile(r"[a-z][a-z0-9_]*")
_SEEN = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_VERSION = re.compile(r"\d{4}\.\d{1,2}\.\d+")
TOP_KEYS = {"version", "updated", "sources", "pgs", "apps", "known_non_payment", "placeholders"}
APP_KEYS = {
    "id",
    "name_ko",
    "name_en",
    "category",
    "status",
    "status_note",
    "priority",
    "methods",
    "ios_schemes",
    "android_packages",
    "android_schemes",
    "app_store_id",
    "returns",
    "aliases",
    "exceptions",
    "decisions",
    "notes",
    "sources",
    "ios_priority",
    "ios_main",
    "android_fallbacks",
    "confidence",
}
REQUIRED_APP_KEYS = {
    "id",
    "name_ko",
    "name_en",
    "category",
    "status",
    "priority",
    "methods",
    "ios_schemes",
    "android_packages",
    "sources",
}
OVERLAY_ONLY_KEYS = {"disabled"}
SOURCE_KEYS = {"id", "where", "commit", "seen", "read", "date"}
PG_KEYS = {"name", "include", "hosts"}
HOST_KEYS = {"pattern", "source"}
CONFIDENCE_KEYS = {"level", "note"}
SOURCE_REF_KEYS = {"id", "seen", "verified", "values"}
ALIAS_KEYS = {"value", "of", "note"}
EXCEPTION_KEYS = {"value", "rule", "source", "note"}


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []

    def note(self, doc: Located, path: Path_, message: str) -> None:
        self.add(doc, path, message)
        self.notes.append(self.problems.pop())

    def add(self, doc: Located, path: Path_, message: str) -> None:
        name = ".".join(str(p) for p in path if isinstance(p, str)) or "file"
        app_index = next((p for p in path[1:2] if isinstance(p, int)), None)
        if path[:1] == ("apps",) and app_index is not None:
            raw = doc.data["apps"][app_index] if _is_list(doc.data.get("apps")) else None
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                name = f"apps[{raw['id']}]." + ".".join(str(p) for p in path[2:] if p != "")
        self.problems.append(Problem(doc.origin, doc.line(path), name.rstrip("."), message))


def _is_list(value: object) -> bool:
    return isinstance(value, list)


def _str_list(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def load(overlays: Sequence[tuple[str, str]] = (), parse: Parser = parse_yaml) -> Registry:
    """The shipped registry with `overlays` ((origin, text) pairs) applied, validated."""
    return build(load_shipped(parse), [parse(text, origin) for origin, text in overlays])


@record
class _Entry:
    raw: Mapping[str, Any]
    doc: Located
    path: Path_
    field_docs: Mapping[str, tuple[Located, Path_]]


def build(base: Located, overlays: Sequence[Located] = ()) -> Registry:
    """Merge `overlays` into `base` and validate everything; raise RegistryError on problems."""
    out = _Collector()
    for doc in (base, *overlays):
        _check_top(doc, out, is_base=doc is base)
        _check_controls(doc, doc.data, (), out)
    if out.problems:
        raise RegistryError(out.problems)
    entries = _merge(base, overlays, out)
    sources = _sources(base, overlays, out)
    apps = tuple(_app(entry, sources, out) for entry in entries)
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


def priority_key(app: App) -> tuple[int, int, str]:
    return (app.priority.tier, app.priority.order, app.id)


def ios_priority_key(app: App) -> tuple[int, int, str]:
    return (app.ios_rank.tier, app.ios_rank.order, app.id)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_characters(text: str) -> tuple[str, ...]:
    """The C0 and C1 control characters (and DEL) in `text`, as U+XXXX."""
    return tuple(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _CONTROL.findall(text)))


def _check_controls(doc: Located, value: object, path: Path_, out: _Collector) -> None:
    # Every string may reach a generated file, a terminal or a CI log: none may hold a
    # line break, an escape sequence or a NUL, whatever key or exception it sits under.
    if isinstance(value, dict):
        for key, item in value.items():
            _check_controls(doc, key, path, out)
            _check_controls(doc, item, (*path, str(key)), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_controls(doc, item, (*path, index), out)
    elif isinstance(value, str) and _CONTROL.search(value):
        found = ", ".join(control_characters(value))
        out.add(doc, path, f"`{printable(value)}` contains control character(s) {found}")


def _check_top(doc: Located, out: _Collector, *, is_base: bool) -> None:
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


def _merge(base: Located, overlays: Sequence[Located], out: _Collector) -> list[_Entry]:
    entries: dict[str, _Entry] = {}
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
                entries[app_id] = _Entry(merged, doc, path, field_docs)
            else:
                entries[app_id] = _Entry(raw, doc, path, field_docs)
    return list(entries.values())


def _sources(base: Located, overlays: Sequence[Located], out: _Collector) -> dict[str, Source]:
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
    doc: Located, path: Path_, raw: Mapping[str, Any], out: _Collector
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
        if not _SEEN.fullmatch(value) and value != "n/a":
            out.add(doc, (*path, key), f"{key} `{value}` is not YYYY[-MM[-DD]] or n/a")
        dates.append(value)
    return dates[0], dates[1]


def _pgs(
    base: Located, overlays: Sequence[Located], out: _Collector, sources: Mapping[str, Source]
) -> dict[str, Pg]:
    found: dict[str, Pg] = {}
    for doc in (base, *overlays):
        for code, raw in (doc.data.get("pgs") or {}).items():
            path: Path_ = ("pgs", str(code))
            include = _str_list(raw.get("include")) if isinstance(raw, dict) else None
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


# A DNS name as a WebView allow-list takes it: lower-case LDH labels, two or more, the last
# not numeric (no IP addresses, ports, paths or schemes).
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def host_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not an exact host or `*.` plus a host, or None when it is."""
    host = pattern[2:] if pattern.startswith("*.") else pattern
    labels = host.split(".")
    if pattern != pattern.lower():
        return "must be lower case"
    if "*" in host:
        return "may hold `*` only as a leading `*.`"
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels):
        return "is not a host name (letters, digits and `-` in two or more dot-separated labels)"
    if labels[-1].isdigit():
        return "is an IP address, not a host name"
    return None


def _hosts(doc: Located, path: Path_, value: object, out: _Collector) -> tuple[HostPattern, ...]:
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


def _placeholders(base: Located, overlays: Sequence[Located], out: _Collector) -> tuple[str, ...]:
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
    base: Located, overlays: Sequence[Located], out: _Collector
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


def _app(entry: _Entry, sources: Mapping[str, Source], out: _Collector) -> App | None:
    raw = entry.raw

    def where(key: str) -> tuple[Located, Path_]:
        return entry.field_docs.get(key, (entry.doc, (*entry.path, key)))

    def problem(key: str, message: str, *sub: str | int) -> None:
        doc, path = where(key)
        out.add(doc, (*path, *sub), message)

    before = len(out.problems)
    for key in raw:
        if key not in APP_KEYS:
            problem(str(key), f"unknown key `{key}`")
    for key in sorted(REQUIRED_APP_KEYS - set(raw)):
        problem("id", f"missing required key `{key}`")
    if len(out.problems) > before:
        return None

    if not _ID.fullmatch(raw["id"]):
        problem("id", "ids are lower-case snake_case")
    for key in ("name_ko", "name_en"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            problem(key, "must be a non-empty string")
    category = _enum(Category, raw["category"], "category", problem)
    status = _enum(Status, raw["status"], "status", problem)
    status_note = raw.get("status_note") or ""
    if status not in (None, Status.ACTIVE) and not status_note:
        problem("status", "a legacy or deprecated app needs a `status_note` saying why")
    priority = _priority(raw["priority"]) or Priority(99, 0)
    if _priority(raw["priority"]) is None:
        problem("priority", "priority is {tier: int, order: int}")
    ios_priority = _priority(raw.get("ios_priority"))
    if raw.get("ios_priority") is not None and ios_priority is None:
        problem("ios_priority", "ios_priority is {tier: int, order: int}")
    methods = _str_list(raw["methods"])
    if methods is None or any(m not in METHODS for m in methods):
        problem("methods", f"methods must be a list drawn from {', '.join(METHODS)}")
        methods = ()

    lists: dict[str, tuple[str, ...]] = {}
    for key in ("ios_schemes", "android_packages", "android_schemes"):
        value = _str_list(raw.get(key))
        if value is None:
            problem(key, "must be a list of strings")
            value = ()
        for index, item in enumerate(value):
            if value.index(item) != index:
                problem(key, f"`{item}` is listed twice", index)
        lists[key] = value

    exceptions = _exceptions(raw.get("exceptions"), sources, problem)
    excepted = {(e.value, e.rule) for e in exceptions}
    for key in ("ios_schemes", "android_schemes"):
        for index, scheme in enumerate(lists[key]):
            reason = schemes.scheme_problem(scheme)
            if reason and (scheme, "scheme-syntax") not in excepted:
                problem(key, f"scheme `{scheme}` {reason}", index)
    for index, package in enumerate(lists["android_packages"]):
        if not schemes.is_valid_package(package):
            problem("android_packages", f"`{package}` is not a Java package name", index)
    real_values = set(lists["ios_schemes"] + lists["android_schemes"] + lists["android_packages"])
    for exc in exceptions:
        if exc.value not in real_values:
            problem("exceptions", f"exception for `{exc.value}`, which is not a value of this app")

    store_id = raw.get("app_store_id")
    if store_id is not None and not (
        isinstance(store_id, str) and schemes.is_app_store_id(store_id)
    ):
        problem("app_store_id", f"`{store_id}` does not look like id + digits")
    returns = raw.get("returns", {"android": True, "ios": True})
    if not (
        isinstance(returns, dict)
        and set(returns) == {"android", "ios"}
        and all(isinstance(v, bool) for v in returns.values())
    ):
        problem("returns", "returns is {android: bool, ios: bool}")
        returns = {"android": True, "ios": True}

    ios_main = raw.get("ios_main", 1)
    if not (isinstance(ios_main, int) and not isinstance(ios_main, bool) and ios_main >= 1):
        problem("ios_main", "ios_main is how many leading ios_schemes are main ones (1 or more)")
        ios_main = 1
    fallbacks = _fallbacks(raw.get("android_fallbacks"), lists, problem)
    confidence = _confidence(raw.get("confidence"), problem)
    aliases = _aliases(raw.get("aliases"), real_values, problem)
    refs = _source_refs(raw["sources"], sources, problem)
    decisions = _str_list(raw.get("decisions"))
    if decisions is None:
        problem("decisions", "must be a list of strings")
        decisions = ()
    if len(out.problems) > before:
        return None
    assert category is not None and status is not None
    doc, path = where("id")
    return App(
        id=raw["id"],
        name_ko=raw["name_ko"],
        name_en=raw["name_en"],
        category=category,
        status=status,
        status_note=str(status_note),
        priority=priority,
        methods=methods,
        ios_schemes=lists["ios_schemes"],
        android_packages=lists["android_packages"],
        android_schemes=lists["android_schemes"],
        app_store_id=store_id,
        returns_android=returns["android"],
        returns_ios=returns["ios"],
        aliases=aliases,
        exceptions=exceptions,
        decisions=decisions,
        notes=str(raw.get("notes") or ""),
        sources=refs,
        ios_priority=ios_priority,
        ios_main=ios_main,
        android_fallbacks=fallbacks,
        confidence=confidence,
        origin=doc.origin,
        line=doc.line(path),
    )


def _priority(value: object) -> Priority | None:
    if (
        isinstance(value, dict)
        and set(value) == {"tier", "order"}
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value.values())
    ):
        return Priority(value["tier"], value["order"])
    return None


def _fallbacks(
    value: object, lists: Mapping[str, tuple[str, ...]], problem: Any
) -> tuple[tuple[str, str], ...]:
    """scheme -> Play package for schemes whose store fallback is not the app's own package."""
    if value is None:
        return ()
    if not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
        problem("android_fallbacks", "android_fallbacks maps a scheme of this app to a package")
        return ()
    own = set(lists["ios_schemes"] + lists["android_schemes"])
    for scheme, package in value.items():
        if scheme not in own:
            problem("android_fallbacks", f"`{scheme}` is not a scheme of this app", str(scheme))
        elif not schemes.is_valid_package(package):
            problem("android_fallbacks", f"`{package}` is not a Java package name", str(scheme))
    return tuple((str(k), v) for k, v in value.items())


def _confidence(value: object, problem: Any) -> Confidence | None:
    if value is None:
        return None
    if not (
        isinstance(value, dict)
        and set(value) == CONFIDENCE_KEYS
        and value["level"] in CONFIDENCE_LEVELS
        and isinstance(value["note"], str)
        and value["note"].strip()
    ):
        problem(
            "confidence",
            f"confidence is {{level: {' or '.join(CONFIDENCE_LEVELS)}, note: why}}",
        )
        return None
    return Confidence(value["level"], value["note"])


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _enum(kind: Any, value: object, key: str, problem: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        problem(key, f"`{value}` is not one of {', '.join(m.value for m in kind)}")
        return None


def _exceptions(
    value: object, sources: Mapping[str, Source], problem: Any
) -> tuple[RuleException, ...]:
    found = []
    for index, raw in enumerate(_as_list(value)):
        if not (
            isinstance(raw, dict)
            and set(raw) == EXCEPTION_KEYS
            and all(isinstance(raw[k], str) for k in ("rule", "source"))
        ):
            problem("exceptions", "an exception is {value, rule, source, note} (text)", index)
            continue
        if raw["rule"] not in EXCEPTION_RULES:
            problem("exceptions", f"unknown rule `{raw['rule']}`", index)
        if raw["source"] not in sources:
            problem("exceptions", f"unknown source `{raw['source']}`", index)
        found.append(RuleException(str(raw["value"]), raw["rule"], raw["source"], str(raw["note"])))
    return tuple(found)


def _aliases(value: object, real: set[str], problem: Any) -> tuple[Alias, ...]:
    found = []
    for index, raw in enumerate(_as_list(value)):
        if not (
            isinstance(raw, dict)
            and ALIAS_KEYS >= set(raw) >= {"value", "of"}
            and isinstance(raw["value"], str)
            and raw["value"]
            and isinstance(raw["of"], str)
        ):
            problem("aliases", "an alias is {value, of, note}", index)
            continue
        if raw["of"] not in real:
            problem(
                "aliases",
                f"alias `{raw['value']}` names `{raw['of']}`, not a value of this app",
                index,
            )
        found.append(Alias(raw["value"], str(raw["of"]), str(raw.get("note") or "")))
    return tuple(found)


def _source_refs(
    value: object, sources: Mapping[str, Source], problem: Any
) -> tuple[SourceRef, ...]:
    if not isinstance(value, list) or not value:
        problem("sources", "every app needs at least one source")
        return ()
    found = []
    for index, raw in enumerate(value):
        if not (isinstance(raw, dict) and isinstance(raw.get("id"), str)):
            problem("sources", "a source reference is {id, seen, verified[, values]}", index)
            continue
        unknown = set(raw) - SOURCE_REF_KEYS
        if unknown:
            problem("sources", f"unknown keys {sorted(unknown)}", index)
        if raw["id"] not in sources:
            problem("sources", f"unknown source `{raw['id']}`", index)
        seen = str(raw.get("seen", ""))
        if not _SEEN.fullmatch(seen) and seen != "n/a":
            problem("sources", f"seen `{seen}` is not YYYY[-MM[-DD]] or n/a", index)
        if raw.get("verified") not in VERIFIED:
            problem("sources", f"verified must be one of {', '.join(VERIFIED)}", index)
        values = _str_list(raw.get("values")) or ()
        found.append(SourceRef(raw["id"], seen, str(raw.get("verified")), values))
    return tuple(found)


def _check_cross(
    registry: Registry, entries: Sequence[_Entry], out: _Collector, defined: set[str]
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
