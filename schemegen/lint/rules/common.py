"""What every rule sees: the lint options, the registry lookups and a few shared helpers."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cached_property, lru_cache, wraps
from typing import TypeVar

from schemegen.core.diagnostics import Diagnostic, Rule, Severity
from schemegen.core.record import field, record
from schemegen.registry import schemes
from schemegen.registry.model import App, Registry, Status
from schemegen.registry.selection import (
    IOS_QUERY_DEFAULT_LIMIT,
    IOS_QUERY_HARD_LIMIT,
    Criteria,
    android_packages,
    cap,
    ios_query_schemes,
    select,
)

ANDROID_DOCS = "https://developer.android.com/guide/topics/manifest/"
APPLE_DOCS = "https://developer.apple.com/documentation/bundleresources/information-property-list/"
WEB_SCHEMES = frozenset({"http", "https"})
# Schemes that name content or system handlers rather than an app's deep link.
SYSTEM_SCHEMES = frozenset(
    {
        "content",
        "file",
        "tel",
        "mailto",
        "sms",
        "smsto",
        "mms",
        "mmsto",
        "geo",
        "package",
        "data",
        "about",
        "javascript",
        "ftp",
        "intent",
        "android-app",
        "market",
    }
)
HARD_LIMIT = IOS_QUERY_HARD_LIMIT

_D = TypeVar("_D")
_T = TypeVar("_T")


def per_document(compute: Callable[[_D], _T]) -> Callable[[_D], _T]:
    """`compute(doc)`, worked out once for the document being checked.

    Every rule of a file asks the same questions (its intent-filters, its query schemes);
    the answer for the last document is kept and reused while the same document is asked
    about. The answer must not be mutated: return tuples.
    """
    last: list[tuple[_D, _T]] = []

    @wraps(compute)
    def remembered(doc: _D) -> _T:
        if not last or last[0][0] is not doc:
            last[:] = [(doc, compute(doc))]
        return last[0][1]

    return remembered


# Monorepos repeat the same values in thousands of files: checking each distinct value once
# is a large share of lint's time. Bounded, since the values come from the input.
scheme_problem = lru_cache(maxsize=4096)(schemes.scheme_problem)


@record
class LintContext:
    """The options of one lint run. `app_scheme` is bare (see `schemes.parse_app_scheme`)."""

    registry: Registry
    app_scheme: str | None = None
    criteria: Criteria = field(default_factory=Criteria)
    target_sdk: int | None = None
    ios_query_limit: int = IOS_QUERY_DEFAULT_LIMIT
    require_queries: bool = False

    @cached_property
    def selected(self) -> tuple[App, ...]:
        return select(self.registry, self.criteria)

    @cached_property
    def expected_packages(self) -> tuple[str, ...]:
        return android_packages(self.selected)

    @cached_property
    def expected_query_schemes(self) -> tuple[str, ...]:
        """What `schemegen generate` writes: the selection's schemes within the iOS limit."""
        return cap(ios_query_schemes(self.selected), self.ios_query_limit).kept

    @cached_property
    def scheme_owner(self) -> Mapping[str, App]:
        """Registry schemes, lower-cased (iOS compares schemes case-insensitively)."""
        return {scheme.lower(): app for scheme, app in self.registry.scheme_owner.items()}

    @cached_property
    def selected_ids(self) -> frozenset[str]:
        return frozenset(app.id for app in self.selected)

    def near_miss_limit(self, value: str) -> int:
        # One edit for short values: two-edit neighbours of short names are often real apps.
        return 1 if len(value) < 12 else 2

    def typo_of(self, value: str, known: Iterable[str]) -> tuple[str, bool] | None:
        """(the real value, is a recorded alias) when `value` looks like a misspelling of one."""
        alias = self.registry.aliases.get(value) or self.registry.aliases.get(value.lower())
        if alias is not None:
            return alias[1].of, True
        # Repos repeat the same lists in many files; the edit distances are the costly part.
        # `known` is kept in the entry so that its id cannot be reused while the entry lives.
        cached = self._near_misses.get((value, id(known)))
        if cached is None or cached[0] is not known:
            cached = (known, schemes.near_misses(value, known, self.near_miss_limit(value)))
            self._near_misses[(value, id(known))] = cached
        found = cached[1]
        return (found[0], False) if found else None

    @cached_property
    def _near_misses(self) -> dict[tuple[str, int], tuple[Iterable[str], tuple[str, ...]]]:
        return {}

    def once(self, key: Hashable, compute: Callable[[], str]) -> str:
        """`compute()`, worked out once per run for `key` (and kept for a bounded number).

        The files of a monorepo repeat the same lists, and the long messages that name
        every missing package or scheme are costly to build again for each file.
        """
        memo = self._memo
        text = memo.get(key)
        if text is None:
            if len(memo) >= 1024:
                memo.clear()
            text = memo[key] = compute()
        return text

    @cached_property
    def _memo(self) -> dict[Hashable, str]:
        return {}

    def placeholder_reason(self, value: str) -> str | None:
        """Why `value` looks like a sample value (the registry's `placeholders`), or None."""
        reasons = self._placeholder_reasons  # the same values recur across a monorepo's files
        if value not in reasons:
            if len(reasons) >= 4096:
                reasons.clear()
            reasons[value] = schemes.placeholder_reason(value, self._placeholders)
        return reasons[value]

    @cached_property
    def _placeholders(self) -> frozenset[str]:
        return frozenset(self.registry.placeholders)

    @cached_property
    def _placeholder_reasons(self) -> dict[str, str | None]:
        return {}

    def excepted(self, value: str) -> bool:
        """A registry value kept despite breaking scheme syntax (a recorded exception)."""
        return value in self._excepted_values

    @cached_property
    def _excepted_values(self) -> frozenset[str]:
        return frozenset(e.value for app in self.registry.apps for e in app.exceptions)


