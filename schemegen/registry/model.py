"""The scheme registry: `schemes.yaml` (and overlays) loaded into validated frozen dataclasses."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cached_property

from schemegen.core.record import field, record
from schemegen.core.terminal import printable

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


SHIPPED = "schemes.yaml"


def priority_key(app: App) -> tuple[int, int, str]:
    return (app.priority.tier, app.priority.order, app.id)


def ios_priority_key(app: App) -> tuple[int, int, str]:
    return (app.ios_rank.tier, app.ios_rank.order, app.id)
