"""The iOS handlers (Swift, Objective-C) parse cleanly, route as designed and escape every value."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import urllib.parse
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import tree_sitter_objc
import tree_sitter_swift
import yaml
from conftest import require_tool, sample_view
from tree_sitter import Language, Node, Parser, Tree

from schemegen.generate import escape
from schemegen.generate.render import TARGETS, View, render_body, with_header
from schemegen.generate.views import Options, build_view, generate
from schemegen.registry.selection import Criteria
from schemegen.registry.validate import load as load_registry

GOLDEN = Path(__file__).resolve().parent / "golden" / "ios"
TARGET = {target.key: target for target in TARGETS}
IOS_KEYS = ("swift", "objc-header", "objc")
GOLDEN_NAMES = {
    "swift": "PaymentWebViewHandler.swift",
    "objc-header": "PaymentWebViewHandler.h",
    "objc": "PaymentWebViewHandler.m",
}
STRING_LITERALS = {
    "swift": {"line_string_literal", "multi_line_string_literal", "raw_string_literal"},
    "objc": {"string_literal", "char_literal"},
}
WEB_SCHEMES = ("http", "https", "about", "data", "blob", "javascript", "file")

# tree-sitter does not run the preprocessor, and its Objective-C grammar stumbles over these
# SDK macros; each is replaced by its expansion from the SDK headers, one line for one line.
OBJC_MACROS = (
    (re.compile(r"^NS_ASSUME_NONNULL_BEGIN$", re.MULTILINE), "#pragma clang assume_nonnull begin"),
    (re.compile(r"^NS_ASSUME_NONNULL_END$", re.MULTILINE), "#pragma clang assume_nonnull end"),
    (
        re.compile(r"\bNS_ENUM\((\w+), (\w+)\)"),
        r"enum __attribute__((enum_extensibility(open))) \2 : \1 \2; enum \2 : \1",
    ),
)

HOSTILE = (
    '"; exit(1); let x = "',
    "*/ /* comment",
    "\\(UIApplication.shared.open(evil))",
    "line\u2028separator\u2029paragraph",
    "new\nline\r\nand\ttab",
    "%@%n%s",
    "??=??/??'",
    "back\\slash\\",
    '\\"\\\\"',
    "} ]; @end #import <x>",
    "한글",
)
# C and Objective-C reject universal character names below U+00A0 and in the surrogate range
# (C11 6.4.3p2), so these need octal escapes and `\U0001f600` instead of a surrogate pair.
C_ESCAPES = ("nul\x00", "bell\x07", "del\x7f", "nel\x85", "emoji \U0001f600")


@cache
def parser(lang: str) -> Parser:
    grammar = tree_sitter_swift if lang == "swift" else tree_sitter_objc
    return Parser(Language(grammar.language()))


def preprocess(source: str, lang: str) -> str:
    if lang == "objc":
        for pattern, expansion in OBJC_MACROS:
            source = pattern.sub(expansion, source)
    return source


def parse(source: str, lang: str) -> Tree:
    return parser(lang).parse(preprocess(source, lang).encode("utf-8"))


def first_error(root: Node) -> Node | None:
    """The first ERROR or MISSING node in source order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def syntax_error(source: str, lang: str) -> str | None:
    """A readable description of the first syntax error, or None when there is none."""
    node = first_error(parse(source, lang).root_node)
    if node is None:
        return None
    row, column = node.start_point
    what = f"missing `{node.type}`" if node.is_missing else "syntax error"
    line = source.split("\n")[row]
    return f"{what} at line {row + 1}, column {column + 1}: {line.strip()!r}"


def assert_parses(source: str, lang: str) -> None:
    error = syntax_error(source, lang)
    assert error is None, error


def walk(node: Node, skip: Collection[str] = ()) -> Iterator[Node]:
    """Every node in source order, without descending into node types in `skip`."""
    yield node
    if node.type not in skip:
        for child in node.children:
            yield from walk(child, skip)


def text(node: Node) -> str:
    assert node.text is not None
    return node.text.decode("utf-8")


def code_tokens(tree: Tree, lang: str) -> set[str]:
    """The leaf tokens outside comments and string literals."""
    skip = {"comment", *STRING_LITERALS[lang]}
    return {
        text(node)
        for node in walk(tree.root_node, skip)
        if node.child_count == 0 and node.type not in skip
    }


def literals(tree: Tree, lang: str) -> list[Node]:
    kinds = STRING_LITERALS[lang]
    return [node for node in walk(tree.root_node, kinds) if node.type in kinds]


def skeleton(source: str, lang: str) -> str:
    """The source with every string literal replaced by a placeholder."""
    data = preprocess(source, lang).encode("utf-8")
    out, end = [], 0
    for node in literals(parser(lang).parse(data), lang):
        out += [data[end : node.start_byte].decode("utf-8"), "<literal>"]
        end = node.end_byte
    return "".join(out) + data[end:].decode("utf-8")


def lang_of(key: str) -> str:
    return TARGET[key].lang


def render(key: str, view: View) -> str:
    target = TARGET[key]
    return with_header(target, render_body(target, view), view.registry_version)


