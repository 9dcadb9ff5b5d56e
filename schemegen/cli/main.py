"""Command line: argument parsing, file I/O, output streams and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from schemegen import __version__

if TYPE_CHECKING:
    from schemegen.apply.edit import ManifestWant, Plan, PlistWant
    from schemegen.apply.handlers import Snippet
    from schemegen.apply.placement import AndroidFacts
    from schemegen.apply.placement import Placement as AppPlacement
    from schemegen.apply.project import Project
    from schemegen.lint.config import Config
    from schemegen.registry.model import App, Registry
    from schemegen.registry.selection import Criteria


class Exit(IntEnum):
    """Process exit codes (documented in the README)."""

    OK = 0
    FINDINGS = 1  # lint findings, `--check` drift, `apply --check` pending changes
    ERROR = 2  # usage, configuration, registry or input error; internal error


class UsageError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


class _ArgumentError(Exception):
    """argparse refused the command line; `main` prints it as one line with a hint."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (the README's promise for exit 2), and whose help
    formatter keeps shutil off the start-up path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise _ArgumentError(message, self.prog)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:  # argparse keeps no public list of a parser's options
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= _option_strings(child)
    return found


def _did_you_mean(argv: Sequence[str], known: Collection[str]) -> str:
    """` (did you mean `--app-scheme`?)` for the first unknown long option in `argv`."""
    import difflib

    for arg in argv:
        if arg == "--":
            break
        name = arg.split("=", 1)[0]
        if not name.startswith("--") or name in known:
            continue
        dashed = name.replace("_", "-")
        guess = [dashed] if dashed in known else difflib.get_close_matches(name, known, 1, 0.75)
        if guess:
            return f" (did you mean `{guess[0]}`?)"
    return ""


