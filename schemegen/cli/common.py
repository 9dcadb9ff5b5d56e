"""What every command shares: exit codes, one-line errors, common options, the registry."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

    from schemegen.registry.model import App, Registry
    from schemegen.registry.selection import Criteria


class Exit:
    """Process exit codes (documented in the README). Plain ints: an IntEnum costs more to
    define than the rest of this module, on every start-up."""

    OK: Final = 0
    FINDINGS: Final = 1  # lint findings, `--check` drift, `apply --check` pending changes
    ERROR: Final = 2  # usage, configuration, registry or input error; internal error


class UsageError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def collect_from_here() -> None:
    """Collect garbage again (main turned it off for start-up), skipping what exists so far.

    Lint makes and drops a few hundred tuples per element of every file, none in a cycle:
    the first generation is collected every 10,000 allocations rather than 700 (a twentieth
    of lint's time), which still bounds what cycles, if any, could hold.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


def one_line(text: str) -> str:
    """`text` with every unprintable character escaped, so a message stays on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def err(message: str) -> None:
    print(f"schemegen: {one_line(message)}", file=sys.stderr)


def csv_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def add_registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry",
        action="append",
        default=[],
        metavar="FILE",
        help="overlay registry file adding, overriding or disabling apps (repeatable)",
    )


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    from schemegen.registry.model import DEFAULT_METHODS, METHODS

    parser.add_argument("--pg", help="PG code as iamport names it (html5_inicis, kcp, nice, ...)")
    parser.add_argument(
        "--methods",
        type=csv_list,
        default=DEFAULT_METHODS,
        help=f"payment methods to cover, from {','.join(METHODS)} (default: card,trans,easypay)",
    )
    parser.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="ID",
        help="add an app by id (repeatable; also brings back deprecated apps)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="leave an app out by id (repeatable)",
    )
    parser.add_argument(
        "--category",
        type=csv_list,
        default=(),
        help="only these categories (card,bank,easypay,auth,vaccine,store,other)",
    )


def add_http_content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-http-content",
        action="store_true",
        help="let payment web views load http content: Android MIXED_CONTENT_ALWAYS_ALLOW, "
        "iOS NSAllowsArbitraryLoadsInWebContent (default: neither)",
    )


def add_ios_limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ios-query-limit",
        type=int,
        default=25,
        metavar="N",
        help="LSApplicationQueriesSchemes entries iOS honours: 25 when built with Xcode 27 "
        "(on iOS 27), 50 for apps built with Xcode 26 or earlier (default 25, at most 50)",
    )


def load_registry(overlay_paths: Sequence[str]) -> Registry:
    if not overlay_paths:
        from schemegen.registry import snapshot

        shipped = snapshot.shipped()
        if shipped is not None:
            return shipped
    from schemegen.registry import validate
    from schemegen.registry.cache import parse_cached

    overlays = [(name, read_text_file(name, "registry overlay")) for name in overlay_paths]
    loaded = validate.load(overlays, parse=parse_cached)
    for note in loaded.notes:
        err(f"note: {note}")
    return loaded


def selection_criteria(args: argparse.Namespace) -> Criteria:
    from schemegen.registry.model import METHODS
    from schemegen.registry.selection import Criteria

    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        known = ", ".join(METHODS)
        raise UsageError(f"unknown payment method(s) {', '.join(unknown)}; use {known}")
    from schemegen.registry.model import Category

    categories = {c.value for c in Category}
    bad = [c for c in args.category if c not in categories]
    if bad:
        known = ", ".join(sorted(categories))
        raise UsageError(f"unknown categories {', '.join(bad)}; use {known}")
    return Criteria(
        pg=args.pg,
        methods=tuple(args.methods),
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        categories=tuple(args.category),
    )


def refuse_placeholder(reg: Registry, scheme: str, allowed: bool) -> None:
    from schemegen.registry.schemes import placeholder_reason

    reason = placeholder_reason(scheme, reg.placeholders)
    if reason is not None and not allowed:
        raise UsageError(
            f"--app-scheme `{scheme}` {reason}: other apps use it too; use your app's own "
            "scheme (or --allow-placeholder for a demo)"
        )


def add_placeholder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-placeholder",
        action="store_true",
        help="accept a sample --app-scheme such as `example` (for a demo)",
    )


def no_return_notices(apps: Sequence[App]) -> None:
    """One line per selected app that does not come back through the app scheme."""
    for app in apps:
        returns = (("Android", app.returns_android), ("iOS", app.returns_ios))
        platforms = [platform for platform, back in returns if not back]
        if platforms:
            err(
                f"notice: {app.name_en} ({app.id}) does not return to the app through the app "
                f"scheme on {' and '.join(platforms)}: the payment page finishes through "
                "`m_redirect_url`"
            )


def budget_notice(limit: int, left_out: int) -> str:
    return (
        f"--ios-query-limit {limit} leaves out {left_out} selected iOS schemes (the generated "
        "handler opens them anyway); `schemegen list --ios-left-out` with the same options "
        "names them"
    )


def check_ios_limit(limit: int) -> None:
    from schemegen.registry.selection import IOS_QUERY_HARD_LIMIT

    if not 1 <= limit <= IOS_QUERY_HARD_LIMIT:
        raise UsageError(
            f"--ios-query-limit {limit} is out of range: iOS honours at most "
            f"{IOS_QUERY_HARD_LIMIT} LSApplicationQueriesSchemes entries"
        )


def detected_framework(root: Path) -> str:
    from schemegen.apply import project

    try:
        framework, evidence = project.detect_framework(root)
    except project.DetectError as error:
        raise UsageError(str(error)) from None
    err(f"framework: {framework} (detected: {evidence})")
    return framework


def add_no_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-config",
        action="store_true",
        help="ignore the `registry:` overlays named in a found .schemegen.yaml",
    )


def overlays_for(args: argparse.Namespace, paths: Sequence[str] = ()) -> list[str]:
    """Overlays from a found .schemegen.yaml (unless --no-config), then from the command line."""
    from schemegen.lint import config

    found: list[str] = []
    if not getattr(args, "no_config", True):
        try:
            where = config.find(paths)
            conf = config.read(where) if where is not None else None
        except config.ConfigError as error:
            raise UsageError(str(error)) from None
        found = list(conf.registry or ()) if conf is not None else []
    return [*found, *args.registry]


def read_text_file(name: str, what: str) -> str:
    """A registry file, refused before reading when larger than the registry's limit."""
    from schemegen.registry import load

    try:
        return load.read_text_file(name, what)
    except load.UnreadableFile as error:
        raise UsageError(str(error)) from None
