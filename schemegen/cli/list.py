"""`schemegen list`: the selected apps in priority order."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from schemegen.cli.common import (
    Exit,
    UsageError,
    add_ios_limit_option,
    add_no_config_option,
    add_registry_option,
    add_selection_options,
    check_ios_limit,
    load_registry,
    no_return_notices,
    overlays_for,
    selection_criteria,
)

if TYPE_CHECKING:
    pass


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="show the selected apps in priority order")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--ios-left-out",
        action="store_true",
        help="print only the selected iOS schemes past --ios-query-limit, one per line",
    )
    add_ios_limit_option(p)
    add_selection_options(p)
    add_registry_option(p)
    add_no_config_option(p)
    p.set_defaults(run=_list)


def _list(args: argparse.Namespace) -> int:
    from schemegen.registry import selection
    from schemegen.registry.listing import app_rows, format_json, format_table

    reg = load_registry(overlays_for(args))
    try:
        apps = selection.select(reg, selection_criteria(args))
    except selection.SelectionError as error:
        raise UsageError(str(error)) from None
    if args.ios_left_out:
        check_ios_limit(args.ios_query_limit)
        dropped = selection.cap(selection.ios_query_schemes(apps), args.ios_query_limit).dropped
        sys.stdout.write("".join(f"{scheme}\n" for scheme in dropped))
        return Exit.OK
    no_return_notices(apps)
    rows = app_rows(apps)
    if args.format == "json":
        sys.stdout.write(format_json(rows, reg.version))
    else:
        sys.stdout.write(format_table(rows))
    return Exit.OK