def one_line(text: str) -> str:
    """`text` with every unprintable character escaped, so a message stays on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _err(message: str) -> None:
    print(f"schemegen: {one_line(message)}", file=sys.stderr)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


# --- shared option groups ----------------------------------------------------------------------


def _add_registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry",
        action="append",
        default=[],
        metavar="FILE",
        help="overlay registry file adding, overriding or disabling apps (repeatable)",
    )


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    from schemegen.registry.model import DEFAULT_METHODS, METHODS

    parser.add_argument("--pg", help="PG code as iamport names it (html5_inicis, kcp, nice, ...)")
    parser.add_argument(
        "--methods",
        type=_csv,
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
        type=_csv,
        default=(),
        help="only these categories (card,bank,easypay,auth,vaccine,store,other)",
    )


def _add_http_content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-http-content",
        action="store_true",
        help="let payment web views load http content: Android MIXED_CONTENT_ALWAYS_ALLOW, "
        "iOS NSAllowsArbitraryLoadsInWebContent (default: neither)",
    )


def _add_ios_limit_option(parser: argparse.ArgumentParser) -> None:
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
    from schemegen.registry import model as registry
    from schemegen.registry.cache import parse_cached

    overlays = [(name, _read_text(name, "registry overlay")) for name in overlay_paths]
    loaded = registry.load(overlays, parse=parse_cached)
    for note in loaded.notes:
        _err(f"note: {note}")
    return loaded


def _criteria(args: argparse.Namespace) -> Criteria:
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


def _refuse_placeholder(reg: Registry, scheme: str, allowed: bool) -> None:
    from schemegen.registry.schemes import placeholder_reason

    reason = placeholder_reason(scheme, reg.placeholders)
    if reason is not None and not allowed:
        raise UsageError(
            f"--app-scheme `{scheme}` {reason}: other apps use it too; use your app's own "
            "scheme (or --allow-placeholder for a demo)"
        )


def _add_placeholder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-placeholder",
        action="store_true",
        help="accept a sample --app-scheme such as `example` (for a demo)",
    )


def _no_return_notices(apps: Sequence[App]) -> None:
    """One line per selected app that does not come back through the app scheme."""
    for app in apps:
        returns = (("Android", app.returns_android), ("iOS", app.returns_ios))
        platforms = [platform for platform, back in returns if not back]
        if platforms:
            _err(
                f"notice: {app.name_en} ({app.id}) does not return to the app through the app "
                f"scheme on {' and '.join(platforms)}: the payment page finishes through "
                "`m_redirect_url`"
            )


def _budget_notice(limit: int, left_out: int) -> str:
    return (
        f"--ios-query-limit {limit} leaves out {left_out} selected iOS schemes (the generated "
        "handler opens them anyway); `schemegen list --ios-left-out` with the same options "
        "names them"
    )


def _check_ios_limit(limit: int) -> None:
    from schemegen.registry.selection import IOS_QUERY_HARD_LIMIT

    if not 1 <= limit <= IOS_QUERY_HARD_LIMIT:
        raise UsageError(
            f"--ios-query-limit {limit} is out of range: iOS honours at most "
            f"{IOS_QUERY_HARD_LIMIT} LSApplicationQueriesSchemes entries"
        )


# --- generate ----------------------------------------------------------------------------------


def _add_generate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.generate.render import FLUTTER_WEBVIEWS, FRAMEWORKS, LANGS, PLATFORMS, TARGETS
    from schemegen.generate.views import PAY_METHODS, WEB_SDKS

    p = sub.add_parser("generate", help="write the Android, iOS and web payment glue for an app")
    p.add_argument(
        "--app-scheme",
        required=True,
        help="your app's return scheme: myshop, myshop:// or myshop://path?x=1",
    )
    p.add_argument("--out", default="payment-config", help="output folder (default payment-config)")
    p.add_argument(
        "--framework",
        default="native",
        choices=(*FRAMEWORKS, "auto"),
        help="the app's framework (default native); auto detects it in --project",
    )
    p.add_argument(
        "--project",
        default=".",
        metavar="DIR",
        help="the project --framework auto looks at (default .)",
    )
    p.add_argument("--platform", type=_csv, default=PLATFORMS, help="android,ios,web (default all)")
    p.add_argument(
        "--lang",
        type=_csv,
        default=LANGS,
        help="native handler languages: java,kotlin,swift,objc (default all)",
    )
    p.add_argument(
        "--flutter-webview",
        choices=FLUTTER_WEBVIEWS,
        help="Flutter WebView plugin (default: the one in the project's pubspec.yaml, else "
        "webview_flutter)",
    )
    keys = ", ".join(t.key for t in TARGETS)
    p.add_argument(
        "--stdout", metavar="TARGET", help=f"print one target instead of writing files: {keys}"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff when --out differs from the output",
    )
    p.add_argument("--java-package", default="com.example.payment", help="Java/Kotlin package")
    p.add_argument("--class-prefix", default="", help="prefix for generated class names")
    p.add_argument(
        "--imp-code", help="PortOne (iamport) merchant code (without it the JS call throws)"
    )
    p.add_argument(
        "--activity",
        metavar="NAME",
        default=".MainActivity",
        help="activity hosting the payment WebView, which gets the return intent-filter "
        "(default .MainActivity)",
    )
    p.add_argument(
        "--pay-method", default="card", choices=PAY_METHODS, help="pay_method for the JS call"
    )
    p.add_argument(
        "--redirect-url",
        help="m_redirect_url / redirectUrl: where the PG sends the buyer after paying "
        "(without it the JS call throws)",
    )
    p.add_argument(
        "--web-sdk",
        default="iamport",
        choices=WEB_SDKS,
        help="iamport (IMP.request_pay, V1) or portone-v2 (PortOne.requestPayment)",
    )
    p.add_argument("--store-id", help="PortOne V2 store id (without it the JS call throws)")
    p.add_argument("--channel-key", help="PortOne V2 channel key (without it the JS call throws)")
    _add_http_content_option(p)
    _add_placeholder_option(p)
    _add_selection_options(p)
    _add_ios_limit_option(p)
    _add_registry_option(p)
    _add_no_config_option(p)
    p.set_defaults(run=_generate)


def _generate(args: argparse.Namespace) -> int:
    from schemegen.core.atomic import WriteError, existing_folder, write_all
    from schemegen.generate import views as generate

    _check_ios_limit(args.ios_query_limit)
    framework = args.framework
    if framework == "auto":
        framework = _detected_framework(Path(args.project))
    reg = load_registry(_overlay_paths(args))
    import contextlib

    from schemegen.registry.schemes import AppSchemeError, parse_app_scheme

    with contextlib.suppress(AppSchemeError):  # generate reports an invalid scheme itself
        _refuse_placeholder(reg, parse_app_scheme(args.app_scheme).scheme, args.allow_placeholder)
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
        allow_http_content=args.allow_http_content,
        activity=args.activity,
        ios_query_limit=args.ios_query_limit,
        platforms=tuple(args.platform),
        langs=tuple(args.lang),
        framework=framework,
        flutter_webview=_flutter_webview(args.flutter_webview, Path(args.project), framework),
    )
    try:
        result = generate.generate(reg, _criteria(args), options)
    except generate.GenerateError as error:
        raise UsageError(str(error)) from None
    if "web" in options.platforms and result.view.missing_options:
        _err(
            f"notice: web/request_pay.js throws until generated with "
            f"{', '.join(result.view.missing_options)}"
        )
    if result.dropped:
        _err(f"notice: {_budget_notice(args.ios_query_limit, len(result.dropped))}")
    from schemegen.registry.selection import select

    _no_return_notices(select(reg, _criteria(args)))
    if args.stdout:
        text = result.files.get(args.stdout) or result.by_key.get(args.stdout)
        if text is None:
            raise UsageError(
                f"unknown or unselected target `{args.stdout}`; "
                f"choose from {', '.join(result.by_key)}"
            )
        sys.stdout.write(text)
        return Exit.OK
    out = Path(args.out)
    if args.check:
        return _check_drift(out, result.files)
    try:
        write_all(
            {out / name: text.encode("utf-8") for name, text in result.files.items()},
            journal_dir=existing_folder(out.parent),
        )
    except WriteError as error:
        raise UsageError(f"cannot write {out}: {error}") from None
    print(f"schemegen: wrote {len(result.files)} files to {out}", file=sys.stderr)
    return Exit.OK


def _detected_framework(root: Path) -> str:
    from schemegen.apply import project

    try:
        framework, evidence = project.detect_framework(root)
    except project.DetectError as error:
        raise UsageError(str(error)) from None
    _err(f"framework: {framework} (detected: {evidence})")
    return framework


def _flutter_webview(choice: str | None, project: Path, framework: str) -> str:
    """--flutter-webview, else the plugin the project's pubspec.yaml lists (Flutter only)."""
    from schemegen.apply import placement

    if choice is not None:
        return choice
    if framework != "flutter":
        return "webview_flutter"
    pubspec = project / "pubspec.yaml"
    try:
        text = pubspec.read_text(encoding="utf-8") if pubspec.is_file() else None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{pubspec}: cannot read: {error}") from None
    webview, note = placement.flutter_webview(text)
    if note:
        print(f"schemegen: notice: {note}", file=sys.stderr)
    source = "pubspec.yaml" if text is not None else "no pubspec.yaml here"
    print(f"schemegen: Flutter WebView: {webview} ({source})", file=sys.stderr)
    return webview


