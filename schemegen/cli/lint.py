"""`schemegen lint`: check manifests, plists and Expo configs against the registry."""

# ruff: noqa: PTH109  # os.getcwd: pathlib costs lint start-up (core/paths.py)

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from schemegen import __version__
from schemegen.cli.common import (
    Exit,
    UsageError,
    add_ios_limit_option,
    add_registry_option,
    add_selection_options,
    check_ios_limit,
    collect_from_here,
    csv_list,
    load_registry,
    selection_criteria,
)
from schemegen.core import paths as core_paths

if TYPE_CHECKING:
    from schemegen.lint.config import Config
    from schemegen.registry.model import Registry
    from schemegen.registry.selection import Criteria


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.lint.report import FORMATS

    p = sub.add_parser(
        "lint",
        help="check AndroidManifest.xml and Info.plist files",
        description="Check AndroidManifest.xml and Info.plist files (or the ones found under "
        "directories) against the registry. Settings come from the flags, then "
        "from .schemegen.yaml (found upward from the paths), then the defaults.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files (always linted) or directories to search (default: .)",
    )
    p.add_argument("--app-scheme", help="your app's return scheme, checked in both platforms")
    p.add_argument(
        "--target-sdk",
        type=int,
        metavar="N",
        help="Android targetSdkVersion when the manifest does not say (>= 31 makes "
        "a missing android:exported an error)",
    )
    p.add_argument(
        "--select",
        type=csv_list,
        metavar="CODES",
        help="only these rules: codes, prefixes (SG1) or names, comma-separated",
    )
    p.add_argument(
        "--ignore",
        type=csv_list,
        metavar="CODES",
        help="skip these rules: codes, prefixes or names, comma-separated",
    )
    p.add_argument("--strict", action=argparse.BooleanOptionalAction, help="exit 1 on warnings too")
    p.add_argument(
        "--require-queries",
        action=argparse.BooleanOptionalAction,
        help="missing registry <queries> packages are errors (for apps that ask "
        "PackageManager or canOpenURL before opening a payment app)",
    )
    p.add_argument("--format", choices=tuple(FORMATS), help="output format (default text)")
    p.add_argument(
        "--config",
        metavar="FILE",
        help="settings file to use instead of searching for .schemegen.yaml",
    )
    p.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes to lint with (default: one per core when there are more "
        "than 200 files, else 1); the findings are the same either way",
    )
    add_selection_options(p)
    add_ios_limit_option(p)
    add_registry_option(p)
    # None marks "not given on the command line", so that the config file can fill it in.
    p.set_defaults(
        run=_lint,
        methods=None,
        include=None,
        exclude=None,
        category=None,
        ios_query_limit=None,
        registry=None,
    )


def _merge(args: argparse.Namespace, conf: Config | None) -> set[str]:
    """Fill the flags left unset from the config file, then from the defaults.

    Returns the names of the settings taken from the config file.
    """
    from schemegen.registry.model import DEFAULT_METHODS
    from schemegen.registry.selection import IOS_QUERY_DEFAULT_LIMIT

    defaults: dict[str, object] = {
        "app_scheme": None,
        "pg": None,
        "methods": DEFAULT_METHODS,
        "include": (),
        "exclude": (),
        "category": (),
        "target_sdk": None,
        "ios_query_limit": IOS_QUERY_DEFAULT_LIMIT,
        "select": None,
        "ignore": (),
        "registry": (),
        "strict": False,
        "format": "text",
        "require_queries": False,
    }
    from_config = set()
    for name, default in defaults.items():
        if getattr(args, name) is None:
            value = getattr(conf, name, None)
            if value is not None:
                from_config.add(name)
            setattr(args, name, default if value is None else value)
    return from_config


def _lint_config(args: argparse.Namespace, paths: Sequence[str]) -> Config | None:
    from schemegen.lint import config

    if args.config:
        return config.read(args.config)
    found = config.find(paths)
    return config.read(found) if found is not None else None