def from_expo_config(path: str) -> bool:
    """A document read from an Expo app config (app.json, app.config.*) rather than XML."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name == "app.json" or name.startswith("app.config.")


def app_ref(value: str, app: App | None) -> str:
    return f"`{value}` ({app.id})" if app is not None else f"`{value}`"


def retired_diagnostic(rule: Rule, path: str, line: int | None, value: str, app: App) -> Diagnostic:
    """`value` belongs to a deprecated app (a warning) or a legacy one outside the selection."""
    return rule.diagnostic(
        path,
        line,
        f"{app_ref(value, app)} is {status_note(app)}",
        fix="remove it unless you still support this app",
        severity=Severity.WARNING if app.status is Status.DEPRECATED else Severity.INFO,
    )


def no_return_note(app: App, platform: str) -> str:
    """What an app that does not come back through the app scheme means for the payment flow."""
    return (
        f"{app.name_en} ({app.id}) does not return to the app through the app scheme on "
        f"{platform}: the payment page finishes through `m_redirect_url`, not the app scheme"
    )


def no_return_diagnostic(
    rule: Rule, path: str, line: int | None, *, value: str, app: App, platform: str
) -> Diagnostic:
    return rule.diagnostic(
        path,
        line,
        f"`{value}`: {no_return_note(app, platform)}",
        fix="pass `m_redirect_url` in the payment request and finish the order on that page",
        severity=Severity.INFO,
    )


def typo_diagnostic(
    rule: Rule, path: str, line: int | None, *, value: str, typo: tuple[str, bool], owner: App
) -> Diagnostic:
    """`value` is a recorded alias (an error) or a near miss (a warning) of `typo`'s value."""
    real, is_alias = typo
    kind = "a known misspelling" if is_alias else "a near miss"
    return rule.diagnostic(
        path,
        line,
        f"`{value}` is {kind} of {app_ref(real, owner)}",
        fix=f"use `{real}`",
        severity=Severity.ERROR if is_alias else Severity.WARNING,
    )


def listing(items: Iterable[str], limit: int = 60) -> str:
    """A comma-separated list, cut after `limit` items with a count of the rest."""
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def methods_text(context: LintContext) -> str:
    text = ",".join(context.criteria.methods)
    return (
        f"PG `{context.criteria.pg}` and methods {text}"
        if context.criteria.pg
        else f"methods {text}"
    )


def status_note(app: App) -> str:
    note = app.status_note.rstrip(".")
    return f"{app.status.value}: {note}" if note else app.status.value


def unwanted_status(app: App, context: LintContext) -> bool:
    """Deprecated apps (unless --include'd), and legacy apps the selection leaves out."""
    if app.status is Status.DEPRECATED:
        return app.id not in context.criteria.include
    return app.status is Status.LEGACY and app.id not in context.selected_ids