def _check_drift(out: Path, files: dict[str, str]) -> int:
    import difflib

    from schemegen.core.documents import MAX_BYTES, ReadError, read_limited

    drift = False
    for name, expected in files.items():
        path = out / name
        link = _symlink_below(out, name)
        if link is not None:
            drift = True
            _err(f"{link}: is a symlink; --check does not follow it (generate writes real files)")
            continue
        try:
            actual = read_limited(path, MAX_BYTES).decode("utf-8")
        except ReadError as error:
            if os.path.lexists(path):
                drift = True
                _err(f"{error}")
                continue
            actual = ""
        except UnicodeDecodeError:
            actual = ""
        if actual != expected:
            drift = True
            sys.stdout.writelines(
                difflib.unified_diff(
                    actual.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    fromfile=str(path),
                    tofile=f"{path} (generated)",
                )
            )
    if drift:
        print(f"schemegen: {out} differs from the generated output; run generate", file=sys.stderr)
        return Exit.FINDINGS
    print(f"schemegen: {out} is up to date", file=sys.stderr)
    return Exit.OK


def _symlink_below(out: Path, name: str) -> Path | None:
    """The first symlink on the way from `out` to `out/name`, if any."""
    path = out
    for part in Path(name).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None


# --- list --------------------------------------------------------------------------------------


def _add_list(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="show the selected apps in priority order")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--ios-left-out",
        action="store_true",
        help="print only the selected iOS schemes past --ios-query-limit, one per line",
    )
    _add_ios_limit_option(p)
    _add_selection_options(p)
    _add_registry_option(p)
    _add_no_config_option(p)
    p.set_defaults(run=_list)


def _list(args: argparse.Namespace) -> int:
    from schemegen.registry import selection
    from schemegen.registry.listing import app_rows, format_json, format_table

    reg = load_registry(_overlay_paths(args))
    try:
        apps = selection.select(reg, _criteria(args))
    except selection.SelectionError as error:
        raise UsageError(str(error)) from None
    if args.ios_left_out:
        _check_ios_limit(args.ios_query_limit)
        dropped = selection.cap(selection.ios_query_schemes(apps), args.ios_query_limit).dropped
        sys.stdout.write("".join(f"{scheme}\n" for scheme in dropped))
        return Exit.OK
    _no_return_notices(apps)
    rows = app_rows(apps)
    if args.format == "json":
        sys.stdout.write(format_json(rows, reg.version))
    else:
        sys.stdout.write(format_table(rows))
    return Exit.OK


# --- lint and rules ----------------------------------------------------------------------------


