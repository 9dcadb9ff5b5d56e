"""Where the Flutter and Capacitor files go in a project: project facts in, relative paths out."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from schemegen.registry import schemes

# The launcher is the native router's file, shared by every framework's glue.
LAUNCHER_KEYS = {"java": "java-launcher", "kotlin": "kotlin-launcher"}
CHANNEL_KEYS = {"java": "java-channel", "kotlin": "kotlin-channel"}
PLUGIN_KEYS = {"java": "capacitor-plugin", "kotlin": "capacitor-plugin-kotlin"}
FILE_NAMES = {
    "java-launcher": "PaymentUrlLauncher.java",
    "kotlin-launcher": "PaymentUrlLauncher.kt",
    "java-channel": "PaymentChannel.java",
    "kotlin-channel": "PaymentChannel.kt",
    "capacitor-plugin": "PaymentPlugin.java",
    "capacitor-plugin-kotlin": "PaymentPlugin.kt",
}
FLUTTER_DART = {
    "dart": "lib/payment/payment_urls.dart",
    "dart-webview": "lib/payment/payment_webview.dart",
    "dart-inappwebview": "lib/payment/payment_inappwebview.dart",
}
FLUTTER_WEBVIEW_KEYS = {"webview_flutter": "dart-webview", "inappwebview": "dart-inappwebview"}
CAPACITOR_CONFIG = "capacitor.payment.ts"
# Every key `flutter` or `capacitor` may place; the keys they do not choose are left out on purpose.
PLACEABLE = frozenset({*FILE_NAMES, *FLUTTER_DART, "capacitor-config"})
ANDROID_APP = PurePosixPath("android/app")

_NAMESPACE = re.compile(r"""^\s*namespace\s*=?\s*["']([A-Za-z0-9_.]+)["']""", re.MULTILINE)
_APPLICATION_ID = re.compile(r"""^\s*applicationId\s*=?\s*["']([A-Za-z0-9_.]+)["']""", re.MULTILINE)
_KOTLIN_PLUGIN = re.compile(
    r"""kotlin-android|org\.jetbrains\.kotlin\.android|kotlin\s*\(\s*["']android["']\s*\)"""
)
_SOURCE_ROOT = re.compile(r"^(.*?/src/main/(?:java|kotlin))/")
_SNIPPET = re.compile(r"```\n(.*?) \* ```|<pre>\n(.*?) \* </pre>", re.DOTALL)


class PlacementError(ValueError):
    """The project facts do not say where a file goes; the message says which option does."""


@dataclass(frozen=True)
class AndroidFacts:
    """What `apply` read from the app module: the MainActivity source and build.gradle."""

    main_activity: str | None
    namespace: str | None
    kotlin: bool


@dataclass(frozen=True)
class Placement:
    lang: str
    java_package: str
    files: tuple[tuple[str, str], ...]
    note: str | None = None


def gradle_facts(build_gradle: str, main_activity: str | None) -> AndroidFacts:
    """Facts from the app module's build.gradle(.kts): `namespace`, else `applicationId`."""
    namespace = _NAMESPACE.search(build_gradle) or _APPLICATION_ID.search(build_gradle)
    return AndroidFacts(
        main_activity=main_activity,
        namespace=namespace.group(1) if namespace else None,
        kotlin=_KOTLIN_PLUGIN.search(build_gradle) is not None,
    )


def payment_package(facts: AndroidFacts) -> str:
    """The app's namespace plus `.payment`."""
    if facts.namespace is None:
        raise PlacementError(
            "android/app/build.gradle has no `namespace` or `applicationId`; pass --java-package"
        )
    package = f"{facts.namespace}.payment"
    if not schemes.is_java_package_name(package):
        raise PlacementError(f"namespace `{facts.namespace}` is not a Java package name")
    return package


def android_dir(facts: AndroidFacts, lang: str, package: str) -> PurePosixPath:
    """The package folder in the source root that holds MainActivity (default: by language)."""
    found = _SOURCE_ROOT.match(facts.main_activity or "")
    root = PurePosixPath(found.group(1)) if found else ANDROID_APP / "src" / "main" / lang
    return root.joinpath(*package.split("."))


def flutter_webview(pubspec: str | None) -> tuple[str, str | None]:
    """The `--flutter-webview` default from pubspec.yaml text, and a note when both are listed."""
    deps = _pubspec_dependencies(pubspec or "")
    inapp = "flutter_inappwebview" in deps
    if inapp and "webview_flutter" in deps:
        note = (
            "pubspec.yaml lists both webview_flutter and flutter_inappwebview: "
            "using flutter_inappwebview (--flutter-webview chooses)"
        )
        return "inappwebview", note
    return ("inappwebview" if inapp else "webview_flutter"), None


def chosen_flutter_webview(
    choice: str | None, project: Path, framework: str
) -> tuple[str, tuple[str, ...]]:
    """--flutter-webview, else the plugin the project's pubspec.yaml lists (Flutter only), and
    the lines that say which and why."""
    if choice is not None:
        return choice, ()
    if framework != "flutter":
        return "webview_flutter", ()
    pubspec = project / "pubspec.yaml"
    try:
        text = pubspec.read_text(encoding="utf-8") if pubspec.is_file() else None
    except (OSError, UnicodeDecodeError) as error:
        raise PlacementError(f"{pubspec}: cannot read: {error}") from None
    webview, note = flutter_webview(text)
    source = "pubspec.yaml" if text is not None else "no pubspec.yaml here"
    said = (f"notice: {note}",) if note else ()
    return webview, (*said, f"Flutter WebView: {webview} ({source})")


def _pubspec_dependencies(text: str) -> set[str]:
    """The package names under the top-level `dependencies:` key, read line by line."""
    names: set[str] = set()
    inside = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            inside = line.split("#", 1)[0].rstrip() == "dependencies:"
            continue
        entry = re.match(r"^( {2}|\t)([A-Za-z0-9_]+)\s*:", line)
        if inside and entry:
            names.add(entry.group(2))
    return names


def flutter(facts: AndroidFacts, webview: str, package: str | None = None) -> Placement:
    """Dart under `lib/payment/`, the channel and the launcher next to MainActivity."""
    lang = "kotlin" if facts.kotlin else "java"
    package = package or payment_package(facts)
    folder = android_dir(facts, lang, package)
    webview_key = FLUTTER_WEBVIEW_KEYS[webview]
    files = (
        ("dart", FLUTTER_DART["dart"]),
        (webview_key, FLUTTER_DART[webview_key]),
        (CHANNEL_KEYS[lang], str(folder / FILE_NAMES[CHANNEL_KEYS[lang]])),
        (LAUNCHER_KEYS[lang], str(folder / FILE_NAMES[LAUNCHER_KEYS[lang]])),
    )
    return Placement(lang, package, files)


def capacitor(facts: AndroidFacts, package: str | None = None) -> Placement:
    """The plugin and the launcher next to MainActivity (Java unless the module uses Kotlin)."""
    lang = "kotlin" if facts.kotlin else "java"
    package = package or payment_package(facts)
    folder = android_dir(facts, lang, package)
    files = (
        (PLUGIN_KEYS[lang], str(folder / FILE_NAMES[PLUGIN_KEYS[lang]])),
        (LAUNCHER_KEYS[lang], str(folder / FILE_NAMES[LAUNCHER_KEYS[lang]])),
        ("capacitor-config", CAPACITOR_CONFIG),
    )
    return Placement(lang, package, files)


def activity_snippet(source: str) -> str | None:
    """The code to paste into MainActivity, from a generated file's doc comment."""
    found = _SNIPPET.search(source)
    if found is None:
        return None
    block = found.group(1) if found.group(1) is not None else found.group(2)
    return html.unescape(re.sub(r"^ \* ?", "", block, flags=re.MULTILINE))