def hostile_view(values: tuple[str, ...]) -> View:
    pairs = tuple((value, value) for value in values)
    return sample_view(
        app_scheme="".join(values), registry_version=values[0], scheme_store_ids=pairs
    )


# --- the checker itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "source", "line"),
    [
        ("swift", "func f() {\n    let x = (1 +\n}\n", 2),
        ("swift", 'let ok = 1\nlet s = "a" "b"\nlet t = 2\n', 2),
        ("swift", "final class A {\n    func f() {\n        return\n    }\n", 5),
        ("objc", "@implementation A\n- (void)f {\n    [self g:];\n}\n@end\n", 3),
        ("objc", 'static NSString *const k = @"a;\nint x;\n', 1),
        ("objc", "@interface A : NSObject\n- (void)f:(NSURL *)url\n@end\n", 2),
    ],
)
def test_checker_reports_broken_code_with_its_line(lang: str, source: str, line: int) -> None:
    error = syntax_error(source, lang)
    assert error is not None
    assert f"at line {line}," in error


@pytest.mark.parametrize(
    ("lang", "source"),
    [
        ("swift", 'let s = "a\\(b)"\n'),
        (
            "objc",
            "NS_ASSUME_NONNULL_BEGIN\n\ntypedef NS_ENUM(NSInteger, A) {\n    AOne,\n};\n\n"
            "NS_ASSUME_NONNULL_END\n",
        ),
    ],
)
def test_checker_accepts_valid_code(lang: str, source: str) -> None:
    assert_parses(source, lang)


# --- golden files and syntax -------------------------------------------------------------


@pytest.mark.parametrize("key", IOS_KEYS)
def test_golden(key: str) -> None:
    path = GOLDEN / GOLDEN_NAMES[key]
    rendered = render(key, sample_view())
    if os.environ.get("SCHEMEGEN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8", newline="")
    assert path.read_text(encoding="utf-8") == rendered, (
        f"{path.name} drifted; rerun with SCHEMEGEN_UPDATE_GOLDEN=1 and review the diff"
    )


@pytest.mark.parametrize("key", IOS_KEYS)
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"class_prefix": "Shop"},
        {"scheme_store_ids": ()},
        {"scheme_store_ids": (("ispmobile", "id369125087"),)},
    ],
    ids=["sample", "prefix", "no-store-ids", "one-store-id"],
)
def test_parses_without_errors(key: str, overrides: dict[str, object]) -> None:
    assert_parses(render(key, sample_view(**overrides)), lang_of(key))


def test_objc_implementation_imports_its_header() -> None:
    view = sample_view(class_prefix="Shop")
    source = render("objc", view)
    header = render("objc-header", view)
    assert '#import "ShopPaymentWebViewHandler.h"' in source
    assert (
        "@interface ShopPaymentWebViewHandler : NSObject <WKNavigationDelegate, WKUIDelegate>"
        in header
    )
    assert "@implementation ShopPaymentWebViewHandler" in source


# --- structure ---------------------------------------------------------------------------


def swift_tree(view: View | None = None) -> Tree:
    return parse(render("swift", view or sample_view()), "swift")


def swift_functions(tree: Tree) -> dict[str, Node]:
    """Functions by Swift signature name, e.g. `webView(_:decidePolicyFor:decisionHandler:)`."""
    functions = {}
    for node in walk(tree.root_node):
        if node.type != "function_declaration":
            continue
        labels = [text(p.children[0]) for p in node.children if p.type == "parameter"]
        name = node.child_by_field_name("name")
        assert name is not None
        functions[f"{text(name)}({''.join(label + ':' for label in labels)})"] = node
    return functions


def swift_calls(tree: Tree, callee: str) -> list[list[str]]:
    """The argument labels of every call whose callee text ends with `callee`."""
    calls = []
    for node in walk(tree.root_node):
        if node.type == "call_expression" and text(node.children[0]).endswith(callee):
            arguments = next(n for n in walk(node.children[1]) if n.type == "value_arguments")
            labels = [
                text(arg.children[0]) if arg.children[0].type == "value_argument_label" else "_"
                for arg in arguments.children
                if arg.type == "value_argument"
            ]
            calls.append(labels)
    return calls


def objc_selectors(tree: Tree) -> list[str]:
    """Every selector sent in a message expression, e.g. `openURL:options:completionHandler:`."""
    selectors = []
    for node in walk(tree.root_node):
        if node.type != "message_expression":
            continue
        children = node.children
        keywords = [
            text(child)
            for child, after in itertools.pairwise(children)
            if child.type == "identifier" and after.type == ":"
        ]
        selectors.append("".join(k + ":" for k in keywords) or text(children[-2]))
    return selectors


SWIFT_DELEGATE_METHODS = {
    "webView(_:decidePolicyFor:decisionHandler:)",
    "webView(_:createWebViewWith:for:windowFeatures:)",
    "webViewDidClose(_:)",
    "webView(_:runJavaScriptAlertPanelWithMessage:initiatedByFrame:completionHandler:)",
    "webView(_:runJavaScriptConfirmPanelWithMessage:initiatedByFrame:completionHandler:)",
    "webView(_:runJavaScriptTextInputPanelWithPrompt:defaultText:initiatedByFrame:completionHandler:)",
}


