"""Validation of one app entry of the registry, field by field, with file:line problems."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from schemegen.core.record import record
from schemegen.core.terminal import printable
from schemegen.registry import schemes
from schemegen.registry.load import Located, Path_
from schemegen.registry.model import (
    CONFIDENCE_LEVELS,
    EXCEPTION_RULES,
    METHODS,
    VERIFIED,
    Alias,
    App,
    Category,
    Confidence,
    Priority,
    Problem,
    RuleException,
    Source,
    SourceRef,
    Status,
)

_ID = re.compile(r"[a-z][a-z0-9_]*")
SEEN_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
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


HOST_KEYS = {"pattern", "source"}


CONFIDENCE_KEYS = {"level", "note"}


SOURCE_REF_KEYS = {"id", "seen", "verified", "values"}


ALIAS_KEYS = {"value", "of", "note"}


EXCEPTION_KEYS = {"value", "rule", "source", "note"}


class Collector:
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


def str_list(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


@record
class Entry:
    raw: Mapping[str, Any]
    doc: Located
    path: Path_
    field_docs: Mapping[str, tuple[Located, Path_]]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_characters(text: str) -> tuple[str, ...]:
    """The C0 and C1 control characters (and DEL) in `text`, as U+XXXX."""
    return tuple(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _CONTROL.findall(text)))


def check_controls(doc: Located, value: object, path: Path_, out: Collector) -> None:
    # Every string may reach a generated file, a terminal or a CI log: none may hold a
    # line break, an escape sequence or a NUL, whatever key or exception it sits under.
    if isinstance(value, dict):
        for key, item in value.items():
            check_controls(doc, key, path, out)
            check_controls(doc, item, (*path, str(key)), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_controls(doc, item, (*path, index), out)
    elif isinstance(value, str) and _CONTROL.search(value):
        found = ", ".join(control_characters(value))
        out.add(doc, path, f"`{printable(value)}` contains control character(s) {found}")


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


def build_app(entry: Entry, sources: Mapping[str, Source], out: Collector) -> App | None:
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
    methods = str_list(raw["methods"])
    if methods is None or any(m not in METHODS for m in methods):
        problem("methods", f"methods must be a list drawn from {', '.join(METHODS)}")
        methods = ()

    lists: dict[str, tuple[str, ...]] = {}
    for key in ("ios_schemes", "android_packages", "android_schemes"):
        value = str_list(raw.get(key))
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
    decisions = str_list(raw.get("decisions"))
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
        if not SEEN_DATE.fullmatch(seen) and seen != "n/a":
            problem("sources", f"seen `{seen}` is not YYYY[-MM[-DD]] or n/a", index)
        if raw.get("verified") not in VERIFIED:
            problem("sources", f"verified must be one of {', '.join(VERIFIED)}", index)
        values = str_list(raw.get("values")) or ()
        found.append(SourceRef(raw["id"], seen, str(raw.get("verified")), values))
    return tuple(found)
