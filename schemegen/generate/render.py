"""Generation: the table of targets, the Jinja environment, view models and file headers."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from schemegen.core.header import header_lines
from schemegen.generate import escape

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class Target:
    """One generated file: where it goes, which template makes it, how it comments.

    `platform` is android, ios, web, or mobile (a file both apps use, emitted when either is
    selected); `frameworks` holds the `--framework` values that emit the file.
    """

    key: str
    path: str
    template: str
    platform: str
    lang: str
    comment: str
    frameworks: frozenset[str]


FRAMEWORKS = ("native", "flutter", "react-native", "expo", "capacitor")
EVERY_FRAMEWORK = frozenset(FRAMEWORKS)
# Expo regenerates the native folders at prebuild: its config plugin replaces the fragments.
FRAGMENT_FRAMEWORKS = EVERY_FRAMEWORK - {"expo"}
NATIVE = frozenset({"native"})
REACT_NATIVE = frozenset({"react-native", "expo"})
FLUTTER = frozenset({"flutter"})
CAPACITOR = frozenset({"capacitor"})
# The Android router: the native client and the Flutter and Capacitor glue all call it.
LAUNCHER_FRAMEWORKS = NATIVE | FLUTTER | CAPACITOR
FLUTTER_WEBVIEWS = ("webview_flutter", "inappwebview")
FLUTTER_WEBVIEW_KEYS = {"webview_flutter": "dart-webview", "inappwebview": "dart-inappwebview"}

# `{prefix}` in a path is replaced by --class-prefix.
TARGETS: tuple[Target, ...] = (
    Target(
        "manifest",
        "android/AndroidManifest.fragment.xml",
        "android/manifest.xml.jinja",
        "android",
        "xml",
        "xml",
        FRAGMENT_FRAMEWORKS,
    ),
    # One folder per language: either folder alone compiles in an app module.
    Target(
        "java",
        "android/java/{prefix}PaymentWebViewClient.java",
        "android/handler.java.jinja",
        "android",
        "java",
        "slash",
        NATIVE,
    ),
    Target(
        "java-launcher",
        "android/java/{prefix}PaymentUrlLauncher.java",
        "android/launcher.java.jinja",
        "android",
        "java",
        "slash",
        LAUNCHER_FRAMEWORKS,
    ),
    Target(
        "kotlin",
        "android/kotlin/{prefix}PaymentWebViewClient.kt",
        "android/handler.kt.jinja",
        "android",
        "kotlin",
        "slash",
        NATIVE,
    ),
    Target(
        "kotlin-launcher",
        "android/kotlin/{prefix}PaymentUrlLauncher.kt",
        "android/launcher.kt.jinja",
        "android",
        "kotlin",
        "slash",
        LAUNCHER_FRAMEWORKS,
    ),
    Target(
        "plist",
        "ios/Info.plist.fragment.xml",
        "ios/plist.xml.jinja",
        "ios",
        "xml",
        "xml",
        FRAGMENT_FRAMEWORKS,
    ),
    # One folder per language: either folder alone goes into an app target.
    Target(
        "swift",
        "ios/swift/{prefix}PaymentWebViewHandler.swift",
        "ios/handler.swift.jinja",
        "ios",
        "swift",
        "slash",
        NATIVE,
    ),
    Target(
        "objc-header",
        "ios/objc/{prefix}PaymentWebViewHandler.h",
        "ios/handler.h.jinja",
        "ios",
        "objc",
        "slash",
        NATIVE,
    ),
    Target(
        "objc",
        "ios/objc/{prefix}PaymentWebViewHandler.m",
        "ios/handler.m.jinja",
        "ios",
        "objc",
        "slash",
        NATIVE,
    ),
    Target(
        "js",
        "web/request_pay.js",
        "web/request_pay.js.jinja",
        "web",
        "js",
        "slash",
        EVERY_FRAMEWORK,
    ),
    Target(
        "ts",
        "react-native/paymentUrls.ts",
        "react-native/paymentUrls.ts.jinja",
        "mobile",
        "ts",
        "slash",
        REACT_NATIVE,
    ),
    Target(
        "tsx",
        "react-native/PaymentWebView.tsx",
        "react-native/PaymentWebView.tsx.jinja",
        "mobile",
        "tsx",
        "slash",
        REACT_NATIVE,
    ),
    Target(
        "expo-plugin",
        "expo/withSchemegenPayment.js",
        "expo/withSchemegenPayment.js.jinja",
        "mobile",
        "js",
        "slash",
        frozenset({"expo"}),
    ),
    Target(
        "dart",
        "flutter/payment_urls.dart",
        "flutter/payment_urls.dart.jinja",
        "mobile",
        "dart",
        "slash",
        FLUTTER,
    ),
    Target(
        "dart-webview",
        "flutter/payment_webview.dart",
        "flutter/payment_webview.dart.jinja",
        "mobile",
        "dart",
        "slash",
        FLUTTER,
    ),
    Target(
        "dart-inappwebview",
        "flutter/payment_inappwebview.dart",
        "flutter/payment_inappwebview.dart.jinja",
        "mobile",
        "dart",
        "slash",
        FLUTTER,
    ),
    Target(
        "kotlin-channel",
        "android/kotlin/PaymentChannel.kt",
        "flutter/payment_channel.kt.jinja",
        "android",
        "kotlin",
        "slash",
        FLUTTER,
    ),
    Target(
        "java-channel",
        "android/java/PaymentChannel.java",
        "flutter/payment_channel.java.jinja",
        "android",
        "java",
        "slash",
        FLUTTER,
    ),
    Target(
        "capacitor-plugin",
        "android/java/PaymentPlugin.java",
        "capacitor/payment_plugin.java.jinja",
        "android",
        "java",
        "slash",
        CAPACITOR,
    ),
    Target(
        "capacitor-plugin-kotlin",
        "android/kotlin/PaymentPlugin.kt",
        "capacitor/payment_plugin.kt.jinja",
        "android",
        "kotlin",
        "slash",
        CAPACITOR,
    ),
    Target(
        "capacitor-config",
        "capacitor/capacitor.config.fragment.ts",
        "capacitor/capacitor.config.ts.jinja",
        "mobile",
        "ts",
        "slash",
        CAPACITOR,
    ),
)

LANGS = ("java", "kotlin", "swift", "objc")
PLATFORMS = ("android", "ios", "web")
APP_PLATFORMS = frozenset({"android", "ios"})
# Schemes the iOS handlers load inside the web view; every other scheme is handed to iOS.
IOS_WEB_SCHEMES = ("http", "https", "about", "data", "blob", "javascript", "file")


@dataclass(frozen=True)
class View:
    """Everything a template may use; every string is validated before it gets here."""

    registry_version: str
    app_scheme: str
    app_scheme_url: str
    java_package: str
    class_prefix: str
    packages: tuple[str, ...]
    query_schemes: tuple[str, ...]
    scheme_packages: tuple[tuple[str, str], ...]
    scheme_store_ids: tuple[tuple[str, str], ...]
    pg: str
    pay_method: str
    imp_code: str
    redirect_url: str
    web_sdk: str
    store_id: str
    channel_key: str
    v2_pay_method: str = "CARD"
    v2_easy_pay_provider: str = ""
    # Options the JS call needs but was not given: it throws naming them instead of paying.
    missing_options: tuple[str, ...] = ()
    ios_web_schemes: tuple[str, ...] = IOS_WEB_SCHEMES
    allow_http_content: bool = False
    ios_query_limit: int = 25
    activity: str = ".MainActivity"
    # Capacitor `server.allowNavigation`: (pg code, host pattern, source) and the PGs with none.
    pg_hosts: tuple[tuple[str, str, str], ...] = ()
    pgs_without_hosts: tuple[str, ...] = ()
    redirect_host: str = "shop.example.com"


@cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("schemegen", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        java_string=escape.java_string,
        kotlin_string=escape.kotlin_string,
        swift_string=escape.swift_string,
        objc_string=escape.objc_string,
        js_string=escape.js_string,
        dart_string=escape.dart_string,
        line_comment=escape.line_comment,
        xml=escape.xml_text,
    )
    return env


def target_path(target: Target, class_prefix: str) -> str:
    return target.path.replace("{prefix}", class_prefix)


def render_body(target: Target, view: View) -> str:
    template = environment().get_template(target.template)
    context: Mapping[str, object] = {
        f.name: getattr(view, f.name) for f in dataclasses.fields(view)
    }
    return template.render(context)


def with_header(target: Target, body: str, version: str) -> str:
    """Prefix `body` with the generated-file header (after an XML declaration, if any)."""
    header = "\n".join(header_lines(target.comment, version, body)) + "\n"
    if body.startswith("<?xml"):
        declaration, _, rest = body.partition("\n")
        return declaration + "\n" + header + rest
    return header + body
