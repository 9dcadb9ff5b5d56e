"""The plans of one `schemegen apply` run: every file it edits or writes, and what it says."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemegen.apply.edit import ManifestWant, Plan, PlistWant
    from schemegen.apply.handlers import Snippet
    from schemegen.apply.placement import AndroidFacts
    from schemegen.apply.placement import Placement as AppPlacement
    from schemegen.apply.project import Project
    from schemegen.generate.views import Options, Result
    from schemegen.registry.model import Registry
    from schemegen.registry.selection import Criteria


@dataclass(frozen=True)
class Notice:
    """A line for the user; `paste`: text to copy into a file by hand (for stdout)."""

    text: str
    paste: bool = False


class ApplyError(Exception):
    """Apply cannot go on: nothing is written; `notices` were said before it stopped."""

    def __init__(self, message: str, notices: tuple[Notice, ...] = ()) -> None:
        super().__init__(message)
        self.notices = notices

    def after(self, notices: Iterable[Notice]) -> ApplyError:
        """The same error, raised after `notices` were said."""
        return ApplyError(str(self), (*notices, *self.notices))


@dataclass(frozen=True)
class Request:
    """What `schemegen apply` is asked for, its options as plain values."""

    root: Path
    app_scheme: str  # as given (`myshop://path?x=1`): the generated files keep all of it
    scheme: str  # the bare scheme of `app_scheme`, for the manifest and the plist
    framework: str | None = None  # None: detected
    android_manifest: str | None = None
    ios_plist: str | None = None
    activity: str | None = None
    set_launch_mode: bool = False
    fix: bool = False
    ios_query_limit: int = 25
    allow_http_content: bool = False
    handler: str | None = None
    handler_dir: str | None = None
    java_package: str | None = None
    class_prefix: str = ""
    flutter_webview: str | None = None
    force: bool = False
    follow_symlinks: bool = False

    @property
    def given_folders(self) -> list[Path]:
        """Folders named on the command line: apply may write there as well as under the root."""
        named = [self.android_manifest, self.ios_plist]
        folders = [Path(n).parent for n in named if n]
        return [*folders, Path(self.handler_dir)] if self.handler_dir else folders


@dataclass(frozen=True)
class Survey:
    """What apply knows before it reads a file: the wanted state and the project's files."""

    registry: Registry
    criteria: Criteria
    manifest: ManifestWant
    plist: PlistWant
    project: Project
    framework: str | None  # None: not given and not Expo, so detected in `app_folder`
    notices: tuple[Notice, ...] = ()

    @property
    def app_folder(self) -> Path:
        """The folder holding the app's android/ or ios/ folder (a nested app's), else root."""
        app = self.project.android or self.project.ios
        return _app_root(app, self.project.root) if app is not None else self.project.root


@dataclass(frozen=True)
class Planned:
    """Every file's plan, what each file held (None: absent), the code to paste, notices."""

    plans: Mapping[Path, Plan]
    originals: Mapping[Path, bytes | None]
    snippet: Snippet | None = None
    notices: tuple[Notice, ...] = ()

    def after(self, notices: Iterable[Notice]) -> Planned:
        """These plans, said after `notices`."""
        return replace(self, notices=(*notices, *self.notices))


def refuse_registry_scheme(registry: Registry, scheme: str) -> None:
    """The app scheme is the app's own, not one a payment app in the registry answers to."""
    owner = registry.scheme_owner.get(scheme)
    if owner is not None:
        raise ApplyError(
            f"--app-scheme `{scheme}` belongs to {owner.name_en} ({owner.id}); "
            "use a scheme of your own app"
        )


def survey(request: Request, registry: Registry, criteria: Criteria) -> Survey:
    """The manifest and plist the selected apps need, and the files and framework found."""
    from schemegen.apply import edit as patch
    from schemegen.registry import selection

    apps = selection.select(registry, criteria)
    manifest_want = patch.manifest_want(
        registry,
        apps,
        request.scheme,
        activity=request.activity,
        set_launch_mode=request.set_launch_mode,
        fix=request.fix,
    )
    plist_want = patch.plist_want(
        registry,
        apps,
        request.scheme,
        limit=request.ios_query_limit,
        fix=request.fix,
        allow_http_content=request.allow_http_content,
    )
    found, framework, notices = _detect(request)
    return Survey(registry, criteria, manifest_want, plist_want, found, framework, notices)


def plan(request: Request, found: Survey, framework: str) -> Planned:
    """Every file's plan (nothing written) and the code to paste; any bad file stops all."""
    project = found.project
    if project.expo is None and framework == "expo":
        raise ApplyError(
            f"--framework expo: no app.json or app.config.* under {request.root}; "
            "pass the project root"
        )
    said = (Notice(project.describe()), *(Notice(f"notice: {note}") for note in project.notes))
    try:
        if project.expo is not None:
            planned = _expo_plans(request, found)
        else:
            planned = _native_plans(request, found, framework)
    except ApplyError as error:
        raise error.after(said) from None
    return planned.after(said)