def test_swift_implements_the_delegate_methods() -> None:
    functions = swift_functions(swift_tree())
    assert {
        *SWIFT_DELEGATE_METHODS,
        "route(_:)",
        "appStoreURL(forScheme:)",
        "bankTransferContinuation(for:)",
        "transferRedirect(for:)",
        "configure(_:)",
        "handleOpenURL(_:)",
    } <= set(functions)
    configure = text(functions["configure(_:)"])
    assert "HTTPCookieStorage.shared.cookieAcceptPolicy = .always" in configure
    assert "webView.configuration.preferences.javaScriptCanOpenWindowsAutomatically = true" in (
        configure
    )
    assert "self.webView = webView" in configure


def test_swift_routing_is_pure() -> None:
    functions = swift_functions(swift_tree())
    for name in ("route(_:)", "appStoreURL(forScheme:)"):
        body = text(functions[name])
        assert body.startswith("nonisolated static func"), name
        assert "UIApplication" not in body
        assert "WKWebView" not in body


@pytest.mark.parametrize("key", IOS_KEYS)
def test_no_can_open_url_no_ui_web_view(key: str) -> None:
    tokens = code_tokens(parse(render(key, sample_view()), lang_of(key)), lang_of(key))
    assert "canOpenURL" not in tokens
    assert "UIWebView" not in tokens
    assert "customUserAgent" not in tokens
    assert "applicationNameForUserAgent" not in tokens


def test_swift_opens_with_options_and_completion() -> None:
    calls = swift_calls(swift_tree(), ".open")
    assert calls == [["_", "options", "completionHandler"]] * 2


def test_objc_opens_with_options_and_completion() -> None:
    selectors = objc_selectors(parse(render("objc", sample_view()), "objc"))
    opens = [selector for selector in selectors if selector.startswith("openURL")]
    assert opens == ["openURL:options:completionHandler:"] * 2


def test_objc_implements_the_delegate_methods() -> None:
    source = render("objc", sample_view())
    tokens = code_tokens(parse(source, "objc"), "objc")
    assert {
        "decidePolicyForNavigationAction",
        "createWebViewWithConfiguration",
        "webViewDidClose",
        "runJavaScriptAlertPanelWithMessage",
        "runJavaScriptConfirmPanelWithMessage",
        "runJavaScriptTextInputPanelWithPrompt",
        "bankTransferContinuationForURL",
        "transferRedirectForURL",
        "actionForURL",
        "appStoreURLForScheme",
        "configureWebView",
        "handleOpenURL",
        "UIAlertController",
        "NSHTTPCookieAcceptPolicyAlways",
    } <= tokens


def test_header_declares_nullability() -> None:
    header = render("objc-header", sample_view())
    lines = header.split("\n")
    begin, end = lines.index("NS_ASSUME_NONNULL_BEGIN"), lines.index("NS_ASSUME_NONNULL_END")
    interface = next(i for i, line in enumerate(lines) if line.startswith("@interface"))
    assert begin < interface < end
    assert "+ (nullable NSURL *)appStoreURLForScheme:(NSString *)scheme;" in header


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_web_schemes_are_allowed(key: str) -> None:
    lang = lang_of(key)
    tree = parse(render(key, sample_view()), lang)
    quote = escape.swift_string if lang == "swift" else escape.objc_string
    found = {text(node) for node in literals(tree, lang)}
    assert {quote(scheme) for scheme in WEB_SCHEMES} <= found


def test_swift_store_table_matches_the_view() -> None:
    view = sample_view()
    tree = swift_tree(view)
    table = next(
        node
        for node in walk(tree.root_node)
        if node.type == "property_declaration"
        and "appStoreIDs" in {text(child) for child in walk(node)}
    )
    entries = [
        text(node)
        for node in literals(tree, "swift")
        if node.parent is not None
        and node.parent.type == "dictionary_literal"
        and node.start_byte >= table.start_byte
        and node.end_byte <= table.end_byte
    ]
    assert entries == [
        escape.swift_string(value) for pair in view.scheme_store_ids for value in pair
    ]


def test_objc_store_table_matches_the_view() -> None:
    view = sample_view()
    tree = parse(render("objc", view), "objc")
    pairs = [
        tuple(text(child) for child in node.children if child.type == "string_literal")
        for node in walk(tree.root_node)
        if node.type == "dictionary_pair"
    ]
    assert pairs == [
        (escape.objc_string(scheme), escape.objc_string(store_id))
        for scheme, store_id in view.scheme_store_ids
    ]


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_app_store_url_format(key: str) -> None:
    source = render(key, sample_view())
    quote = escape.swift_string if key == "swift" else escape.objc_string
    assert quote("itms-apps://apps.apple.com/app/") in source
    assert "itunes.apple.com" not in source


@pytest.mark.parametrize("key", IOS_KEYS)
def test_entry_point_is_documented(key: str) -> None:
    source = render(key, sample_view())
    if key == "swift":
        assert "func scene(_ scene: UIScene, openURLContexts URLContexts:" in source
        assert "open url: URL," in source
    elif key == "objc-header":
        assert "- (void)scene:(UIScene *)scene openURLContexts:" in source
        assert "- (BOOL)application:(UIApplication *)app" in source
    assert "myshop" not in skeleton(source, lang_of(key)), "app_scheme outside a literal"


