"""`schemegen apply`: patch a project's manifest, plist or Expo config in place."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping
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
    read_input,
    refuse_placeholder,
    selection_criteria,
)
from schemegen.cli.generate import chosen_flutter_webview

if TYPE_CHECKING:
    from schemegen.apply.edit import ManifestWant, Plan, PlistWant
    from schemegen.apply.handlers import Snippet
    from schemegen.apply.placement import AndroidFacts
    from schemegen.apply.placement import Placement as AppPlacement
    from schemegen.apply.project import Project
    from schemegen.registry.model import Registry
    from schemegen.registry.selection import Criteria


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
    from schemegen.core.atomic import WriteError, write_all

    root = Path(args.path)
    _recover(root)
    plans, originals, snippet = _apply_plans(args, root)
    for path, plan in plans.items():
        for note in plan.notes:
            err(f"{_shown(path, root)}: notice: {note}")
    if snippet is not None and not (args.diff or args.check):
        err(f"paste into {snippet.where}:")
        sys.stdout.write(snippet.code)
    pending = {path: plan for path, plan in plans.items() if plan.changed}
    if not pending:
        err("nothing to change")
        return Exit.OK
    for path, plan in pending.items():
        shown = _shown(path, root)
        for change in plan.changes:
            err(f"{shown}: {change}")
    if args.diff or args.check:
        for path, plan in pending.items():
            sys.stdout.write(_plan_diff(_diff_name(path, root), plan))
        if args.check:
            err(f"{len(pending)} file(s) would change; run `schemegen apply` without --check")
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
    err(f"updated {len(pending)} file(s)")
    return Exit.OK


def _apply_plans(
    args: argparse.Namespace, root: Path
) -> tuple[dict[Path, Plan], dict[Path, bytes | None], Snippet | None]:
    """Every file's plan (nothing written) and the code to paste; any bad file stops all."""
    from schemegen.apply import edit as patch
    from schemegen.apply import manifest as apply_manifest
    from schemegen.apply import plist as apply_plist
    from schemegen.registry import selection
    from schemegen.registry.schemes import AppSchemeError, parse_app_scheme

    check_ios_limit(args.ios_query_limit)
    try:
        scheme = parse_app_scheme(args.app_scheme).scheme
    except AppSchemeError as error:
        raise UsageError(f"--app-scheme: {error}") from None
    reg = load_registry(overlays_for(args, [args.path]))
    refuse_placeholder(reg, scheme, args.allow_placeholder)
    owner = reg.scheme_owner.get(scheme)
    if owner is not None:
        raise UsageError(
            f"--app-scheme `{scheme}` belongs to {owner.name_en} ({owner.id}); "
            "use a scheme of your own app"
        )
    criteria = selection_criteria(args)
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
    err(found.describe())
    for note in found.notes:
        err(f"notice: {note}")
    if found.expo is not None:
        return _expo_plans(
            args, found, reg=reg, criteria=criteria, manifest=manifest_want, plist=plist_want
        )
    originals: dict[Path, bytes | None] = {}
    plans: dict[Path, Plan] = {}
    steps: list[tuple[Path | None, Callable[[bytes], Plan]]] = [
        (found.android, lambda data: apply_manifest.plan_manifest(data, manifest_want)),
        (found.ios, lambda data: apply_plist.plan_plist(data, plist_want)),
    ]
    for path, planner in steps:
        if path is None:
            continue
        data = read_input(path)
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
            err(f"framework: expo (detected: {found.expo.relative_to(root)})")
        return found, "expo"
    if framework is None:
        app = found.android or found.ios
        folder = _app_root(app, root) if app is not None else root
        framework = detected_framework(folder)
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
        data = read_input(found.expo)
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
        err(f"{config}: notice: add the settings above by hand (schemegen never edits JavaScript)")
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
    webview = chosen_flutter_webview(args.flutter_webview, root, framework)
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
        err(
            f"notice: `{key}` has no usual place; print it with `schemegen generate --stdout {key}`"
        )
    texts = {p.key: result.by_key[p.key] for p in placed}
    plans = {
        p.path: _generated_file_plan(p.path, texts[p.key].encode("utf-8"), args.force)
        for p in placed
    }
    return plans, handlers.snippet(framework, texts)


def _generated_file_plan(
    path: Path, new: bytes, force: bool, what: str = "the generated file"
) -> tuple[bytes | None, Plan]:
    """Write `new` at `path`, unless a file there lacks our header or was edited (no --force)."""
    from schemegen.apply.edit import Plan
    from schemegen.core.header import read_header

    original = read_input(path) if path.exists() else None
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
    text = read_input(gradle).decode("utf-8", errors="replace") if gradle else ""
    facts = placement.gradle_facts(text, _main_activity(app))
    try:
        return _placed(facts, framework, webview, java_package)
    except placement.PlacementError as error:
        err(f"notice: {error}; the Android files are not written")
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