def _native_plans(request: Request, found: Survey, framework: str) -> Planned:
    """The manifest and the plist patched in place, the handler and the framework's files."""
    from schemegen.apply import manifest as apply_manifest
    from schemegen.apply import plist as apply_plist

    project = found.project
    originals: dict[Path, bytes | None] = {}
    plans: dict[Path, Plan] = {}
    steps: list[tuple[Path | None, Callable[[bytes], Plan]]] = [
        (project.android, lambda data: apply_manifest.plan_manifest(data, found.manifest)),
        (project.ios, lambda data: apply_plist.plan_plist(data, found.plist)),
    ]
    for path, planner in steps:
        if path is None:
            continue
        data = _read(path)
        originals[path] = data
        plans[path] = _planned(path, planner, data)
    if request.handler:
        for path, (original, handler) in _handler_plans(request, found, request.handler).items():
            originals[path], plans[path] = original, handler
    folder = found.app_folder if framework != "react-native" else project.root
    return _joined(Planned(plans, originals), _framework_plans(request, found, folder, framework))


def _joined(first: Planned, then: Planned) -> Planned:
    """The files of `first`, then those of `then`; the later code to paste; both notices."""
    return Planned(
        {**first.plans, **then.plans},
        {**first.originals, **then.originals},
        then.snippet if then.snippet is not None else first.snippet,
        (*first.notices, *then.notices),
    )


def _detect(request: Request) -> tuple[Project, str | None, tuple[Notice, ...]]:
    """The files apply edits and the framework: an Expo app (even in a monorepo, even with
    prebuild folders) is edited through its config unless `--framework native` says not to."""
    from schemegen.apply import project

    root = request.root
    framework = request.framework
    try:
        found = project.detect(
            root, request.android_manifest, request.ios_plist, framework=framework
        )
        project.check_paths(
            found, follow_symlinks=request.follow_symlinks, given=request.given_folders
        )
    except project.ExpoJsConfig as error:
        if framework not in (None, "expo"):
            message = _not_expo(framework, root, f"{error.config} configures an Expo app")
            raise ApplyError(message) from None
        found = project.Project("Expo (app.config)", root, expo=root / error.config)
    except project.DetectError as error:
        if framework not in (None, "expo") and project.is_expo_app(root):
            message = _not_expo(framework, root, "app.json configures an Expo app")
            raise ApplyError(message) from None
        raise ApplyError(str(error)) from None
    if found.expo is None:
        return found, framework, ()
    if framework not in (None, "expo"):
        raise ApplyError(_not_expo(framework, root, "app.json configures an Expo app"))
    detected = Notice(f"framework: expo (detected: {found.expo.relative_to(root)})")
    return found, "expo", (detected,) if framework is None else ()


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


def _read(path: Path) -> bytes:
    from schemegen.core.parsing import ReadError, read_limited

    try:
        return read_limited(path)
    except ReadError as error:
        raise ApplyError(f"{error}; nothing was changed") from None


def _planned(path: Path, planner: Callable[[bytes], Plan], data: bytes) -> Plan:
    from schemegen.apply.edit import PatchError

    try:
        return planner(data)
    except PatchError as error:
        where = f"{path}:{error.line}" if error.line else str(path)
        raise ApplyError(f"{where}: {error}; nothing was changed") from None


def _expo_plans(request: Request, found: Survey) -> Planned:
    """app.json gets the scheme, the query schemes and the plugin entry; the plugin and the
    React Native files are written next to it."""
    from schemegen.apply import expo, handlers, project

    config = found.project.expo
    assert config is not None
    if config.suffix == ".json":
        data = _read(config)
        app_json = _planned(
            config,
            lambda text: expo.plan_app_json(
                text, found.manifest, found.plist, handlers.EXPO_PLUGIN_ENTRY
            ),
            data,
        )
        edited = Planned({config: app_json}, {config: data})
    else:
        plugin = handlers.EXPO_PLUGIN_ENTRY
        instructions = project.expo_js_instructions(config.name, found.manifest.app_scheme, plugin)
        manual = (
            f"{config.name}: notice: add the settings above by hand "
            "(schemegen never edits JavaScript)"
        )
        edited = Planned({}, {}, notices=(Notice(instructions, paste=True), Notice(manual)))
    try:
        generated = _framework_plans(request, found, config.parent, "expo")
    except ApplyError as error:
        raise error.after(edited.notices) from None
    return _joined(edited, generated)