def _add_lint(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        type=_csv,
        metavar="CODES",
        help="only these rules: codes, prefixes (SG1) or names, comma-separated",
    )
    p.add_argument(
        "--ignore",
        type=_csv,
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
    _add_selection_options(p)
    _add_ios_limit_option(p)
    _add_registry_option(p)
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
    _check_ios_limit(args.ios_query_limit)
    app_scheme = None
    if args.app_scheme is not None:
        try:
            app_scheme = schemes.parse_app_scheme(args.app_scheme).scheme
        except schemes.AppSchemeError as error:
            raise UsageError(str(error)) from None
    reg = load_registry(args.registry)
    criteria = _criteria(args)
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
    base = Path(conf.path).absolute().parent if conf else Path.cwd()

    def keep(d: Diagnostic) -> bool:
        return config.is_selected(d.code, select, ignore) and not (
            per_file and config.per_file_ignored(d.code, _relative(d.path, base), per_file)
        )

    result = lint.run(paths, context, jobs=args.jobs, keep=keep)
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
    from schemegen.lint.rules import RULES

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


# --- apply -------------------------------------------------------------------------------------

HANDLER_LANGS = ("java", "kotlin", "swift", "objc")


def _add_apply(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.generate.render import FLUTTER_WEBVIEWS, FRAMEWORKS

    p = sub.add_parser(
        "apply",
        help="patch an app's AndroidManifest.xml and Info.plist in place, idempotently",
    )
    p.add_argument("path", nargs="?", default=".", help="project root (default .)")
    p.add_argument(
        "--app-scheme",
        required=True,
        help="your app's return scheme: myshop, myshop:// or myshop://path?x=1",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff; change nothing")
    mode.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when anything would change (for CI)",
    )
    p.add_argument(
        "--fix",
        action="store_true",
        help="also replace registry aliases by real values, remove duplicates and "
        "`://` entries, and move payment schemes inside the iOS budget",
    )
    p.add_argument(
        "--set-launch-mode",
        action="store_true",
        help='set android:launchMode="singleTask" on the return activity',
    )
    p.add_argument(
        "--activity",
        metavar="NAME",
        help="activity hosting the WebView (default: the activity whose intent-filter names "
        "the app scheme, else the launcher activity)",
    )
    p.add_argument("--android-manifest", metavar="FILE", help="the AndroidManifest.xml to edit")
    p.add_argument("--ios-plist", metavar="FILE", help="the Info.plist to edit")
    p.add_argument(
        "--framework",
        choices=FRAMEWORKS,
        help="the app's framework (default: detected); writes its files at their usual places",
    )
    p.add_argument(
        "--handler",
        choices=HANDLER_LANGS,
        help="also write the generated native WebView handler in this language",
    )
    p.add_argument(
        "--handler-dir",
        metavar="DIR",
        help="where the handler goes (default: derived from the project)",
    )
    p.add_argument(
        "--java-package",
        metavar="NAME",
        help="package of a Java/Kotlin handler (default: the manifest's package + .payment) "
        "or of the Flutter/Capacitor glue (default: the Gradle namespace + .payment)",
    )
    p.add_argument("--class-prefix", default="", help="prefix for the handler's class names")
    p.add_argument(
        "--flutter-webview",
        choices=FLUTTER_WEBVIEWS,
        help="Flutter WebView plugin (default: the one in the project's pubspec.yaml, else "
        "webview_flutter)",
    )
    _add_http_content_option(p)
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite handler files that lack our header or were edited by hand",
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="write through symlinked files to their targets (refused otherwise)",
    )
    _add_placeholder_option(p)
    _add_selection_options(p)
    _add_ios_limit_option(p)
    _add_registry_option(p)
    _add_no_config_option(p)
    p.set_defaults(run=_apply)


def _recover(root: Path) -> None:
    """Finish or roll back a run that was killed while writing (its journal says which)."""
    from schemegen.core.atomic import WriteError, recover

    if not root.is_dir():
        return
    try:
        for line in recover(root):
            _err(f"notice: {line}")
    except WriteError as error:
        raise UsageError(str(error)) from None


def _apply(args: argparse.Namespace) -> int:
    from schemegen.core.atomic import WriteError, write_all

    root = Path(args.path)
    _recover(root)
    plans, originals, snippet = _apply_plans(args, root)
    for path, plan in plans.items():
        for note in plan.notes:
            _err(f"{_shown(path, root)}: notice: {note}")
    if snippet is not None and not (args.diff or args.check):
        _err(f"paste into {snippet.where}:")
        sys.stdout.write(snippet.code)
    pending = {path: plan for path, plan in plans.items() if plan.changed}
    if not pending:
        _err("nothing to change")
        return Exit.OK
    for path, plan in pending.items():
        shown = _shown(path, root)
        for change in plan.changes:
            _err(f"{shown}: {change}")
    if args.diff or args.check:
        for path, plan in pending.items():
            sys.stdout.write(_plan_diff(_diff_name(path, root), plan))
        if args.check:
            _err(f"{len(pending)} file(s) would change; run `schemegen apply` without --check")
            return Exit.FINDINGS
        return Exit.OK
    try:
        write_all(
            {path: plan.new for path, plan in pending.items()},
            expected={path: originals[path] for path in pending},
            follow_symlinks=args.follow_symlinks,
            roots=[root, *_given(args)],
            journal_dir=root,
        )
    except WriteError as error:
        raise UsageError(f"{error}; nothing was changed") from None
    _err(f"updated {len(pending)} file(s)")
    return Exit.OK


def _apply_plans(
    args: argparse.Namespace, root: Path
) -> tuple[dict[Path, Plan], dict[Path, bytes | None], Snippet | None]:
    """Every file's plan (nothing written) and the code to paste; any bad file stops all."""
    from schemegen.apply import edit as patch
    from schemegen.registry import selection
    from schemegen.registry.schemes import AppSchemeError, parse_app_scheme

    _check_ios_limit(args.ios_query_limit)
    try:
        scheme = parse_app_scheme(args.app_scheme).scheme
    except AppSchemeError as error:
        raise UsageError(f"--app-scheme: {error}") from None
    reg = load_registry(_overlay_paths(args, [args.path]))
    _refuse_placeholder(reg, scheme, args.allow_placeholder)
    owner = reg.scheme_owner.get(scheme)
    if owner is not None:
        raise UsageError(
            f"--app-scheme `{scheme}` belongs to {owner.name_en} ({owner.id}); "
            "use a scheme of your own app"
        )
    criteria = _criteria(args)
    apps = selection.select(reg, criteria)
    manifest_want = patch.manifest_want(
        reg,
        apps,
        scheme,
        activity=args.activity,
        set_launch_mode=args.set_launch_mode,
        fix=args.fix,
    )
    plist_want = patch.plist_want(
        reg,
        apps,
        scheme,
        limit=args.ios_query_limit,
        fix=args.fix,
        allow_http_content=args.allow_http_content,
    )
    found, framework = _detect(args, root)
    _err(found.describe())
    for note in found.notes:
        _err(f"notice: {note}")
    if found.expo is not None:
        return _expo_plans(
            args, found, reg=reg, criteria=criteria, manifest=manifest_want, plist=plist_want
        )
    originals: dict[Path, bytes | None] = {}
    plans: dict[Path, Plan] = {}
    steps: list[tuple[Path | None, Callable[[bytes], Plan]]] = [
        (found.android, lambda data: patch.plan_manifest(data, manifest_want)),
        (found.ios, lambda data: patch.plan_plist(data, plist_want)),
    ]
    for path, planner in steps:
        if path is None:
            continue
        data = _read_input(path)
        originals[path] = data
        plans[path] = _planned(path, planner, data)
    if args.handler:
        for path, (original, plan) in _handler_plans(args, reg, criteria, found).items():
            originals[path], plans[path] = original, plan
    app = found.android or found.ios
    folder = _app_root(app, root) if app is not None and framework != "react-native" else root
    framework_files, snippet = _framework_plans(args, reg, criteria, folder, framework)
    for path, (original, plan) in framework_files.items():
        originals[path], plans[path] = original, plan
    return plans, originals, snippet


def _detect(args: argparse.Namespace, root: Path) -> tuple[Project, str]:
    """The files apply edits and the framework: an Expo app (even in a monorepo, even with
    prebuild folders) is edited through its config unless `--framework native` says not to."""
    from schemegen.apply import project

    framework = args.framework
    try:
        found = project.detect(root, args.android_manifest, args.ios_plist, framework=framework)
        project.check_paths(found, follow_symlinks=args.follow_symlinks, given=_given(args))
    except project.ExpoJsConfig as error:
        if framework not in (None, "expo"):
            message = _not_expo(framework, root, f"{error.config} configures an Expo app")
            raise UsageError(message) from None
        found = project.Project("Expo (app.config)", root, expo=root / error.config)
    except project.DetectError as error:
        if framework not in (None, "expo") and project.is_expo_app(root):
            message = _not_expo(framework, root, "app.json configures an Expo app")
            raise UsageError(message) from None
        raise UsageError(str(error)) from None
    if found.expo is not None:
        if framework not in (None, "expo"):
            raise UsageError(_not_expo(framework, root, "app.json configures an Expo app"))
        if framework is None:
            _err(f"framework: expo (detected: {found.expo.relative_to(root)})")
        return found, "expo"
    if framework is None:
        app = found.android or found.ios
        folder = _app_root(app, root) if app is not None else root
        framework = _detected_framework(folder)
    if framework == "expo":
        raise UsageError(
            f"--framework expo: no app.json or app.config.* under {root}; pass the project root"
        )
    return found, framework


def _app_root(path: Path, root: Path) -> Path:
    """The folder holding the app's android/ or ios/ folder (a nested app's), else root."""
    for parent in path.parents:
        if parent.name in ("android", "ios"):
            return parent.parent
        if parent == root:
            break
    return root


def _not_expo(framework: str, root: Path, what: str) -> str:
    return (
        f"--framework {framework}: {what} without android/ or ios/ folders in {root}; "
        "use --framework expo, or run `npx expo prebuild` first"
    )


def _planned(path: Path, planner: Callable[[bytes], Plan], data: bytes) -> Plan:
    from schemegen.apply.edit import PatchError

    try:
        return planner(data)
    except PatchError as error:
        where = f"{path}:{error.line}" if error.line else str(path)
        raise UsageError(f"{where}: {error}; nothing was changed") from None


def _expo_plans(
    args: argparse.Namespace,
    found: Project,
    *,
    reg: Registry,
    criteria: Criteria,
    manifest: ManifestWant,
    plist: PlistWant,
) -> tuple[dict[Path, Plan], dict[Path, bytes | None], Snippet | None]:
    """app.json gets the scheme, the query schemes and the plugin entry; the plugin and the
    React Native files are written next to it."""
    from schemegen.apply import expo, handlers, project

    assert found.expo is not None
    app = found.expo.parent
    plans: dict[Path, Plan] = {}
    originals: dict[Path, bytes | None] = {}
    if found.expo.suffix == ".json":
        data = _read_input(found.expo)
        originals[found.expo] = data
        plans[found.expo] = _planned(
            found.expo,
            lambda text: expo.plan_app_json(text, manifest, plist, handlers.EXPO_PLUGIN_ENTRY),
            data,
        )
    else:
        config = found.expo.name
        plugin = handlers.EXPO_PLUGIN_ENTRY
        sys.stdout.write(project.expo_js_instructions(config, manifest.app_scheme, plugin))
        _err(f"{config}: notice: add the settings above by hand (schemegen never edits JavaScript)")
    framework_files, snippet = _framework_plans(args, reg, criteria, app, "expo")
    for file, entry in framework_files.items():
        originals[file], plans[file] = entry
    return plans, originals, snippet


def _framework_plans(
    args: argparse.Namespace, reg: Registry, criteria: Criteria, root: Path, framework: str
) -> tuple[dict[Path, tuple[bytes | None, Plan]], Snippet | None]:
    """The framework's generated files at their usual places in the project, and the code
    to paste by hand."""
    from schemegen.apply import handlers
    from schemegen.generate import views as generate

    if framework == "native":
        return {}, None
    webview = _flutter_webview(args.flutter_webview, root, framework)
    places: Mapping[str, str] = handlers.PLACES
    java_package = args.java_package or generate.Options.java_package
    if framework in ("flutter", "capacitor"):
        native = _native_placement(root, framework, webview, args.java_package)
        places, java_package = dict(native.files), native.java_package
    options = generate.Options(
        app_scheme=args.app_scheme,
        java_package=java_package,
        pg=args.pg,
        ios_query_limit=args.ios_query_limit,
        framework=framework,
        flutter_webview=webview,
    )
    try:
        result = generate.generate(reg, criteria, options)
    except generate.GenerateError as error:
        raise UsageError(str(error)) from None
    placed, unplaced = handlers.placements(root, tuple(result.by_key), places)
    for key in unplaced:
        _err(
            f"notice: `{key}` has no usual place; print it with `schemegen generate --stdout {key}`"
        )
    texts = {p.key: result.by_key[p.key] for p in placed}
    plans = {
        p.path: _generated_file_plan(p.path, texts[p.key].encode("utf-8"), args.force)
        for p in placed
    }
    return plans, handlers.snippet(framework, texts)


def _native_placement(
    app: Path, framework: str, webview: str, java_package: str | None
) -> AppPlacement:
    """Where the Flutter or Capacitor files go, from the app module's build.gradle(.kts)."""
    from schemegen.apply import placement

    module = app / placement.ANDROID_APP
    gradle = next(
        (
            module / name
            for name in ("build.gradle.kts", "build.gradle")
            if (module / name).is_file()
        ),
        None,
    )
    text = _read_input(gradle).decode("utf-8", errors="replace") if gradle else ""
    facts = placement.gradle_facts(text, _main_activity(app))
    try:
        return _placed(facts, framework, webview, java_package)
    except placement.PlacementError as error:
        _err(f"notice: {error}; the Android files are not written")
    # Any valid package will do: the files that would carry it are dropped.
    unplaced = _placed(facts, framework, webview, "com.example.payment")
    files = tuple((key, path) for key, path in unplaced.files if key not in placement.FILE_NAMES)
    return placement.Placement(unplaced.lang, unplaced.java_package, files)


def _placed(
    facts: AndroidFacts, framework: str, webview: str, java_package: str | None
) -> AppPlacement:
    from schemegen.apply import placement

    if framework == "flutter":
        return placement.flutter(facts, webview, java_package)
    return placement.capacitor(facts, java_package)


def _main_activity(app: Path) -> str | None:
    """The app module's MainActivity source, relative to the app folder, or None."""
    from schemegen.apply import placement

    main = app / placement.ANDROID_APP / "src" / "main"
    found = sorted(
        path
        for folder in ("java", "kotlin")
        for path in (main / folder).rglob("MainActivity.*")
        if path.suffix in (".java", ".kt")
    )
    return found[0].relative_to(app).as_posix() if found else None


def _generated_file_plan(
    path: Path, new: bytes, force: bool, what: str = "the generated file"
) -> tuple[bytes | None, Plan]:
    """Write `new` at `path`, unless a file there lacks our header or was edited (no --force)."""
    from schemegen.apply.edit import Plan
    from schemegen.core.header import read_header

    original = _read_input(path) if path.exists() else None
    if original is not None and original != new and not force:
        header = read_header(original.decode("utf-8", errors="replace"))
        if header is None:
            raise UsageError(
                f"{path}: exists without a schemegen header; not overwritten (use --force)"
            )
        if header.edited:
            raise UsageError(
                f"{path}: edited by hand since it was generated; not overwritten (use --force)"
            )
    change = f"{'wrote' if original is None else 'updated'} {what}"
    return original, Plan(original or b"", new, (change,) if original != new else ())


def _given(args: argparse.Namespace) -> list[Path]:
    """Folders named on the command line: apply may write there as well as under the root."""
    named = [args.android_manifest, args.ios_plist]
    folders = [Path(n).parent for n in named if n]
    return [*folders, Path(args.handler_dir)] if args.handler_dir else folders


def _shown(path: Path, root: Path) -> str:
    shown = Path(os.path.relpath(path, root))
    return str(path) if shown.parts[:1] == ("..",) else shown.as_posix()


def _diff_name(path: Path, root: Path) -> str:
    """`path` as `patch -p1` and `git apply` read it from the project root (or from `/`).

    Both refuse or misread `a//abs/path` and `..` parts, so a file outside the root is named
    from the current directory when it lies below it, else from `/` without the slash.
    """
    absolute = Path(path).absolute()
    for base in (root.absolute(), Path.cwd()):
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return absolute.as_posix().lstrip("/")


def _read_input(path: Path) -> bytes:
    from schemegen.core.documents import ReadError, read_limited

    try:
        return read_limited(path)
    except ReadError as error:
        raise UsageError(f"{error}; nothing was changed") from None


def _plan_diff(name: str, plan: Plan) -> str:
    import difflib

    try:
        old = plan.original.decode("utf-8-sig")
        new = plan.new.decode("utf-8-sig")
    except UnicodeDecodeError:
        return f"Binary file {name} changes: {'; '.join(plan.changes)}\n"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _handler_plans(
    args: argparse.Namespace,
    reg: Registry,
    criteria: Criteria,
    found: Project,
) -> dict[Path, tuple[bytes | None, Plan]]:
    import re

    from schemegen.generate import render
    from schemegen.generate import views as generate

    android = args.handler in ("java", "kotlin")
    base = found.android if android else found.ios
    if base is None and args.handler_dir is None:
        raise UsageError(
            f"--handler {args.handler}: no {'Android' if android else 'iOS'} "
            "project found; pass --handler-dir"
        )
    java_package = args.java_package
    if java_package is None:
        text = base.read_text(encoding="utf-8", errors="replace") if android and base else ""
        declared = re.search(r"\bpackage\s*=\s*[\"']([\w.]+)[\"']", text)
        java_package = f"{declared.group(1)}.payment" if declared else "com.example.payment"
    options = generate.Options(
        app_scheme=args.app_scheme,
        java_package=java_package,
        class_prefix=args.class_prefix,
        pg=args.pg,
        allow_http_content=args.allow_http_content,
        ios_query_limit=args.ios_query_limit,
        platforms=("android" if android else "ios",),
        langs=(args.handler,),
    )
    try:
        result = generate.generate(reg, criteria, options)
    except generate.GenerateError as error:
        raise UsageError(str(error)) from None
    if args.handler_dir is not None:
        directory = Path(args.handler_dir)
    elif android:
        assert base is not None
        kotlin = args.handler == "kotlin" and (base.parent / "kotlin").is_dir()
        source = "kotlin" if kotlin else "java"
        directory = base.parent / source / Path(*java_package.split("."))
    else:
        assert base is not None
        directory = base.parent
    plans: dict[Path, tuple[bytes | None, Plan]] = {}
    for target in generate.selected_targets(options):
        if target.lang != args.handler:
            continue
        path = directory / Path(render.target_path(target, args.class_prefix)).name
        new = result.by_key[target.key].encode("utf-8")
        plans[path] = _generated_file_plan(path, new, args.force, "the generated handler")
    return plans


# --- registry ----------------------------------------------------------------------------------


def _add_registry(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from schemegen.registry.tools import EXPORTS

    p = sub.add_parser(
        "registry", help="check, diff, show and export the registry; scan manifests for new values"
    )
    rsub = p.add_subparsers(dest="registry_command", metavar="SUBCOMMAND")
    p.set_defaults(run=lambda args: _missing_subcommand(p))

    c = rsub.add_parser("check", help="validate schemes.yaml and overlays (near misses for review)")
    c.add_argument("files", nargs="*", metavar="FILE", help="overlay files to validate with it")
    c.add_argument(
        "--base",
        metavar="FILE",
        help="registry file to check instead of the installed schemes.yaml",
    )
    c.add_argument("--strict", action="store_true", help="review notes fail too (exit 1)")
    _add_registry_option(c)
    _add_no_config_option(c)
    c.set_defaults(run=_registry_check)

    d = rsub.add_parser("diff", help="what changed between two registry versions (for a PR)")
    d.add_argument(
        "old",
        metavar="OLD",
        help="a file, or a git revision (HEAD~1 = schemes.yaml at that revision)",
    )
    d.add_argument(
        "new",
        nargs="?",
        metavar="NEW",
        help="a file or git revision (default: the working schemes.yaml)",
    )
    d.add_argument(
        "--file",
        default="schemes.yaml",
        help="the registry's path in the repository, for revisions (default schemes.yaml)",
    )
    d.add_argument("--format", choices=("text", "json"), default="text")
    _add_ios_limit_option(d)
    d.set_defaults(run=_registry_diff)

    s = rsub.add_parser("show", help="a table of apps, apps in detail, or the effective registry")
    s.add_argument("ids", nargs="*", metavar="ID", help="apps to show in detail")
    s.add_argument(
        "--effective",
        action="store_true",
        help="print the effective registry after overlays as YAML",
    )
    _add_registry_option(s)
    _add_no_config_option(s)
    s.set_defaults(run=_registry_show)

    e = rsub.add_parser("export", help="all apps as markdown (docs/registry.md), json or csv")
    e.add_argument("--format", choices=tuple(EXPORTS), default="markdown")
    _add_registry_option(e)
    _add_no_config_option(e)
    e.set_defaults(run=_registry_export)

    n = rsub.add_parser(
        "scan", help="list schemes and packages in manifests/plists the registry does not know"
    )
    n.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="AndroidManifest.xml / Info.plist files or directories to search",
    )
    n.add_argument("--format", choices=("text", "json"), default="text")
    _add_registry_option(n)
    _add_no_config_option(n)
    n.set_defaults(run=_registry_scan)


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return Exit.ERROR


def _add_no_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-config",
        action="store_true",
        help="ignore the `registry:` overlays named in a found .schemegen.yaml",
    )


