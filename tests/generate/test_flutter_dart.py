"""The Flutter Dart files: golden files, tree-sitter-dart syntax, and API names from upstream."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import sample_view
from dart_api import dartnames

from schemegen.generate import escape
from schemegen.generate.render import TARGETS, View, render_body, target_path, with_header
from schemegen.generate.views import Options, build_view
from schemegen.registry import validate
from schemegen.registry.selection import Criteria

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
NAMES = json.loads((TESTS / "dart_api" / "names.json").read_text(encoding="utf-8"))
TARGET = {target.key: target for target in TARGETS}
DART = tuple(t.key for t in TARGETS if t.lang == "dart")
WEBVIEWS = ("dart-webview", "dart-inappwebview")

# Dart and Flutter SDK names the generated files use. No Dart or Flutter SDK checkout fits
# here, so unlike the package lists these are kept by hand, not extracted from a source.
SDK_NAMES = frozenset(
    {
        # dart:core
        "Future", "Map", "Set", "String", "Object", "bool", "Uri", "RegExp", "override",
        "contains", "firstMatch", "group", "parse", "tryParse", "scheme", "host", "path",
        "toLowerCase", "startsWith", "endsWith", "call",
        # dart:async, dart:io
        "unawaited", "Platform", "isAndroid",
        # package:flutter/services.dart
        "MethodChannel", "invokeMapMethod", "PlatformException",
        # package:flutter/widgets.dart
        "BuildContext", "State", "StatefulWidget", "StatelessWidget", "Widget", "widget",
    }
)  # fmt: skip
PACKAGE_IMPORT = re.compile(r"import 'package:([a-z_]+)/")

HOSTILE = "pwned\"'$x ${x} \\ \n\r\u2028 */ /* \U0001f600"


def real_view(webview: str = "webview_flutter") -> View:
    options = Options(app_scheme="myshop", framework="flutter", flutter_webview=webview)
    view, _ = build_view(validate.load(), Criteria(), options)
    return view


def hostile_view() -> View:
    return sample_view(
        app_scheme=HOSTILE,
        java_package="com.example.hostile",
        scheme_store_ids=((HOSTILE, HOSTILE), ("ispmobile", "id369125087")),
    )


VIEWS = {"sample": sample_view, "real": real_view, "hostile": hostile_view}


def body(key: str, view: View) -> str:
    return render_body(TARGET[key], view)


def unknown_names(sources: dict[str, str]) -> dict[str, list[str]]:
    """Per file, the names used that neither the files, the SDK nor an imported package declare.

    Names after a `.` are checked against the packages' members and the files' own top-level
    and class-level declarations: a local variable of the same name does not count there.
    """
    parser = dartnames.parser()
    trees = {name: parser.parse(text.encode("utf-8")) for name, text in sources.items()}
    own = set().union(*(dartnames.declared(tree) for tree in trees.values()))
    own_members = set().union(*(dartnames.declared_members(tree) for tree in trees.values()))
    out: dict[str, list[str]] = {}
    for name, tree in trees.items():
        imported: set[str] = set()
        for package in PACKAGE_IMPORT.findall(sources[name]):
            if package in NAMES:
                imported |= set(NAMES[package]["names"])
        members, labels, others = dartnames.used(tree)
        known = SDK_NAMES | imported
        missing = (members - own_members - known) | ((labels | others) - own - known)
        if missing:
            out[name] = sorted(missing)
    return out


def flutter_sources(webview: str, view: View) -> dict[str, str]:
    return {key: body(key, view) for key in ("dart", webview)}


# --- golden files -------------------------------------------------------------------------


@pytest.mark.parametrize("key", DART)
def test_golden(key: str) -> None:
    target = TARGET[key]
    path = GOLDEN / target_path(target, "")
    text = with_header(target, body(key, sample_view()), "2026.11.0")
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if not path.is_file():
        pytest.fail(f"{path} is missing; create it with SCHEMEGEN_UPDATE_GOLDEN=1")
    assert path.read_bytes().decode("utf-8") == text


# --- syntax -------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("key", DART)
def test_parses_without_errors(key: str, view: str) -> None:
    target = TARGET[key]
    text = with_header(target, body(key, VIEWS[view]()), "2026.11.0")
    tree = dartnames.parser().parse(text.encode("utf-8"))
    assert dartnames.syntax_errors(tree) == []
    assert not tree.root_node.has_error


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("return PaymentUrlKind.web;", "return PaymentUrlKind.web"),
        ("const Map<String, String> _appStoreIds = <String, String>{", "const Map<String"),
        ("'itms-apps://apps.apple.com/app/$id'", "'itms-apps://apps.apple.com/app/$id"),
    ],
    ids=["missing-semicolon", "broken-declaration", "unterminated-string"],
)
def test_syntax_check_catches_errors(old: str, new: str) -> None:
    source = body("dart", sample_view())
    assert old in source
    tree = dartnames.parser().parse(source.replace(old, new, 1).encode("utf-8"))
    assert dartnames.syntax_errors(tree) != []


def test_hostile_values_stay_inside_string_literals() -> None:
    source = body("dart", hostile_view())
    assert escape.dart_string(HOSTILE) in source
    tree = dartnames.parser().parse(source.encode("utf-8"))
    assert dartnames.syntax_errors(tree) == []
    data = source.encode("utf-8")
    literals = [
        (n.start_byte, n.end_byte)
        for n in dartnames.walk(tree.root_node)
        if n.type == "string_literal"
    ]
    for match in re.finditer(rb"pwned", data):
        assert any(start <= match.start() < end for start, end in literals)
    assert not any(ch in source for ch in "\r\u2028\U0001f600")


# --- API names ----------------------------------------------------------------------------


def test_name_lists_carry_provenance() -> None:
    for package in ("webview_flutter", "flutter_inappwebview", "url_launcher"):
        entry = NAMES[package]
        assert entry["repository"].startswith("https://github.com/")
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"])
        assert entry["paths"]
        assert entry["files"] > 0
        assert entry["names"] == sorted(set(entry["names"]))


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("webview", WEBVIEWS)
def test_every_package_name_used_exists_upstream(webview: str, view: str) -> None:
    assert unknown_names(flutter_sources(webview, VIEWS[view]())) == {}


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("dart-inappwebview", "useShouldOverrideUrlLoading:", "useShouldOverrideUrlLoadin:"),
        ("dart-inappwebview", "request.url.rawValue", "request.url.rawValu"),
        (
            "dart-inappwebview",
            "WebResourceRequest request",
            "LoadResourceWithCustomSchemeRequest r",
        ),
        ("dart-webview", "NavigationDecision.prevent", "NavigationDecision.preventt"),
        ("dart-webview", "..setJavaScriptMode(", "..setJavascriptMode("),
        ("dart", "LaunchMode.externalApplication", "LaunchMode.externalAplication"),
    ],
)
def test_name_check_catches_a_misspelt_member(key: str, old: str, new: str) -> None:
    webview = key if key in WEBVIEWS else "dart-webview"
    sources = flutter_sources(webview, sample_view())
    assert old in sources[key]
    sources[key] = sources[key].replace(old, new)
    misspelt = re.findall(r"[A-Za-z]+", new)
    found = unknown_names(sources)
    assert list(found) == [key]
    assert set(found[key]) <= set(misspelt)
    assert found[key]


# --- same rules as the native router -------------------------------------------------------


def string_set(source: str, start: str, end: str) -> set[str]:
    """The quoted lower-case words between `start` and the next `end`."""
    tail = source[source.index(start) :]
    return set(re.findall(r"[\"']([a-z]+)[\"']", tail[: tail.index(end)]))


def test_web_schemes_match_the_native_router() -> None:
    """The Dart set is the Kotlin router's: the launcher's where generated, else the client's."""
    dart = string_set(body("dart", sample_view()), "_webViewSchemes = ", "};")
    native = TARGET.get("kotlin-launcher", TARGET["kotlin"])
    kotlin = string_set(render_body(native, sample_view()), "WEBVIEW_SCHEMES =", ")")
    assert dart == kotlin
    assert {"http", "https", "about", "javascript", "data", "blob", "file", "content"} == dart


