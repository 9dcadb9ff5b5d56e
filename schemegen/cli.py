"""Command line: argument parsing, file I/O, output streams and exit codes."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable, Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING
from typing import TYPE_CHECKING

from schemegen import __version__

if TYPE_CHECKING:
    from schemegen.registry import Registry
    from schemegen.selection import Criteria

if TYPE_CHECKING:
    from schemegen.config import Config


class Exit(IntEnum):
    """Process exit codes (documented in the README)."""

    OK = 0
    FINDINGS = 1  # lint findings, `--check` drift, `apply --check` pending changes
    ERROR = 2  # usage, configuration, registry or input error; internal error


class UsageError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def one_line(text: str) -> str:
    """`text` with every unprintable character escaped, so a message stays on one line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _err(message: str) -> None:
    print(f"schemegen: {one_line(message)}", file=sys.stderr)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


# --- shared option groups ----------------------------------------------------------------------


def _add_registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry", action="append", default=[], metavar="FILE",
        help="overlay registry file adding, overriding or disabling apps (repeatable)",
    )


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    from schemegen.registry import DEFAULT_METHODS, METHODS

    parser.add_argument("--pg", help="PG code as iamport names it (html5_inicis, kcp, nice, ...)")
    parser.add_argument(
        "--methods", type=_csv, default=DEFAULT_METHODS,
        help=f"payment methods to cover, from {','.join(METHODS)} (default: card,trans,easypay)",
    )
    parser.add_argument("--include", action="append", default=[], metavar="ID",
                        help="add an app by id (repeatable; also brings back deprecated apps)")
    parser.add_argument("--exclude", action="append", default=[], metavar="ID",
                        help="leave an app out by id (repeatable)")
    parser.add_argument("--category", type=_csv, default=(),
                        help="only these categories (card,bank,easypay,auth,vaccine,store,other)")


def _add_ios_limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ios-query-limit", type=int, default=25, metavar="N",
        help="LSApplicationQueriesSchemes entries iOS honours: 25 when built with Xcode 27 "
             "(on iOS 27), 50 for apps built with Xcode 26 or earlier (default 25, at most 50)",
    )


