"""Project detection: the framework, and which manifest, plist or Expo config `apply` edits."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schemegen.core import jsonc
from schemegen.core.atomic import WriteError, check_inside
from schemegen.core.parsing import ReadError, read_limited
from schemegen.lint.expo import JS_CONFIGS, is_config_name

ANDROID_APP = Path("android/app/src/main/AndroidManifest.xml")
SKIP_DIRS = frozenset({"build", ".gradle", "Pods", "node_modules", "DerivedData", ".git", ".build"})
BUILD_PROPERTIES = "expo-build-properties"


class DetectError(Exception):
    """No single answer: the message says what was found and which option chooses."""


class ExpoJsConfig(DetectError):
    """An Expo app configured in JavaScript: print what to add instead of editing it."""

    def __init__(self, config: str) -> None:
        super().__init__(config)
        self.config = config


@dataclass(frozen=True)
class Project:
    kind: str
    root: Path
    android: Path | None = None
    ios: Path | None = None
    expo: Path | None = None
    notes: tuple[str, ...] = ()
    build_properties: bool = False  # expo-build-properties resolves from the app's package.json

    def describe(self) -> str:
        files = [p for p in (self.android, self.ios, self.expo) if p is not None]
        shown = ", ".join(_rel(p, self.root) for p in files) or "no files"
        return f"project: {self.kind} ({shown})"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def detect(
    root: Path,
    android_manifest: str | None = None,
    ios_plist: str | None = None,
    *,
    framework: str | None = None,
) -> Project:
    """Find the files `apply` edits under `root`; explicit paths win over detection.

    The candidates are the files `schemegen lint` finds under `root` (same walk, same
    skipped folders), so both commands see one project; a candidate that cannot be read
    stops detection with its path and line.
    """
    if not root.is_dir():
        raise DetectError(f"{root} is not a directory")
    chosen_android = _explicit(root, android_manifest)
    chosen_ios = _explicit(root, ios_plist)
    kind = _kind(root)
    files = [Path(name) for name in _discover(root)]
    if framework != "native" and chosen_android is None and chosen_ios is None:
        app = expo_app(root, files)
        if app is not None:
            return _expo_project(root, app)
    manifests, plists = ([], []) if android_manifest and ios_plist else _candidates(root, files)
    android = chosen_android if android_manifest else _android(root, kind, manifests)
    ios = chosen_ios if ios_plist else _ios(root, kind, plists)
    if android is None and ios is None:
        raise DetectError(
            f"no app AndroidManifest.xml or Info.plist found under {root}; "
            "pass --android-manifest or --ios-plist"
        )
    if kind == "native":
        kind = _kind(_app_folder(root, android, ios))
    return Project(kind, root, android=android, ios=ios)


def detect_framework(root: Path) -> tuple[str, str]:
    """The `--framework` value for the project at `root`, and the file that shows it."""
    if not root.is_dir():
        raise DetectError(f"{root} is not a directory")
    kind = _kind(root)
    capacitor = next(
        (
            f"capacitor.config.{ext}"
            for ext in ("json", "ts", "js")
            if (root / f"capacitor.config.{ext}").is_file()
        ),
        "@capacitor/core in package.json",
    )
    if kind == "Flutter":
        return "flutter", "pubspec.yaml"
    if kind == "Capacitor/Ionic":
        return "capacitor", capacitor
    expo = expo_config(root)
    if expo is not None:
        return "expo", expo
    if kind == "React Native":
        return "react-native", "react-native in package.json"
    return "native", "no Flutter, React Native, Expo or Capacitor project files"


def expo_config(root: Path) -> str | None:
    """The Expo app config of `root` (app.json with an `expo` key or expo installed, or
    app.config.*), or None."""
    app_json = root / "app.json"
    # package.json first: a broken app.json of an Expo app is reported where it is edited
    if app_json.is_file() and ("expo" in _dependencies(root) or "expo" in _app_json_keys(app_json)):
        return "app.json"
    return next((name for name in JS_CONFIGS if (root / name).is_file()), None)


def is_expo_app(folder: Path) -> bool:
    """An app.config.*, or an app.json with Expo in package.json (or an `expo` key)."""
    return expo_config(folder) is not None


def expo_app(root: Path, files: Sequence[Path]) -> Path | None:
    """The Expo app at `root`, or the single one among `files` (a monorepo's apps/x)."""
    if is_expo_app(root):
        return root
    folders = {p.parent for p in files if is_config_name(p.name) and is_expo_app(p.parent)}
    return _choose(sorted(folders), root, "Expo app", "a path to the app folder")


def _discover(root: Path) -> list[str]:
    """What `schemegen lint` finds under `root`: one walk serves both commands."""
    from schemegen.lint.run import discover

    return discover([root])[0]


def _expo_project(root: Path, app: Path) -> Project:
    js = [name for name in JS_CONFIGS if (app / name).is_file()]
    if not (app / "app.json").is_file():
        raise ExpoJsConfig(_rel(app / js[0], root))
    notes = []
    if js:
        notes.append(
            f"{_rel(app / js[0], root)} may override app.json: Expo uses what it returns, so "
            "it must pass on the `config` it is given"
        )
    native = [name for name in ("android", "ios") if (app / name).is_dir()]
    if native:
        notes.append(
            f"`expo prebuild` regenerates {' and '.join(f'{n}/' for n in native)} from app.json; "
            "if you edit them by hand instead (a bare project), rerun with --framework native"
        )
    kind = "Expo (prebuild)" if native else "Expo (managed)"
    build_properties = BUILD_PROPERTIES in dependencies(app)
    return Project(
        kind, root, expo=app / "app.json", notes=tuple(notes), build_properties=build_properties
    )


def dependencies(folder: Path) -> set[str]:
    """The dependencies and devDependencies of `folder`'s package.json (none when unreadable)."""
    return _dependencies(folder)


def _candidates(root: Path, files: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The app manifests and app Info.plists among `files` (lint's discovery under `root`)."""
    from schemegen.core.documents import Manifest, Plist, Unreadable
    from schemegen.core.parsing import read_document

    manifests: list[Path] = []
    plists: list[Path] = []
    for name in files:
        if is_config_name(name.name):
            continue  # an Expo config (here with --framework native): not a native file
        doc = read_document(name, _rel(name, root))
        if isinstance(doc, Unreadable):
            where = f":{doc.problem.line}" if doc.problem.line is not None else ""
            raise DetectError(f"{doc.path}{where}: {doc.problem.message}; nothing was changed")
        if isinstance(doc, Manifest) and not doc.is_library:
            manifests.append(name)
        elif isinstance(doc, Plist) and doc.is_app and not _is_test_bundle(name):
            plists.append(name)
    return manifests, plists


def _is_test_bundle(path: Path) -> bool:
    return path.parent.name.endswith(("Tests", "Test")) or path.name.endswith("Tests-Info.plist")


def _app_folder(root: Path, *files: Path | None) -> Path:
    """The folder holding the app's android/ or ios/ folder (for a nested app), else root."""
    for path in files:
        if path is None:
            continue
        for parent in path.parents:
            if parent.name in ("android", "ios") and parent.parent.is_relative_to(root):
                return parent.parent
    return root


def _explicit(root: Path, name: str | None) -> Path | None:
    if name is None:
        return None
    path = Path(name)
    if not path.is_absolute() and not path.exists():
        path = root / path
    if not path.is_file():
        problem = "is not a regular file" if path.exists() else "no such file"
        raise DetectError(f"{name}: {problem}")
    return path


def _kind(root: Path) -> str:
    native = (root / "android").is_dir() or (root / "ios").is_dir()
    if (root / "pubspec.yaml").is_file():
        return "Flutter"
    if any((root / f"capacitor.config.{ext}").is_file() for ext in ("json", "ts", "js")):
        return "Capacitor/Ionic"
    dependencies = _dependencies(root)
    app_json = (root / "app.json").is_file() and (
        "expo" in dependencies or "expo" in _app_json_keys(root / "app.json")
    )
    kinds = (
        (
            not native and (app_json or any((root / n).is_file() for n in JS_CONFIGS)),
            "Expo (managed)",
        ),
        ("react-native" in dependencies or "expo" in dependencies, "React Native"),
        ("@capacitor/core" in dependencies or "@ionic/angular" in dependencies, "Capacitor/Ionic"),
        (native, "cross-platform"),
    )
    return next((kind for found, kind in kinds if found), "native")


def _dependencies(root: Path) -> set[str]:
    """Names under `dependencies` and `devDependencies` of package.json (none if unreadable)."""
    try:
        tree = jsonc.parse(read_limited(root / "package.json").decode("utf-8"))
    except (ReadError, UnicodeDecodeError, jsonc.JsoncError):
        return set()
    names: set[str] = set()
    for key in ("dependencies", "devDependencies"):
        section = jsonc.find(tree, key)
        if section is not None and section.kind is jsonc.Kind.OBJECT:
            names.update(m.key for m in section.members)
    return names


def _app_json_keys(path: Path) -> set[str]:
    """Top-level keys of app.json, read as Expo reads it; a broken file is an error here."""
    try:
        text = read_limited(path).decode("utf-8")
    except ReadError as error:
        raise DetectError(str(error)) from None
    except UnicodeDecodeError as error:
        raise DetectError(f"{path}: not UTF-8 (byte {error.start})") from None
    try:
        tree = jsonc.parse(text)
    except jsonc.JsoncError as error:
        raise DetectError(f"{error.located(str(path))}; fix app.json first") from None
    return {m.key for m in tree.members}


def _choose(found: Sequence[Path], root: Path, what: str, option: str) -> Path | None:
    unique = sorted(dict.fromkeys(found))
    if len(unique) > 1:
        listed = ", ".join(_rel(p, root) for p in unique)
        raise DetectError(f"several {what} candidates: {listed}; choose one with {option}")
    return unique[0] if unique else None


def _walk(root: Path, pattern: str) -> list[Path]:
    return [
        p
        for p in root.rglob(pattern)
        if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(root).parts)
    ]


def _android(root: Path, kind: str, manifests: Sequence[Path]) -> Path | None:
    # The conventional path wins even when discovery left it out (a symlink to a file
    # elsewhere): writing refuses it then, unless --follow-symlinks.
    if (root / ANDROID_APP).is_file() and (kind != "native" or root / ANDROID_APP in manifests):
        return root / ANDROID_APP
    main = [p for p in manifests if p.parent.name == "main" and p.parent.parent.name == "src"]
    return _choose(main or manifests, root, "AndroidManifest.xml", "--android-manifest")


def _ios(root: Path, kind: str, plists: Sequence[Path]) -> Path | None:
    fixed = {"Flutter": "ios/Runner/Info.plist", "Capacitor/Ionic": "ios/App/App/Info.plist"}
    if kind in fixed and (root / fixed[kind]).is_file():
        return root / fixed[kind]
    projects = [p for p in _walk(root, "project.pbxproj") if p.parent.suffix == ".xcodeproj"]
    used: list[Path] = []
    generated: list[Path] = []
    for pbxproj in projects:
        listed, generates = infoplist_files(pbxproj, root)
        used += [p for p in listed if p.is_file()]
        if generates and not listed:
            generated.append(pbxproj)
    found = [p for p in plists if p in used] or list(plists)
    if not found and generated:
        raise DetectError(
            f"{_rel(generated[0].parent, root)} generates its Info.plist from build settings "
            "(GENERATE_INFOPLIST_FILE = YES, no INFOPLIST_FILE): create an Info.plist in the app "
            "folder, set the target's INFOPLIST_FILE build setting to it (Xcode merges it with the "
            "generated keys), then rerun apply, or pass --ios-plist"
        )
    return _choose(found, root, "Info.plist", "--ios-plist")


_SETTING = re.compile(
    r"\b(INFOPLIST_FILE|GENERATE_INFOPLIST_FILE)\s*=\s*(\"(?:[^\"\\]|\\.)*\"|[^;\s]+)\s*;"
)


def infoplist_files(pbxproj: Path, root: Path | None = None) -> tuple[list[Path], bool]:
    """Info.plist paths the targets of an Xcode project use, and whether any target generates one.

    Test targets are left out: their plists are not the app's. A path that resolves outside
    `root` (`../..`, an absolute path, a symlinked folder) is refused, naming the line.
    """
    try:
        text = read_limited(pbxproj).decode("utf-8", errors="replace")
    except ReadError:
        return [], False
    srcroot = pbxproj.parent.parent
    plists: list[Path] = []
    generates = False
    for match in _SETTING.finditer(text):
        name, raw = match.groups()
        value = raw.strip('"').replace('\\"', '"')
        if name == "GENERATE_INFOPLIST_FILE":
            generates = generates or value == "YES"
            continue
        for variable in ("$(SRCROOT)/", "${SRCROOT}/", "$(PROJECT_DIR)/", "${PROJECT_DIR}/"):
            value = value.removeprefix(variable)
        if "$" in value or re.search(r"Tests?(/|-Info|\.plist$)", value):
            continue
        path = Path(os.path.normpath(srcroot / value))
        if root is not None:
            line = text.count("\n", 0, match.start()) + 1
            _refuse_outside(path, root, f"{pbxproj}:{line}: INFOPLIST_FILE `{value}`")
        plists.append(path)
    return list(dict.fromkeys(plists)), generates


def _refuse_outside(path: Path, root: Path, what: str) -> None:
    lexical = Path(os.path.normpath(Path.cwd() / path))
    real = Path(os.path.realpath(path))
    inside = lexical.is_relative_to(os.path.normpath(Path.cwd() / root))
    if not (inside and real.is_relative_to(os.path.realpath(root))):
        raise DetectError(
            f"{what} resolves outside the project root {root} (to {real}); "
            "apply never edits files outside it"
        )


def check_paths(project: Project, *, follow_symlinks: bool, given: Sequence[Path] = ()) -> None:
    """Refuse a file outside the root (or the folders in `given`), or that leads out by links."""
    for path in (project.android, project.ios, project.expo):
        if path is None:
            continue
        try:
            check_inside(path, [project.root, *given], follow_symlinks=follow_symlinks)
        except WriteError as error:
            raise DetectError(str(error)) from None


def expo_js_instructions(config: str, scheme: str, plugin: str) -> str:
    """What to add to an app.config.js/ts by hand (we never edit JavaScript)."""
    body = {"scheme": scheme, "plugins": [plugin]}
    return (
        f"{config} is JavaScript, which schemegen does not edit. Merge this into the object it "
        f"exports (keep a `scheme` list if it has one):\n"
        f"{json.dumps(body, indent=2, ensure_ascii=False)}\n"
    )