# --- the URL table, the scheme tables and the fixed routing shape -----------------------------

URL_CASES = Path(__file__).resolve().parent.parent / "url_cases.yaml"
STORE_PREFIX = "itms-apps://apps.apple.com/app/"

# The routing functions, literals masked and whitespace collapsed: every decision they make
# comes from the tables above them, so checking the tables checks the routing.
SWIFT_SHAPES = {
    "route(_:)": "nonisolated static func route(_ url: URL) -> Action { guard let scheme = "
    "url.scheme?.lowercased(), !webSchemes.contains(scheme) else { return .allow } if scheme == "
    "appScheme.lowercased() { return .paymentReturn(url) } return .openExternal(url) }",
    "appStoreURL(forScheme:)": "nonisolated static func appStoreURL(forScheme scheme: String) -> "
    "URL? { guard let id = appStoreIDs[scheme.lowercased()] else { return nil } return "
    "URL(string: <literal> + id) }",
}
OBJC_SHAPES = {
    "actionForURL": "+ (PaymentWebViewAction)actionForURL:(NSURL *)url { NSString *scheme = "
    "url.scheme.lowercaseString; if (scheme == nil || [self.webSchemes containsObject:scheme]) { "
    "return PaymentWebViewActionAllow; } if ([scheme isEqualToString:self.appScheme."
    "lowercaseString]) { return PaymentWebViewActionPaymentReturn; } return "
    "PaymentWebViewActionOpenExternal; }",
    "appStoreURLForScheme": "+ (nullable NSURL *)appStoreURLForScheme:(NSString *)scheme { "
    "NSString *appID = self.appStoreIDs[scheme.lowercaseString]; if (appID == nil) { return nil; "
    "} return [NSURL URLWithString:[<literal> stringByAppendingString:appID]]; }",
}


def shape(node: Node, lang: str) -> str:
    """The node's source with string literals masked and whitespace collapsed."""
    return " ".join(skeleton(text(node), lang).split())


def swift_table(tree: Tree, name: str) -> list[str]:
    """The string literals in the initializer of the static property `name`."""
    for node in walk(tree.root_node):
        pattern = node.child_by_field_name("name") if node.type == "property_declaration" else None
        if pattern is not None and text(pattern) == name:
            return [text(n) for n in literals_in(node, "swift")]
    raise AssertionError(f"no property {name}")


def objc_method(tree: Tree, name: str) -> Node:
    for node in walk(tree.root_node):
        if node.type == "method_definition":
            names = [text(c) for c in node.children if c.type == "identifier"]
            if names[:1] == [name]:
                return node
    raise AssertionError(f"no method {name}")


def literals_in(node: Node, lang: str) -> list[Node]:
    kinds = STRING_LITERALS[lang]
    return [n for n in walk(node, kinds) if n.type in kinds]


def objc_table(tree: Tree, name: str) -> list[str]:
    return [text(n) for n in literals_in(objc_method(tree, name), "objc")]


@dataclass(frozen=True)
class Tables:
    """The values the iOS routers decide with, read back out of a generated file."""

    app_scheme: str
    web_schemes: frozenset[str]
    store_ids: dict[str, str]


def tables_of(key: str, view: View) -> Tables:
    """Check that `key`'s tables hold exactly the view's values, then return those values."""
    tree = parse(render(key, view), lang_of(key))
    if key == "swift":
        quote = escape.swift_string
        app = swift_table(tree, "appScheme")
        web = swift_table(tree, "webSchemes")
        store = swift_table(tree, "appStoreIDs")
    else:
        quote = escape.objc_string
        app = objc_table(tree, "appScheme")
        web = objc_table(tree, "webSchemes")
        store = objc_table(tree, "appStoreIDs")
    assert app == [quote(view.app_scheme)]
    assert sorted(web) == sorted(quote(s) for s in view.ios_web_schemes)
    assert len(set(web)) == len(web)
    assert store == [quote(value) for pair in view.scheme_store_ids for value in pair]
    return Tables(view.app_scheme, frozenset(view.ios_web_schemes), dict(view.scheme_store_ids))


# What UIApplication.open finds on every iPhone, whatever the scenario: the dialer and mail for
# the system schemes, the App Store for its own links.
SYSTEM_SCHEMES = frozenset({"tel", "mailto", "sms"})
APP_STORE_SCHEMES = frozenset({"itms-apps", "itms-appss"})