def _framework_plans(request: Request, found: Survey, root: Path, framework: str) -> Planned:
    """The framework's generated files at their usual places in the project, and the code
    to paste by hand."""
    from schemegen.apply import handlers, placement
    from schemegen.generate import views as generate

    if framework == "native":
        return Planned({}, {})
    try:
        webview, lines = placement.chosen_flutter_webview(request.flutter_webview, root, framework)
    except placement.PlacementError as error:
        raise ApplyError(str(error)) from None
    said = [Notice(line) for line in lines]
    try:
        places: Mapping[str, str] = handlers.PLACES
        java_package = request.java_package or generate.Options.java_package
        if framework in ("flutter", "capacitor"):
            native, notices = _native_placement(root, framework, webview, request.java_package)
            said += notices
            places, java_package = dict(native.files), native.java_package
        options = generate.Options(
            app_scheme=request.app_scheme,
            java_package=java_package,
            pg=found.criteria.pg,
            ios_query_limit=request.ios_query_limit,
            framework=framework,
            flutter_webview=webview,
        )
        result = _generated(found, options)
        placed, unplaced = handlers.placements(root, tuple(result.by_key), places)
        said += (
            Notice(
                f"notice: `{key}` has no usual place; "
                f"print it with `schemegen generate --stdout {key}`"
            )
            for key in unplaced
        )
        texts = {p.key: result.by_key[p.key] for p in placed}
        files = {
            p.path: _generated_file_plan(p.path, texts[p.key].encode("utf-8"), request.force)
            for p in placed
        }
    except ApplyError as error:
        raise error.after(said) from None
    return Planned(
        {path: new for path, (_, new) in files.items()},
        {path: original for path, (original, _) in files.items()},
        handlers.snippet(framework, texts),
        tuple(said),
    )


def _generated(found: Survey, options: Options) -> Result:
    """What generate renders for `options`; options it refuses stop the run."""
    from schemegen.generate import views as generate

    try:
        return generate.generate(found.registry, found.criteria, options)
    except generate.GenerateError as error:
        raise ApplyError(str(error)) from None


def _generated_file_plan(
    path: Path, new: bytes, force: bool, what: str = "the generated file"
) -> tuple[bytes | None, Plan]:
    """Write `new` at `path`, unless a file there lacks our header or was edited (no --force)."""
    from schemegen.apply.edit import Plan
    from schemegen.core.header import read_header

    original = _read(path) if path.exists() else None
    if original is not None and original != new and not force:
        header = read_header(original.decode("utf-8", errors="replace"))
        if header is None:
            raise ApplyError(
                f"{path}: exists without a schemegen header; not overwritten (use --force)"
            )
        if header.edited:
            raise ApplyError(
                f"{path}: edited by hand since it was generated; not overwritten (use --force)"
            )
    change = f"{'wrote' if original is None else 'updated'} {what}"
    return original, Plan(original or b"", new, (change,) if original != new else ())


def _handler_plans(
    request: Request, found: Survey, handler: str
) -> dict[Path, tuple[bytes | None, Plan]]:
    import re

    from schemegen.generate import render
    from schemegen.generate import views as generate

    android = handler in ("java", "kotlin")
    base = found.project.android if android else found.project.ios
    if base is None and request.handler_dir is None:
        raise ApplyError(
            f"--handler {handler}: no {'Android' if android else 'iOS'} "
            "project found; pass --handler-dir"
        )
    java_package = request.java_package
    if java_package is None:
        text = base.read_text(encoding="utf-8", errors="replace") if android and base else ""
        declared = re.search(r"\bpackage\s*=\s*[\"']([\w.]+)[\"']", text)
        java_package = f"{declared.group(1)}.payment" if declared else "com.example.payment"
    options = generate.Options(
        app_scheme=request.app_scheme,
        java_package=java_package,
        class_prefix=request.class_prefix,
        pg=found.criteria.pg,
        allow_http_content=request.allow_http_content,
        ios_query_limit=request.ios_query_limit,
        platforms=("android" if android else "ios",),
        langs=(handler,),
    )
    result = _generated(found, options)
    if request.handler_dir is not None:
        directory = Path(request.handler_dir)
    elif android:
        assert base is not None
        kotlin = handler == "kotlin" and (base.parent / "kotlin").is_dir()
        source = "kotlin" if kotlin else "java"
        directory = base.parent / source / Path(*java_package.split("."))
    else:
        assert base is not None
        directory = base.parent
    plans: dict[Path, tuple[bytes | None, Plan]] = {}
    for target in generate.selected_targets(options):
        if target.lang != handler:
            continue
        path = directory / Path(render.target_path(target, request.class_prefix)).name
        new = result.by_key[target.key].encode("utf-8")
        plans[path] = _generated_file_plan(path, new, request.force, "the generated handler")
    return plans


def _native_placement(
    app: Path, framework: str, webview: str, java_package: str | None
) -> tuple[AppPlacement, tuple[Notice, ...]]:
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
    text = _read(gradle).decode("utf-8", errors="replace") if gradle else ""
    facts = placement.gradle_facts(text, _main_activity(app))
    try:
        return _placed(facts, framework, webview, java_package), ()
    except placement.PlacementError as error:
        notice = Notice(f"notice: {error}; the Android files are not written")
    # Any valid package will do: the files that would carry it are dropped.
    unplaced = _placed(facts, framework, webview, "com.example.payment")
    files = tuple((key, path) for key, path in unplaced.files if key not in placement.FILE_NAMES)
    return placement.Placement(unplaced.lang, unplaced.java_package, files), (notice,)


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