def _overlay_paths(args: argparse.Namespace, paths: Sequence[str] = ()) -> list[str]:
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


def _read_text(name: str, what: str) -> str:
    """A registry file, refused before reading when larger than the registry's limit."""
    from schemegen.core.documents import ReadError, read_limited
    from schemegen.registry.model import MAX_BYTES

    try:
        return read_limited(name, MAX_BYTES).decode("utf-8")
    except ReadError as error:
        raise UsageError(f"{name}: cannot read {what}: {error.reason}") from None
    except ValueError as error:  # embedded NUL in the name, or not UTF-8
        raise UsageError(f"{name}: cannot read {what}: {error}") from None


def _registry_check(args: argparse.Namespace) -> int:
    from schemegen.registry import model as registry
    from schemegen.registry import tools as registry_tools
    from schemegen.registry.tools import Finding, Severity

    names = [*_overlay_paths(args), *args.files]
    texts = [(name, _read_text(name, "registry overlay")) for name in names]
    base_text = (args.base, _read_text(args.base, "registry")) if args.base else None
    docs, unparsed = [], []
    for origin, text in ([base_text] if base_text else []) + texts:
        try:
            docs.append(registry.parse_yaml(text, origin))
        except registry.RegistryError as error:
            unparsed += [
                Finding(p.path, p.line, p.field, Severity.ERROR, p.message) for p in error.problems
            ]
    if base_text is None:
        docs.insert(0, registry.load_shipped())
    if unparsed:
        result = registry_tools.CheckResult(None, tuple(unparsed))
    else:
        result = registry_tools.check(docs[0], docs[1:])
    for finding in result.findings:
        print(finding)
    failing = result.failing if args.strict else result.errors
    what = f"{docs[0].origin if docs else args.base}" + (
        f" + {len(names)} overlay(s)" if names else ""
    )
    counts = f"{len(result.errors)} error(s), {len(result.reviews)} review note(s)"
    if failing:
        _err(f"{what}: {counts}")
        return Exit.FINDINGS
    assert result.registry is not None
    _err(
        f"{what}: registry {result.registry.version} is valid ({len(result.registry.apps)} "
        f"apps); {counts}"
    )
    return Exit.OK