def ios_outcome(url: str, tables: Tables, installed: frozenset[str]) -> dict[str, Any]:
    """What the pinned routing shape does with `url` when the apps behind `installed` are there:
    route(_:), then UIApplication.open, then the App Store page from appStoreIDs."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if not scheme or scheme in tables.web_schemes:
        return {"action": "web"}
    if scheme == tables.app_scheme.lower():
        outcome: dict[str, Any] = {"action": "return", "url": url}
        if (next_page := bank_transfer_continuation(url)) is not None:
            outcome["continue"] = next_page
        if (redirect := transfer_redirect(url)) is not None:
            outcome["redirect"] = redirect
        return outcome
    return open_outcome(url, scheme, tables, installed)


def open_outcome(
    url: str, scheme: str, tables: Tables, installed: frozenset[str]
) -> dict[str, Any]:
    """openExternal: UIApplication.open, and the App Store page when nothing opened the URL."""
    if scheme in SYSTEM_SCHEMES:
        return {"action": "external", "url": url}
    if scheme in APP_STORE_SCHEMES:
        return {"action": "store", "url": url}
    if scheme in installed:
        return {"action": "launch", "url": url, "package": None}
    store_id = tables.store_ids.get(scheme)
    if store_id is not None:
        return {"action": "store", "url": STORE_PREFIX + store_id}
    return {"action": "not_installed", "scheme": scheme, "package": None}


def bank_transfer_continuation(url: str) -> str | None:
    """bankTransferContinuation(for:): `callbackparam1` + `?` + the return's query, https only."""
    query = urllib.parse.urlsplit(url).query
    values = dict(urllib.parse.parse_qsl(query))
    page = values.get("callbackparam1")
    if not query or page is None:
        return None
    target = page + ("&" if "?" in page else "?") + query
    return target if urllib.parse.urlsplit(target).scheme == "https" else None


def transfer_redirect(url: str) -> str | None:
    """transferRedirect(for:): the decoded `m_redirect_url`, the other pairs as its query."""
    rest = urllib.parse.unquote(url.split(":", 1)[1].lstrip("/?"))
    pairs = urllib.parse.parse_qsl(rest)
    redirect = next((value for name, value in pairs if name == "m_redirect_url"), None)
    if redirect is None or urllib.parse.urlsplit(redirect).scheme != "https":
        return None
    others = [(name, value) for name, value in pairs if name != "m_redirect_url"]
    glue = "&" if "?" in redirect else "?"
    return redirect + glue + urllib.parse.urlencode(others)


@cache
def url_table() -> dict[str, Any]:
    table: dict[str, Any] = yaml.safe_load(URL_CASES.read_text(encoding="utf-8"))
    return table


def url_cases() -> list[dict[str, Any]]:
    return [case for case in url_table()["cases"] if "ios" in case["platforms"]]


def installed_schemes(scenario: str) -> frozenset[str]:
    """`installed` has every app of the table's `apps`; `missing` has none of them."""
    if scenario == "missing":
        return frozenset()
    return frozenset(scheme for app in url_table()["apps"] for scheme in app["schemes"])


@cache
def registry_view() -> View:
    """The view `generate --app-scheme myshop` renders, from the shipped registry."""
    return build_view(load_registry(), Criteria(), Options(app_scheme="myshop"))[0]


def test_url_table_has_ios_cases_in_ios_scenarios() -> None:
    assert len(url_cases()) >= 15
    for case in url_cases():
        assert set(case["expect_ios"]) <= {"installed", "missing"}, case["id"]
        assert "installed" in case["expect_ios"], case["id"]
        assert not case["url"].lower().startswith("intent:"), case["id"]


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_routing_functions_have_the_fixed_shape(key: str) -> None:
    view = sample_view()
    tree = parse(render(key, view), lang_of(key))
    if key == "swift":
        functions = swift_functions(tree)
        found = {name: shape(functions[name], "swift") for name in SWIFT_SHAPES}
        assert found == SWIFT_SHAPES
    else:
        found = {name: shape(objc_method(tree, name), "objc") for name in OBJC_SHAPES}
        assert found == OBJC_SHAPES


@pytest.mark.parametrize("key", ["swift", "objc"])
@pytest.mark.parametrize("case", url_cases(), ids=lambda case: case["id"])
def test_url_cases(key: str, case: dict[str, Any]) -> None:
    tables = tables_of(key, sample_view())
    expected = case["expect_ios"]
    for scenario in ("installed", "missing"):
        want = expected.get(scenario, expected["installed"])
        got = ios_outcome(case["url"], tables, installed_schemes(scenario))
        assert got == want, scenario


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_the_registry_tables_reach_the_files(key: str) -> None:
    view = registry_view()
    tables = tables_of(key, view)
    assert len(tables.store_ids) == len(view.scheme_store_ids) > 20
    assert tables.store_ids["ispmobile"] == "id369125087"


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_tables_follow_the_view(key: str) -> None:
    view = sample_view(
        app_scheme="shop2",
        ios_web_schemes=("https", "about"),
        scheme_store_ids=(("ispmobile", "id369125087"),),
    )
    tables = tables_of(key, view)
    assert ios_outcome("http://a.example/", tables, frozenset()) == {
        "action": "not_installed",
        "scheme": "http",
        "package": None,
    }
    assert ios_outcome("shop2://x", tables, frozenset()) == {"action": "return", "url": "shop2://x"}


def test_shape_check_notices_a_changed_router() -> None:
    source = render("swift", sample_view()).replace(
        "if scheme == appScheme.lowercased()",
        'if scheme == appScheme.lowercased() || scheme == "x"',
    )
    route = swift_functions(parse(source, "swift"))["route(_:)"]
    assert shape(route, "swift") != SWIFT_SHAPES["route(_:)"]


# --- delegate method names against the SDK ---------------------------------------------------

DELEGATE_METHODS = Path(__file__).resolve().parent / "ios_delegate_methods.txt"


