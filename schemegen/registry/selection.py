"""Which registry apps a build needs, and the ordered lists derived from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schemegen.core.record import record
from schemegen.registry.model import DEFAULT_METHODS, App, Registry, Status, ios_priority_key

IOS_QUERY_HARD_LIMIT = 50
IOS_QUERY_DEFAULT_LIMIT = 25


@record
class Criteria:
    """What the user asked for: PG, payment methods, explicit ids and categories."""

    pg: str | None = None
    methods: tuple[str, ...] = DEFAULT_METHODS
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


class SelectionError(ValueError):
    pass


def select(registry: Registry, criteria: Criteria) -> tuple[App, ...]:
    """Apps serving the methods (plus PG extras and --include), minus --exclude, by priority.

    Deprecated apps are left out unless named with --include.
    """
    unknown = [i for i in (*criteria.include, *criteria.exclude) if i not in registry.by_id]
    if unknown:
        raise SelectionError(f"unknown app id(s): {', '.join(unknown)}")
    if criteria.pg is not None and criteria.pg not in registry.pgs:
        raise SelectionError(
            f"unknown PG `{criteria.pg}`; known: {', '.join(sorted(registry.pgs))}"
        )
    extra = set(criteria.include)
    if criteria.pg is not None:
        extra.update(registry.pgs[criteria.pg].include)
    chosen = []
    for app in registry.apps:
        if app.id in criteria.exclude:
            continue
        if criteria.categories and app.category not in criteria.categories:
            continue
        wanted = app.id in extra or (
            app.status is not Status.DEPRECATED and set(app.methods) & set(criteria.methods)
        )
        if wanted:
            chosen.append(app)
    return tuple(chosen)


def ios_query_schemes(apps: Sequence[App]) -> tuple[str, ...]:
    """Every iOS scheme of `apps` in budget order.

    Each app's first scheme (its first `ios_main` ones) is its main one: the main schemes of
    all apps come first, in iOS priority order (`ios_priority`, else `priority`), then the
    remaining schemes in the same order. A short budget thus covers as many apps as
    possible before it spends slots on secondary schemes.
    """
    ordered = sorted(apps, key=ios_priority_key)
    first = [scheme for app in ordered for scheme in app.ios_main_schemes]
    rest = [scheme for app in ordered for scheme in app.ios_schemes[app.ios_main :]]
    return tuple(dict.fromkeys(first + rest))


@record
class Budget:
    kept: tuple[str, ...]
    dropped: tuple[str, ...]


def cap(schemes: Sequence[str], limit: int) -> Budget:
    return Budget(tuple(schemes[:limit]), tuple(schemes[limit:]))


def android_packages(apps: Iterable[App]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for app in apps for p in app.android_packages))


def scheme_packages(apps: Iterable[App]) -> tuple[tuple[str, str], ...]:
    """scheme -> Play package, for URLs that arrive without `package=`.

    A scheme's `android_fallbacks` entry wins over the app's first package.
    """
    table: dict[str, str] = {}
    for app in apps:
        for scheme, package in app.android_fallbacks:
            table.setdefault(scheme, package)
        if app.android_packages:
            for scheme in app.schemes:
                table.setdefault(scheme, app.android_packages[0])
    return tuple(table.items())


def scheme_store_ids(apps: Iterable[App]) -> tuple[tuple[str, str], ...]:
    """iOS scheme -> App Store id, for the fallback when opening an app fails."""
    table: dict[str, str] = {}
    for app in apps:
        if app.app_store_id:
            for scheme in app.ios_schemes:
                table.setdefault(scheme, app.app_store_id)
    return tuple(table.items())