def load_registry(overlay_paths: Sequence[str]) -> Registry:
    from schemegen import registry

    overlays = []
    for name in overlay_paths:
        try:
            overlays.append((name, Path(name).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"{name}: cannot read registry overlay: {error}") from None
    return registry.load(overlays)


def _criteria(args: argparse.Namespace) -> Criteria:
    from schemegen.registry import METHODS
    from schemegen.selection import Criteria

    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        raise UsageError(f"unknown payment method(s) {', '.join(unknown)}; use {', '.join(METHODS)}")
    from schemegen.registry import Category

    categories = {c.value for c in Category}
    bad = [c for c in args.category if c not in categories]
    if bad:
        raise UsageError(f"unknown categories {', '.join(bad)}; use {', '.join(sorted(categories))}")
    return Criteria(
        pg=args.pg,
        methods=tuple(args.methods),
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        categories=tuple(args.category),
    )


def _check_ios_limit(limit: int) -> None:
    from schemegen.selection import IOS_QUERY_HARD_LIMIT

    if not 1 <= limit <= IOS_QUERY_HARD_LIMIT:
        raise UsageError(
            f"--ios-query-limit {limit} is out of range: iOS honours at most "
            f"{IOS_QUERY_HARD_LIMIT} LSApplicationQueriesSchemes entries"
        )


# --- generate ----------------------------------------------------------------------------------


def _add_generate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.generate import PAY_METHODS, WEB_SDKS
    from schemegen.render import LANGS, PLATFORMS, TARGETS

    p = sub.add_parser("generate", help="write the Android, iOS and web payment glue for an app")
    p.add_argument("--app-scheme", required=True,
                   help="your app's return scheme: myshop, myshop:// or myshop://path?x=1")
    p.add_argument("--out", default="payment-config", help="output folder (default payment-config)")
    p.add_argument("--platform", type=_csv, default=PLATFORMS, help="android,ios,web (default all)")
    p.add_argument("--lang", type=_csv, default=LANGS,
                   help="handler languages: java,kotlin,swift,objc (default all; XML and JS always)")
    p.add_argument("--stdout", metavar="TARGET",
                   help=f"print one target instead of writing files: {', '.join(t.key for t in TARGETS)}")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 with a diff when --out differs from the output")
    p.add_argument("--java-package", default="com.example.payment", help="Java/Kotlin package")
    p.add_argument("--class-prefix", default="", help="prefix for generated class names")
    p.add_argument("--imp-code", default="imp00000000", help="PortOne (iamport) merchant code")
    p.add_argument("--pay-method", default="card", choices=PAY_METHODS, help="pay_method for the JS call")
    p.add_argument("--redirect-url", default="https://example.com/payments/complete",
                   help="m_redirect_url / redirectUrl: where the PG sends the buyer after paying")
    p.add_argument("--web-sdk", default="iamport", choices=WEB_SDKS,
                   help="iamport (IMP.request_pay, V1) or portone-v2 (PortOne.requestPayment)")
    p.add_argument("--store-id", default="store-00000000-0000-0000-0000-000000000000",
                   help="PortOne V2 store id")
    p.add_argument("--channel-key", default="channel-key-00000000-0000-0000-0000-000000000000",
                   help="PortOne V2 channel key")
    _add_selection_options(p)
    _add_ios_limit_option(p)
    _add_registry_option(p)
    p.set_defaults(run=_generate)


def _generate(args: argparse.Namespace) -> int:
    from schemegen import generate
    from schemegen.atomic import WriteError, write_all

    _check_ios_limit(args.ios_query_limit)
    reg = load_registry(args.registry)
    options = generate.Options(
        app_scheme=args.app_scheme,
        java_package=args.java_package,
        class_prefix=args.class_prefix,
        imp_code=args.imp_code,
        pg=args.pg,
        pay_method=args.pay_method,
        redirect_url=args.redirect_url,
        web_sdk=args.web_sdk,
        store_id=args.store_id,
        channel_key=args.channel_key,
        ios_query_limit=args.ios_query_limit,
        platforms=tuple(args.platform),
        langs=tuple(args.lang),
    )
    try:
        result = generate.generate(reg, _criteria(args), options)
    except generate.GenerateError as error:
        raise UsageError(str(error)) from None
    if result.dropped:
        print(
            f"schemegen: notice: --ios-query-limit {args.ios_query_limit} leaves out "
            f"{len(result.dropped)} selected iOS scheme(s): {', '.join(result.dropped)} "
            "(the generated handler opens them anyway)",
            file=sys.stderr,
        )
    if args.stdout:
        text = result.files.get(args.stdout) or result.by_key.get(args.stdout)
        if text is None:
            raise UsageError(f"unknown or unselected target `{args.stdout}`; "
                             f"choose from {', '.join(result.by_key)}")
        sys.stdout.write(text)
        return Exit.OK
    out = Path(args.out)
    if args.check:
        return _check_drift(out, result.files)
    try:
        write_all({out / name: text.encode("utf-8") for name, text in result.files.items()})
    except WriteError as error:
        raise UsageError(f"cannot write {out}: {error}") from None
    print(f"schemegen: wrote {len(result.files)} files to {out}", file=sys.stderr)
    return Exit.OK


def _check_drift(out: Path, files: dict[str, str]) -> int:
    drift = False
    for name, expected in files.items():
        path = out / name
        try:
            actual = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            actual = ""
        if actual != expected:
            drift = True
            sys.stdout.writelines(difflib.unified_diff(
                actual.splitlines(keepends=True), expected.splitlines(keepends=True),
                fromfile=str(path), tofile=f"{path} (generated)",
            ))
    if drift:
        print(f"schemegen: {out} differs from the generated output; run generate", file=sys.stderr)
        return Exit.FINDINGS
    print(f"schemegen: {out} is up to date", file=sys.stderr)
    return Exit.OK


# --- list --------------------------------------------------------------------------------------


def _add_list(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="show the selected apps in priority order")
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_selection_options(p)
    _add_registry_option(p)
    p.set_defaults(run=_list)


def _list(args: argparse.Namespace) -> int:
    from schemegen import selection
    from schemegen.listing import app_rows, format_table

    reg = load_registry(args.registry)
    try:
        apps = selection.select(reg, _criteria(args))
    except selection.SelectionError as error:
        raise UsageError(str(error)) from None
    rows = app_rows(apps)
    if args.format == "json":
        print(json.dumps({"version": 1, "registry": reg.version, "apps": rows},
                         ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(format_table(rows))
    return Exit.OK


# --- lint and rules ----------------------------------------------------------------------------


def _add_lint(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.report import FORMATS

    p = sub.add_parser(
        "lint", help="check AndroidManifest.xml and Info.plist files",
        description="Check AndroidManifest.xml and Info.plist files (or the ones found under "
                    "directories) against the registry. Settings come from the flags, then "
                    "from .schemegen.yaml (found upward from the paths), then the defaults.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files (always linted) or directories to search (default: .)")
    p.add_argument("--app-scheme", help="your app's return scheme, checked in both platforms")
    p.add_argument("--target-sdk", type=int, metavar="N",
                   help="Android targetSdkVersion when the manifest does not say (>= 31 makes "
                        "a missing android:exported an error)")
    p.add_argument("--select", type=_csv, metavar="CODES",
                   help="only these rules: codes, prefixes (SG1) or names, comma-separated")
    p.add_argument("--ignore", type=_csv, metavar="CODES",
                   help="skip these rules: codes, prefixes or names, comma-separated")
    p.add_argument("--strict", action="store_true", default=None,
                   help="exit 1 on warnings too")
    p.add_argument("--require-queries", action="store_true", default=None,
                   help="missing registry <queries> packages are errors (for apps that ask "
                        "PackageManager or canOpenURL before opening a payment app)")
    p.add_argument("--format", choices=tuple(FORMATS), help="output format (default text)")
    p.add_argument("--config", metavar="FILE",
                   help="settings file to use instead of searching for .schemegen.yaml")
    _add_selection_options(p)
    _add_ios_limit_option(p)
    _add_registry_option(p)
    # None marks "not given on the command line", so that the config file can fill it in.
    p.set_defaults(run=_lint, methods=None, include=None, exclude=None, category=None,
                   ios_query_limit=None, registry=None)


def _merge(args: argparse.Namespace, conf: Config | None) -> set[str]:
    """Fill the flags left unset from the config file, then from the defaults.

    Returns the names of the settings taken from the config file.
    """
    from schemegen.registry import DEFAULT_METHODS
    from schemegen.selection import IOS_QUERY_DEFAULT_LIMIT

    defaults: dict[str, object] = {
        "app_scheme": None, "pg": None, "methods": DEFAULT_METHODS, "include": (),
        "exclude": (), "category": (), "target_sdk": None,
        "ios_query_limit": IOS_QUERY_DEFAULT_LIMIT, "select": None, "ignore": (),
        "registry": (), "strict": False, "format": "text", "require_queries": False,
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
    from schemegen import config

    if args.config:
        return config.read(args.config)
    found = config.find(paths)
    return config.read(found) if found is not None else None


def _codes(selectors: Sequence[str], names: dict[str, str], where: str) -> tuple[str, ...]:
    """--select/--ignore values (codes, prefixes, names) as code prefixes."""
    from schemegen.config import resolve_selectors

    try:
        return resolve_selectors(selectors, names)
    except ValueError as error:
        raise UsageError(f"{where}: {error}") from None


def _config_where(conf: Config | None, key: str) -> str:
    return f"{conf.path}:{conf.lines.get(key, 1)}: `{key}`" if conf else f"--{key}"


def _lint(args: argparse.Namespace) -> int:
    from schemegen import config, lint, report
    from schemegen.diagnostics import Severity
    from schemegen.rules import RULES, LintContext

    paths = args.paths or ["."]
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or directory")
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
    _check_ios_limit(args.ios_query_limit)
    reg = load_registry(args.registry)
    context = LintContext(
        registry=reg,
        app_scheme=args.app_scheme,
        criteria=_criteria(args),
        target_sdk=args.target_sdk,
        ios_query_limit=args.ios_query_limit,
        require_queries=args.require_queries,
    )
    result = lint.run(paths, context)
    base = Path(conf.path).absolute().parent if conf else Path.cwd()
    kept = tuple(
        d for d in result.diagnostics
        if config.is_selected(d.code, select, ignore)
        and not (per_file and config.per_file_ignored(d.code, _relative(d.path, base), per_file))
    )
    rep = report.Report(
        diagnostics=kept,
        files=tuple(str(path) for path in result.files),
        rules=RULES,
        tool_version=__version__,
        registry_version=reg.version,  # type: ignore[attr-defined]
        root=str(Path.cwd()),
    )
    sys.stdout.write(report.FORMATS[args.format](rep))
    print(report.summary(rep), file=sys.stderr)
    failing = {Severity.ERROR, Severity.WARNING} if args.strict else {Severity.ERROR}
    return Exit.FINDINGS if any(d.severity in failing for d in kept) else Exit.OK


def _relative(path: str, base: Path) -> str:
    """`path` relative to `base` with forward slashes (per-file-ignores globs see this)."""
    return Path(os.path.relpath(Path(path).absolute(), base)).as_posix()


def _add_rules(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rules", help="list the lint rules, or explain one")
    p.add_argument("rule", nargs="?", metavar="RULE", help="a code (SG203) or name to explain")
    p.set_defaults(run=_rules)


def _rules(args: argparse.Namespace) -> int:
    from schemegen.rules import RULES

    if args.rule is None:
        width = max(len(rule.name) for rule in RULES)
        for rule in RULES:
            print(f"{rule.code}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}")
        return Exit.OK
    wanted = args.rule.strip()
    for rule in RULES:
        if wanted.upper() == rule.code or wanted == rule.name:
            print(f"{rule.code} {rule.name} (default severity: {rule.severity})\n")
            print(rule.doc)
            return Exit.OK
    raise UsageError(f"unknown rule `{wanted}`; `schemegen rules` lists them")


# --- main --------------------------------------------------------------------------------------

ADDERS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _add_generate,
    _add_list,
    _add_lint,
    _add_rules,
)


def _version() -> str:
    from schemegen import registry

    try:
        data = registry.load_shipped().data
        return f"schemegen {__version__} (registry {data['version']}, updated {data['updated']})"
    except registry.RegistryError:
        return f"schemegen {__version__} (registry unreadable)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schemegen",
        description="Registry, generator and linter for Korean payment-app URL schemes.",
    )
    parser.add_argument("--version", action="store_true", help="print tool and registry version")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in ADDERS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return Exit.OK if exit_.code in (0, None) else Exit.ERROR
    if args.version:
        print(_version())
        return Exit.OK
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return Exit.ERROR
    from schemegen.registry import RegistryError
    from schemegen.selection import SelectionError

    try:
        return int(args.run(args))
    except UsageError as error:
        _err(str(error))
    except RegistryError as error:
        for problem in error.problems:
            _err(str(problem))
    except SelectionError as error:
        _err(str(error))
    except KeyboardInterrupt:
        _err("interrupted")
    except Exception as error:
        if os.environ.get("SCHEMEGEN_DEBUG"):
            raise
        _err(f"internal error: {type(error).__name__}: {error} (set SCHEMEGEN_DEBUG=1 for details)")
    return Exit.ERROR
