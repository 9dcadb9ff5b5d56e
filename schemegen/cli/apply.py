"""`schemegen apply`: patch a project's manifest, plist or Expo config in place."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from schemegen.cli.common import (
    Exit,
    UsageError,
    add_http_content_option,
    add_ios_limit_option,
    add_no_config_option,
    add_placeholder_option,
    add_registry_option,
    add_selection_options,
    check_ios_limit,
    detected_framework,
    err,
    load_registry,
    overlays_for,
    refuse_placeholder,
    selection_criteria,
)

if TYPE_CHECKING:
    from schemegen.apply.plans import Notice, Planned, Request


HANDLER_LANGS = ("java", "kotlin", "swift", "objc")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    add_http_content_option(p)
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
    add_placeholder_option(p)
    add_selection_options(p)
    add_ios_limit_option(p)
    add_registry_option(p)
    add_no_config_option(p)
    p.set_defaults(run=_apply)


def _recover(root: Path) -> None:
    """Finish or roll back a run that was killed while writing (its journal says which)."""
    from schemegen.core.atomic import WriteError, recover

    if not root.is_dir():
        return
    try:
        for line in recover(root):
            err(f"notice: {line}")
    except WriteError as error:
        raise UsageError(str(error)) from None


def _apply(args: argparse.Namespace) -> int:
    from schemegen.apply.report import diff_name, plan_diff, shown
    from schemegen.core.atomic import WriteError, write_all

    root = Path(args.path)
    _recover(root)
    request = _request(args)
    planned = _planned(args, request)
    for path, plan in planned.plans.items():
        for note in plan.notes:
            err(f"{shown(path, root)}: notice: {note}")
    snippet = planned.snippet
    if snippet is not None and not (args.diff or args.check):
        err(f"paste into {snippet.where}:")
        sys.stdout.write(snippet.code)
    pending = {path: plan for path, plan in planned.plans.items() if plan.changed}
    if not pending:
        err("nothing to change")
        return Exit.OK
    for path, plan in pending.items():
        name = shown(path, root)
        for change in plan.changes:
            err(f"{name}: {change}")
    if args.diff or args.check:
        for path, plan in pending.items():
            sys.stdout.write(plan_diff(diff_name(path, root), plan))
        if args.check:
            err(f"{len(pending)} file(s) would change; run `schemegen apply` without --check")
            return Exit.FINDINGS
        return Exit.OK
    try:
        write_all(
            {path: plan.new for path, plan in pending.items()},
            expected={path: planned.originals[path] for path in pending},
            follow_symlinks=request.follow_symlinks,
            roots=[root, *request.given_folders],
            journal_dir=root,
        )
    except WriteError as error:
        raise UsageError(f"{error}; nothing was changed") from None
    err(f"updated {len(pending)} file(s)")
    return Exit.OK


def _request(args: argparse.Namespace) -> Request:
    from schemegen.apply.plans import Request
    from schemegen.registry.schemes import AppSchemeError, parse_app_scheme

    check_ios_limit(args.ios_query_limit)
    try:
        scheme = parse_app_scheme(args.app_scheme).scheme
    except AppSchemeError as error:
        raise UsageError(f"--app-scheme: {error}") from None
    return Request(
        root=Path(args.path),
        app_scheme=args.app_scheme,
        scheme=scheme,
        framework=args.framework,
        android_manifest=args.android_manifest,
        ios_plist=args.ios_plist,
        activity=args.activity,
        set_launch_mode=args.set_launch_mode,
        fix=args.fix,
        ios_query_limit=args.ios_query_limit,
        allow_http_content=args.allow_http_content,
        handler=args.handler,
        handler_dir=args.handler_dir,
        java_package=args.java_package,
        class_prefix=args.class_prefix,
        flutter_webview=args.flutter_webview,
        force=args.force,
        follow_symlinks=args.follow_symlinks,
    )


def _planned(args: argparse.Namespace, request: Request) -> Planned:
    """The plans, with what the planner says on the way; its errors as usage errors."""
    from schemegen.apply import plans

    registry = load_registry(overlays_for(args, [args.path]))
    refuse_placeholder(registry, request.scheme, args.allow_placeholder)
    try:
        plans.refuse_registry_scheme(registry, request.scheme)
        found = plans.survey(request, registry, selection_criteria(args))
        _say(found.notices)
        framework = found.framework
        if framework is None:
            framework = detected_framework(found.app_folder)
        planned = plans.plan(request, found, framework)
    except plans.ApplyError as error:
        _say(error.notices)
        raise UsageError(str(error)) from None
    _say(planned.notices)
    return planned


def _say(notices: Iterable[Notice]) -> None:
    for notice in notices:
        if notice.paste:
            sys.stdout.write(notice.text)
        else:
            err(notice.text)