def sdk_delegate_methods(lang: str) -> set[str]:
    lines = DELEGATE_METHODS.read_text(encoding="utf-8").splitlines()
    return {
        name
        for line in lines
        if not line.startswith("#")
        for kind, name in [line.split()]
        if kind == lang
    }


def objc_defined_selectors(source: str) -> set[str]:
    """Selectors of the methods the implementation defines, e.g. `webViewDidClose:`."""
    found = set()
    for node in walk(parse(source, "objc").root_node):
        if node.type != "method_definition":
            continue
        parts = [
            text(child)
            for child, after in itertools.pairwise(node.children)
            if child.type == "identifier" and after.type in (":", "method_parameter")
        ]
        keywords = [text(c) for c in node.children if c.type == "identifier"]
        found.add("".join(p + ":" for p in parts) if parts else keywords[0])
    return found


def test_swift_delegate_methods_are_the_sdk_names() -> None:
    functions = swift_functions(swift_tree())
    implemented = {name for name in functions if name.startswith("webView")}
    assert implemented == sdk_delegate_methods("swift") == SWIFT_DELEGATE_METHODS


def test_objc_delegate_methods_are_the_sdk_selectors() -> None:
    defined = objc_defined_selectors(render("objc", sample_view()))
    implemented = {name for name in defined if name.startswith("webView")}
    assert implemented == sdk_delegate_methods("objc")


def objc_declared_selectors(header: str) -> set[str]:
    """Methods and class properties the header declares, as selectors."""
    found = set()
    for node in walk(parse(header, "objc").root_node):
        if node.type == "method_declaration":
            parts = [
                text(child)
                for child, after in itertools.pairwise(node.children)
                if child.type == "identifier" and after.type in (":", "method_parameter")
            ]
            names = [text(c) for c in node.children if c.type == "identifier"]
            found.add("".join(p + ":" for p in parts) if parts else names[0])
        elif node.type == "property_declaration":
            found.add(text(node).rstrip(";").split("*")[-1].strip())
    return found


def test_objc_implementation_defines_what_the_header_declares() -> None:
    view = sample_view()
    declared = objc_declared_selectors(render("objc-header", view))
    assert {"webSchemes", "bankTransferContinuationForURL:", "transferRedirectForURL:"} <= declared
    missing = declared - objc_defined_selectors(render("objc", view)) - {"init", "new"}
    assert missing == set()


def test_a_misspelt_delegate_method_is_caught() -> None:
    source = render("objc", sample_view()).replace(
        "runJavaScriptTextInputPanelWithPrompt", "runJavaScriptTextInputPanelWithPromt"
    )
    implemented = {name for name in objc_defined_selectors(source) if name.startswith("webView")}
    assert implemented != sdk_delegate_methods("objc")


WEBKIT_NAMES = Path(__file__).resolve().parent / "ios_webkit_names.txt"
# Chains of WebKit members the Objective-C handler uses, checked segment by segment.
OBJC_WEBKIT_CHAINS = (
    "webView.configuration.preferences.javaScriptCanOpenWindowsAutomatically",
    "navigationAction.request.URL",
    "webView.navigationDelegate",
    "webView.UIDelegate",
    "popup.navigationDelegate",
    "popup.UIDelegate",
    "[[WKWebView alloc] initWithFrame:",
    "[webView loadRequest:",
    "[_webView loadRequest:",
)


def webkit_names(kind: str) -> set[str]:
    lines = WEBKIT_NAMES.read_text(encoding="utf-8").splitlines()
    return {line.split()[1] for line in lines if line.split()[:1] == [kind]}


@pytest.mark.parametrize("key", IOS_KEYS)
def test_webkit_type_names_are_declared_by_webkit(key: str) -> None:
    tokens = code_tokens(parse(render(key, sample_view()), lang_of(key)), lang_of(key))
    used = {token for token in tokens if re.fullmatch(r"WK[A-Z]\w*", token)}
    assert used
    assert used <= webkit_names("type"), used - webkit_names("type")


def test_objc_webkit_members_are_declared_by_webkit() -> None:
    source = render("objc", sample_view())
    members = webkit_names("member")
    for chain in OBJC_WEBKIT_CHAINS:
        assert chain in source, chain
    segments = {
        "configuration",
        "preferences",
        "javaScriptCanOpenWindowsAutomatically",
        "request",
        "navigationDelegate",
        "UIDelegate",
        "initWithFrame:configuration:",
        "loadRequest:",
    }
    assert segments <= members
    assert "initWithFrame:webView.bounds configuration:configuration]" in source


def test_a_misspelt_webkit_constant_is_caught() -> None:
    source = render("objc", sample_view()).replace(
        "WKNavigationActionPolicyAllow", "WKNavigationActionPolicyAlow"
    )
    used = {t for t in code_tokens(parse(source, "objc"), "objc") if t.startswith("WK")}
    assert not used <= webkit_names("type")


# --- popups, panels, continuation --------------------------------------------------------------


def swift_function_text(name: str) -> str:
    return text(swift_functions(swift_tree())[name])


