"""The iOS handlers (Swift, Objective-C) parse cleanly, route as designed and escape every value."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path

import pytest
import tree_sitter_objc
import tree_sitter_swift
from conftest import require_tool, sample_view
from tree_sitter import Language, Node, Parser, Tree

from schemegen.generate import escape
from schemegen.generate.render import TARGETS, View, render_body, with_header

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


def test_swift_implements_the_delegate_methods() -> None:
    functions = swift_functions(swift_tree())
    assert {
        "webView(_:decidePolicyFor:decisionHandler:)",
        "webView(_:runJavaScriptAlertPanelWithMessage:initiatedByFrame:completionHandler:)",
        "webView(_:runJavaScriptConfirmPanelWithMessage:initiatedByFrame:completionHandler:)",
        "route(_:)",
        "appStoreURL(forScheme:)",
        "configure(_:)",
        "handleOpenURL(_:)",
    } <= set(functions)
    configure = text(functions["configure(_:)"])
    assert "HTTPCookieStorage.shared.cookieAcceptPolicy = .always" in configure


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
        "runJavaScriptAlertPanelWithMessage",
        "runJavaScriptConfirmPanelWithMessage",
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