def hosts(source: str, start: str, end: str) -> set[str]:
    """The quoted host names between `start` and the next `end`."""
    tail = source[source.index(start) :]
    return set(re.findall(r"[\"']((?:[a-z0-9-]+\.)+[a-z]+)[\"']", tail[: tail.index(end)]))


def test_store_web_hosts_match_the_native_launcher() -> None:
    dart = hosts(body("dart", sample_view()), "bool _isStoreWebUrl(", "\n}\n")
    assert dart == {"play.google.com", "onesto.re", "onestore.co.kr"}
    if "kotlin-launcher" in TARGET:
        kotlin = render_body(TARGET["kotlin-launcher"], sample_view())
        assert hosts(kotlin, "fun isStoreWebUrl(", "\n        }") == dart


def test_app_store_table_is_the_registry_table() -> None:
    view = real_view()
    source = body("dart", view)
    table = source[source.index("_appStoreIds") : source.index("};", source.index("_appStoreIds"))]
    rows = re.findall(r'^  ("[^"]*"): ("[^"]*"),$', table, re.MULTILINE)
    expected = [(escape.dart_string(s), escape.dart_string(i)) for s, i in view.scheme_store_ids]
    assert rows == expected
    assert len(rows) > 10


@pytest.mark.parametrize("webview", WEBVIEWS)
def test_android_launches_go_through_the_channel_never_url_launcher(webview: str) -> None:
    sources = flutter_sources(webview, sample_view())
    urls = sources["dart"]
    opener = urls[urls.index("Future<PaymentHandoff> openExternalPaymentUrl") :]
    android = opener[opener.index("if (Platform.isAndroid)") : opener.index("final Uri? uri")]
    assert "paymentChannel.invokeMapMethod<String, String>(\n      'openUrl'" in android
    assert "launchUrl" not in android
    assert 'MethodChannel("com.example.shop.payment/payment")' in urls
    names = set().union(*dartnames.used(dartnames.parser().parse(urls.encode("utf-8"))))
    assert not {"canLaunch", "canLaunchUrl", "canLaunchUrlString"} & names
    assert "await openExternalPaymentUrl(url, mainFrame: mainFrame)" in sources[webview]
    assert "launchUrl" not in sources[webview]