def _git(args: Sequence[str], cwd: str | None = None) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return done.stdout.decode("utf-8")


def _git_top() -> str | None:
    try:
        return _git(["rev-parse", "--show-toplevel"]).strip()
    except UsageError:
        return None


def _registry_source(spec: str | None, file: str) -> tuple[str, str]:
    """(label, text) for a diff side: a file, a git revision, or (None) the working file."""
    from schemegen.registry import model as registry

    if spec is None:
        top = _git_top()
        for candidate in ([Path(top) / file] if top else []) + [Path(file)]:
            if candidate.is_file():
                return str(candidate), _read_text(str(candidate), "registry")
        return "installed schemes.yaml", registry.read_text_resource(registry.SHIPPED)
    if Path(spec).is_file():
        return spec, _read_text(spec, "registry")
    if spec.startswith("-"):
        raise UsageError(f"`{spec}` is neither a file nor a git revision")
    top = _git_top()
    if top is None:
        raise UsageError(f"`{spec}` is not a file, and this is not a git repository")
    target = spec if ":" in spec else f"{spec}:{file}"
    return target, _git(["show", target], cwd=top)


def _registry_diff(args: argparse.Namespace) -> int:
    from schemegen.registry import model as registry
    from schemegen.registry import tools as registry_tools

    _check_ios_limit(args.ios_query_limit)
    old_label, old_text = _registry_source(args.old, args.file)
    new_label, new_text = _registry_source(args.new, args.file)
    old = registry.parse_yaml(old_text, old_label)
    new = registry.parse_yaml(new_text, new_label)
    result = registry_tools.diff(old, new, old_label, new_label, args.ios_query_limit)
    if args.format == "json":
        sys.stdout.write(registry_tools.diff_json(result))
    else:
        sys.stdout.write(registry_tools.diff_text(result))
    return Exit.OK