def test_swift_popup_is_a_child_web_view_with_the_same_delegates() -> None:
    create = swift_function_text("webView(_:createWebViewWith:for:windowFeatures:)")
    assert "WKWebView(frame: webView.bounds, configuration: configuration)" in create
    assert "popup.navigationDelegate = self" in create
    assert "popup.uiDelegate = self" in create
    assert "webView.addSubview(popup)" in create
    assert "popups.append(popup)" in create
    assert "return popup" in create
    close = swift_function_text("webViewDidClose(_:)")
    assert "popups.remove(at: index)" in close
    assert "webView.removeFromSuperview()" in close


def objc_method_node(source: str, selector_piece: str) -> Node:
    """The method whose declaration names `selector_piece`."""
    for node in walk(parse(source, "objc").root_node):
        if node.type == "method_definition" and selector_piece in text(node).split("{")[0]:
            return node
    raise AssertionError(f"no method with {selector_piece}")


def objc_method_text(source: str, selector_piece: str) -> str:
    return text(objc_method_node(source, selector_piece))


def test_objc_popup_is_a_child_web_view_with_the_same_delegates() -> None:
    source = render("objc", sample_view())
    create = objc_method_text(source, "createWebViewWithConfiguration:")
    assert "initWithFrame:webView.bounds configuration:configuration]" in create
    assert "popup.navigationDelegate = self;" in create
    assert "popup.UIDelegate = self;" in create
    assert "[webView addSubview:popup];" in create
    assert "[_popups addObject:popup];" in create
    close = objc_method_text(source, "webViewDidClose:")
    assert "[_popups removeObjectIdenticalTo:webView];" in close
    assert "[webView removeFromSuperview];" in close
    configure = objc_method_text(source, "configureWebView:")
    assert "webView.configuration.preferences.javaScriptCanOpenWindowsAutomatically = YES;" in (
        configure
    )
    assert "_webView = webView;" in configure


def calls_named(root: Node, name: str) -> list[Node]:
    return [
        node
        for node in walk(root)
        if node.type == "call_expression" and text(node.children[0]).strip() == name
    ]


def guarded_by_claim(node: Node, lang: str) -> bool:
    """Inside `if answer.claim()`, or the fallback itself, which PanelAnswer calls at most once."""
    claim = "answer.claim()" if lang == "swift" else "[answer claim]"
    parent = node.parent
    while parent is not None:
        if parent.type == "if_statement" and claim in text(parent).split("{")[0]:
            return True
        if parent.type in ("call_expression", "message_expression") and (
            text(parent).startswith("PanelAnswer(fallback:") or "initWithFallback:" in text(parent)
        ):
            return True
        parent = parent.parent
    return False


def panel_methods(key: str) -> list[Node]:
    tree = parse(render(key, sample_view()), lang_of(key))
    if key == "swift":
        functions = swift_functions(tree)
        return [node for name, node in functions.items() if "runJavaScript" in name]
    return [
        node
        for node in walk(tree.root_node)
        if node.type == "method_definition" and "runJavaScript" in text(node).split("{")[0]
    ]


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_every_panel_answer_is_claimed_once(key: str) -> None:
    lang = lang_of(key)
    methods = panel_methods(key)
    assert len(methods) == 3, "alert, confirm and prompt"
    for method in methods:
        calls = calls_named(method, "completionHandler")
        assert len(calls) >= 2, text(method)[:80]
        unguarded = [text(call) for call in calls if not guarded_by_claim(call, lang)]
        assert unguarded == [], text(method)[:80]
        assert "PanelAnswer" in text(method)
        assert "Fallback" in text(method) or "fallback:" in text(method)


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_panel_claim_check_notices_a_bare_call(key: str) -> None:
    lang = lang_of(key)
    source = render(key, sample_view())
    broken = (
        source.replace("if !present(alert, over: webView), answer.claim() {", "if true {")
        if key == "swift"
        else source.replace(
            "        if ([answer claim]) {\n            completionHandler();",
            "        if (YES) {\n            completionHandler();",
            1,
        )
    )
    assert broken != source
    tree = parse(broken, lang)
    methods = [
        n
        for n in walk(tree.root_node)
        if n.type in ("function_declaration", "method_definition")
        and "runJavaScriptAlertPanel" in text(n).split("{")[0]
    ]
    calls = calls_named(methods[0], "completionHandler")
    assert not all(guarded_by_claim(call, lang) for call in calls)


def test_panel_answer_falls_back_in_deinit() -> None:
    swift = render("swift", sample_view())
    assert "deinit {\n        fallback?()\n    }" in swift
    objc = render("objc", sample_view())
    assert "- (void)dealloc {\n    if (_fallback != nil) {\n        _fallback();" in objc


def test_presentation_refuses_controllers_in_transition() -> None:
    swift = swift_function_text("present(_:over:)")
    assert "presenter.isBeingDismissed || presenter.isBeingPresented" in swift
    objc = render("objc", sample_view())
    assert "presenter.isBeingDismissed || presenter.isBeingPresented" in objc


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_popup_navigations_route_like_any_other(key: str) -> None:
    source = render(key, sample_view())
    if key == "swift":
        decide = swift_functions(parse(source, "swift"))[
            "webView(_:decidePolicyFor:decisionHandler:)"
        ]
        assert "switch Self.route(url) {" in text(decide)
    else:
        decide = objc_method_node(source, "decidePolicyForNavigationAction:")
        assert "switch ([self.class actionForURL:url]) {" in text(decide)
    tokens = {text(n) for n in walk(decide, {"comment"}) if n.child_count == 0}
    assert "targetFrame" not in tokens, "no special case for popup navigations"


