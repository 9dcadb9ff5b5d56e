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
from schemegen.core.documents import ReadError, read_limited

ANDROID_APP = Path("android/app/src/main/AndroidManifest.xml")
SKIP_DIRS = frozenset({"build", ".gradle", "Pods", "node_modules", "DerivedData", ".git", ".build"})
EXPO_JS_CONFIGS = ("app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs")


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
    root: Path, android_manifest: str | None = None, ios_plist: str | None = None
) -> Project:
    """Find the files `apply` edits under `root`; explicit paths win over detection."""
    if not root.is_dir():
        raise DetectError(f"{root} is not a directory")
    chosen_android = _explicit(root, android_manifest)
    chosen_ios = _explicit(root, ios_plist)
    kind = _kind(root)
    if kind == "Expo (managed)" and chosen_android is None and chosen_ios is None:
        if (root / "app.json").is_file():
            return Project(kind, root, expo=root / "app.json")
        config = next(name for name in EXPO_JS_CONFIGS if (root / name).is_file())
        raise ExpoJsConfig(config)
    android = chosen_android if android_manifest else _android(root, kind)
    ios = chosen_ios if ios_plist else _ios(root, kind)
    if android is None and ios is None:
        raise DetectError(
            f"no AndroidManifest.xml or Info.plist found under {root}; "
            "pass --android-manifest or --ios-plist"
        )
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
    installed = "expo" in _dependencies(root)
    if (root / "app.json").is_file() and ("expo" in _app_json_keys(root / "app.json") or installed):
        return "app.json"
    return next((name for name in EXPO_JS_CONFIGS if (root / name).is_file()), None)


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
            not native and (app_json or any((root / n).is_file() for n in EXPO_JS_CONFIGS)),
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


def _android(root: Path, kind: str) -> Path | None:
    if kind != "native":
        return root / ANDROID_APP if (root / ANDROID_APP).is_file() else None
    found = [
        p
        for p in _walk(root, "AndroidManifest.xml")
        if p.parent.name == "main" and p.parent.parent.name == "src" and _has_launcher(p)
    ]
    return _choose(found, root, "AndroidManifest.xml", "--android-manifest")


def _has_launcher(path: Path) -> bool:
    try:
        return b"android.intent.category.LAUNCHER" in read_limited(path)
    except ReadError:
        return False


def _ios(root: Path, kind: str) -> Path | None:
    fixed = {"Flutter": "ios/Runner/Info.plist", "Capacitor/Ionic": "ios/App/App/Info.plist"}
    if kind in fixed and (root / fixed[kind]).is_file():
        return root / fixed[kind]
    base = root / "ios" if kind != "native" and (root / "ios").is_dir() else root
    projects = [p for p in _walk(base, "project.pbxproj") if p.parent.suffix == ".xcodeproj"]
    found: list[Path] = []
    generated: list[Path] = []
    for pbxproj in projects:
        plists, generates = infoplist_files(pbxproj, root)
        found += [p for p in plists if p.is_file()]
        if generates and not plists:
            generated.append(pbxproj)
    if not found and generated:
        raise DetectError(
            f"{_rel(generated[0].parent, root)} generates its Info.plist from build settings "
            "(GENERATE_INFOPLIST_FILE = YES, no INFOPLIST_FILE): create an Info.plist in the app "
            "folder, set the target's INFOPLIST_FILE build setting to it (Xcode merges it with the "
            "generated keys), then rerun apply, or pass --ios-plist"
        )
    if not projects and kind != "native":
        found = [p for p in (base.glob("*/Info.plist")) if not p.parent.name.endswith("Tests")]
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