def _codes(selectors: Sequence[str], names: dict[str, str], where: str) -> tuple[str, ...]:
    """--select/--ignore values (codes, prefixes, names) as code prefixes."""
    from schemegen.lint.config import resolve_selectors

    try:
        return resolve_selectors(selectors, names)
    except ValueError as error:
        raise UsageError(f"{where}: {error}") from None


SELECTION_KEYS = ("include", "exclude", "pg", "methods", "category")


def _check_selection(reg: Registry, criteria: Criteria, wheres: Sequence[str]) -> None:
    """Refuse a selection that names unknown apps now, located in the config file if set there.

    Otherwise the rules meet the error while checking the first file.
    """
    from schemegen.registry import selection

    try:
        selection.select(reg, criteria)
    except selection.SelectionError as error:
        raise UsageError(f"{', '.join(wheres)}: {error}" if wheres else str(error)) from None


def _config_where(conf: Config | None, key: str) -> str:
    return f"{conf.path}:{conf.lines.get(key, 1)}: `{key}`" if conf else f"--{key}"


def _lint(args: argparse.Namespace) -> int:
    from schemegen.core.diagnostics import Diagnostic, Severity
    from schemegen.lint import config, report
    from schemegen.lint import run as lint
    from schemegen.lint.rules import RULES, LintContext
    from schemegen.registry import schemes

    paths = args.paths or ["."]
    try:
        conf = _lint_config(args, paths)
    except config.ConfigError as error:
        raise UsageError(str(error)) from None
    from_config = _merge(args, conf)
    names = {rule.name: rule.code for rule in RULES}

    def where(key: str) -> str:
        return _config_where(conf if key in from_config else None, key)

    select = None if args.select is None else _codes(args.select, names, where("select"))
    ignore = _codes(args.ignore, names, where("ignore"))
    per_file = tuple(
        (glob, _codes(codes, names, _config_where(conf, "per-file-ignores")))
        for glob, codes in (conf.per_file_ignores if conf else ())
    )
    check_ios_limit(args.ios_query_limit)
    app_scheme = None
    if args.app_scheme is not None:
        try:
            app_scheme = schemes.parse_app_scheme(args.app_scheme).scheme
        except schemes.AppSchemeError as error:
            raise UsageError(str(error)) from None
    reg = load_registry(args.registry)
    criteria = selection_criteria(args)
    _check_selection(reg, criteria, [where(k) for k in SELECTION_KEYS if k in from_config])
    context = LintContext(
        registry=reg,
        app_scheme=app_scheme,
        criteria=criteria,
        target_sdk=args.target_sdk,
        ios_query_limit=args.ios_query_limit,
        require_queries=args.require_queries,
    )
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: give a number of processes, 1 or more")
    base = core_paths.parent(core_paths.absolute(conf.path)) if conf else os.getcwd()

    def keep(d: Diagnostic) -> bool:
        return config.is_selected(d.code, select, ignore) and not (
            per_file and config.per_file_ignored(d.code, _relative(d.path, base), per_file)
        )

    filtering = select is not None or ignore or per_file  # else every finding is kept
    collect_from_here()
    result = lint.run(paths, context, jobs=args.jobs, keep=keep if filtering else None)
    kept = result.diagnostics
    if not result.files and not kept:
        # As ESLint does for "no files matching": an empty run is a mistake, not a pass.
        raise UsageError(
            f"nothing to lint: no AndroidManifest.xml, Info.plist or Expo app config in "
            f"{', '.join(paths)}"
        )
    rep = report.Report(
        diagnostics=kept,
        files=tuple(str(path) for path in result.files),
        rules=RULES,
        tool_version=__version__,
        registry_version=reg.version,
        root=os.getcwd(),
    )
    report.write(rep, args.format, sys.stdout)
    print(report.summary(rep), file=sys.stderr)
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return Exit.FINDINGS if any(d.severity in failing for d in kept) else Exit.OK


def _relative(path: str, base: str) -> str:
    """`path` relative to `base` with forward slashes (per-file-ignores globs see this)."""
    return core_paths.as_posix(os.path.relpath(core_paths.absolute(path), base))