def test_swift_continuations_are_wired_to_their_paths() -> None:
    handle = swift_function_text("handleOpenURL(_:)")
    assert "if awaitingReturn, let next = Self.bankTransferContinuation(for: url) {" in handle
    assert "webView?.load(URLRequest(url: next))" in handle
    decide = swift_function_text("webView(_:decidePolicyFor:decisionHandler:)")
    assert "Self.transferRedirect(for: url)" in decide
    assert "bankTransferContinuation" not in decide
    assert "awaitingReturn = true" in swift_function_text("openExternal(_:)")
    for name in ("bankTransferContinuation(for:)", "transferRedirect(for:)"):
        body = swift_function_text(name)
        assert body.startswith("nonisolated static func"), name
        assert 'target.scheme == "https"' in body


def test_objc_continuations_are_wired_to_their_paths() -> None:
    tree = parse(render("objc", sample_view()), "objc")
    handle = text(objc_method(tree, "handleOpenURL"))
    assert "_awaitingReturn ? [self.class bankTransferContinuationForURL:url] : nil" in handle
    assert "[_webView loadRequest:" in handle
    decide = objc_method_text(render("objc", sample_view()), "decidePolicyForNavigationAction:")
    assert "[self.class transferRedirectForURL:url]" in decide
    assert "bankTransferContinuation" not in decide
    assert "_awaitingReturn = YES;" in text(objc_method(tree, "openExternalURL"))


@pytest.mark.parametrize("key", ["swift", "objc"])
def test_continuation_parameters(key: str) -> None:
    source = render(key, sample_view())
    quote = escape.swift_string if key == "swift" else escape.objc_string
    found = {text(n) for n in literals(parse(source, lang_of(key)), lang_of(key))}
    assert {quote("callbackparam1"), quote("m_redirect_url"), quote("https")} <= found


@pytest.mark.parametrize("key", IOS_KEYS)
def test_cookie_comment_says_what_the_line_does(key: str) -> None:
    source = render(key, sample_view())
    if key == "objc-header":
        return
    assert "WKWebsiteDataStore.httpCookieStore" in source
    assert "keep the payment session in third-party cookies" not in source


def test_swift_has_no_lazy_chain() -> None:
    assert "lazy" not in code_tokens(swift_tree(), "swift")


def test_each_language_folder_stands_alone() -> None:
    reg = load_registry()
    for lang, folder in (("swift", "ios/swift/"), ("objc", "ios/objc/")):
        options = Options(app_scheme="myshop", platforms=("ios",), langs=(lang,))
        files = generate(reg, Criteria(), options).files
        code = sorted(name for name in files if name.startswith("ios/") and "/" in name[4:])
        assert code and all(name.startswith(folder) for name in code), code
        assert "ios/Info.plist.fragment.xml" in files
    objc = render("objc", sample_view(class_prefix="Shop"))
    imports = [line for line in objc.splitlines() if line.startswith("#import")]
    assert imports == ['#import "ShopPaymentWebViewHandler.h"']


# --- injection ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", IOS_KEYS)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_inside_literals(key: str, value: str) -> None:
    lang = lang_of(key)
    benign = hostile_view(("v0", "v1", "v2"))
    hostile = hostile_view((value, value + "x", "v2"))
    source = render_body(TARGET[key], hostile)
    assert_parses(source, lang)
    assert skeleton(source, lang) == skeleton(render_body(TARGET[key], benign), lang)
    if lang == "swift":
        tree = parse(source, lang)
        found = {text(node) for node in literals(tree, lang)}
        assert escape.swift_string(value) in found
        assert not any(node.type == "interpolated_expression" for node in walk(tree.root_node))
    elif key == "objc":
        found = {text(node) for node in literals(parse(source, lang), lang)}
        assert escape.objc_string(value) in found
        assert "??" not in source, "a trigraph could form"


def c_literals(source: str) -> list[str]:
    """Every Objective-C string literal of `source`, as the plain C literal inside the `@`."""
    return [
        text(node).removeprefix("@")
        for node in literals(parse(source, "objc"), "objc")
        if text(node).startswith('@"')
    ]


def compile_c_literals(gcc: str, source: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    lines = [f"const char *s{i} = {literal};" for i, literal in enumerate(c_literals(source))]
    path = tmp_path / "literals.c"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return subprocess.run(
        [gcc, "-std=c11", "-fsyntax-only", "-Werror", "-Wall", "-Wtrigraphs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_objc_literals_compile_as_c(tmp_path: Path) -> None:
    gcc = require_tool("gcc")
    source = render("objc", hostile_view(HOSTILE))
    result = compile_c_literals(gcc, source, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("value", C_ESCAPES)
def test_objc_control_characters_compile_as_c(value: str, tmp_path: Path) -> None:
    gcc = require_tool("gcc")
    source = render("objc", hostile_view((value,)))
    result = compile_c_literals(gcc, source, tmp_path)
    assert result.returncode == 0, result.stderr