def _registry_show(args: argparse.Namespace) -> int:
    from schemegen.registry import tools as registry_tools
    from schemegen.registry.schemes import near_misses

    reg = load_registry(_overlay_paths(args))
    if args.effective:
        if args.ids:
            raise UsageError("--effective prints the whole registry; give no ids")
        sys.stdout.write(registry_tools.effective_yaml(reg))
        return Exit.OK
    if not args.ids:
        sys.stdout.write(registry_tools.show_table(reg.apps))
        return Exit.OK
    for app_id in args.ids:
        if app_id not in reg.by_id:
            hint = near_misses(app_id, reg.by_id)
            raise UsageError(
                f"unknown app id `{app_id}`"
                + (f"; did you mean {', '.join(hint)}?" if hint else "")
            )
    sys.stdout.write("\n".join(registry_tools.show_detail(reg.by_id[i], reg) for i in args.ids))
    return Exit.OK


def _registry_export(args: argparse.Namespace) -> int:
    from schemegen.registry.tools import EXPORTS

    sys.stdout.write(EXPORTS[args.format](load_registry(_overlay_paths(args))))
    return Exit.OK


def _scan_files(paths: Sequence[str]) -> list[str]:
    """The manifests and plists under `paths`, found exactly as `lint` finds them."""
    from schemegen.lint.run import discover

    found, missing = discover(paths)
    if missing:
        raise UsageError(f"{missing[0].path}: no such file or directory")
    return found