def test_inappwebview_settings() -> None:
    source = body("dart-inappwebview", sample_view())
    for expected in (
        "useShouldOverrideUrlLoading: true",
        "resourceCustomSchemes: const <String>['intent']",
        "navigationAction.request.url?.rawValue",
        "await controller.stopLoading();",
        "_openExternal(controller, request.url.rawValue, false)",
    ):
        assert expected in source


@pytest.mark.parametrize(
    ("url", "web"),
    [
        ("https://pay.example.com/", True),
        ("HTTP://pay.example.com/", True),
        ("about:blank", True),
        ("javascript:void(0)", True),
        ("intent://x#Intent;scheme=ispmobile;end", False),
        ("ispmobile://x", False),
        ("myshop://result", False),
        ("market://details?id=x", False),
    ],
)
def test_regexes_split_web_from_app_urls(url: str, web: bool) -> None:
    """The Java regexes in the settings, run with Python's re (same syntax for these)."""
    source = body("dart-inappwebview", sample_view())
    web_url = re.search(r"_webUrl = r'([^']*)'", source)
    app_url = re.search(r"_appUrl =\n      r'([^']*)'", source)
    assert web_url is not None
    assert app_url is not None
    assert (re.fullmatch(web_url.group(1), url) is not None) is web
    assert (re.fullmatch(app_url.group(1), url) is not None) is not web