def _registry_scan(args: argparse.Namespace) -> int:
    from schemegen.core import documents
    from schemegen.registry import tools as registry_tools

    reg = load_registry(_overlay_paths(args, args.paths))
    files = _scan_files(args.paths)
    occurrences: list[registry_tools.Occurrence] = []
    unreadable = []
    for path in files:
        try:
            occurrences += registry_tools.read_occurrences(documents.read_document(path))
        except registry_tools.ScanError as error:
            unreadable.append(str(error))
            _err(f"warning: {error}")
    result = registry_tools.scan(reg, occurrences, [str(f) for f in files], unreadable)
    if args.format == "json":
        sys.stdout.write(registry_tools.scan_json(result, reg))
    else:
        sys.stdout.write(registry_tools.scan_text(result, reg))
    _err(
        f"scanned {len(files)} file(s): {len(result.unknown)} unknown value(s), "
        f"{len(result.aliases)} alias(es), {len(result.non_payment)} reviewed non-payment, "
        f"{result.known} known"
    )
    return Exit.OK


# --- main --------------------------------------------------------------------------------------

ADDERS: dict[str, Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = {
    "generate": _add_generate,
    "list": _add_list,
    "lint": _add_lint,
    "rules": _add_rules,
    "apply": _add_apply,
    "registry": _add_registry,
}


def _version() -> str:
    from schemegen.registry import snapshot

    shipped = snapshot.shipped()
    if shipped is not None:
        return f"schemegen {__version__} (registry {shipped.version}, updated {shipped.updated})"
    from schemegen.registry import model as registry

    try:
        from schemegen.registry.cache import parse_cached

        data = registry.load_shipped(parse_cached).data
        return f"schemegen {__version__} (registry {data['version']}, updated {data['updated']})"
    except registry.RegistryError:
        return f"schemegen {__version__} (registry unreadable)"


def _terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (bz2, lzma, fnmatch)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, width or _terminal_columns() - 2
        )


def build_parser(commands: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, with every subcommand or only those in `commands`.

    Option tables import the modules that hold their choices (generate pulls in render,
    registry pulls in registry_tools): building only the subcommand being run keeps those
    imports off the start-up path of `lint`.
    """
    parser: argparse.ArgumentParser = _Parser(
        prog="schemegen",
        description="Registry, generator and linter for Korean payment-app URL schemes.",
    )
    parser.add_argument("--version", action="store_true", help="print tool and registry version")
    if commands is not None and not commands:
        return parser
    sub: argparse._SubParsersAction[argparse.ArgumentParser]
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add in ADDERS.items():
        if commands is None or name in commands:
            add(sub)
    return parser


def _needed_commands(argv: Sequence[str]) -> tuple[str, ...] | None:
    """The subcommands `argv` can reach: its command, none for a bare --version, else all."""
    for index, arg in enumerate(argv):
        if arg in ("-h", "--help", "--"):
            return None
        if not arg.startswith("-"):
            return (arg,) if arg in ADDERS else None
        if arg != "--version" or index:
            return None
    return () if argv else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_needed_commands(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return Exit.OK if exit_.code in (0, None) else Exit.ERROR
    except _ArgumentError as error:
        hint = _did_you_mean(argv, _option_strings(parser))
        command = error.prog.removeprefix("schemegen").strip()
        where = f"{command}: " if command else ""
        _err(f"{where}{error}{hint}; see `{error.prog} --help`")
        return Exit.ERROR
    if args.version:
        print(_version())
        return Exit.OK
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return Exit.ERROR
    from schemegen.registry.model import RegistryError
    from schemegen.registry.selection import SelectionError

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
