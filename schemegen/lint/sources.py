"""The app schemes a project's own source passes to the payment call, and PackageManager use."""

# ruff: noqa: PTH123

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schemegen.core.documents import MAX_BYTES

if TYPE_CHECKING:
    from tree_sitter import Node as TsNode

# Grammar per file suffix: (module of the `schemegen[sources]` extra, its language function).
GRAMMARS = {
    ".js": ("tree_sitter_javascript", "language"),
    ".jsx": ("tree_sitter_javascript", "language"),
    ".mjs": ("tree_sitter_javascript", "language"),
    ".cjs": ("tree_sitter_javascript", "language"),
    ".ts": ("tree_sitter_typescript", "language_typescript"),
    ".tsx": ("tree_sitter_typescript", "language_tsx"),
    ".html": ("tree_sitter_javascript", "language"),  # the <script> elements
    ".htm": ("tree_sitter_javascript", "language"),
    ".java": ("tree_sitter_java", "language"),
    ".kt": ("tree_sitter_kotlin", "language"),
    ".swift": ("tree_sitter_swift", "language"),
}
DART = ".dart"
SUFFIXES = frozenset((*GRAMMARS, DART))
# Calls that ask the PackageManager (or canOpenURL, which asks it on Android) before opening.
PACKAGE_MANAGER_CALLS = frozenset(
    {
        "resolveActivity",
        "queryIntentActivities",
        "getLaunchIntentForPackage",
        "getPackageInfo",
        "getApplicationInfo",
        "canOpenURL",
        "canLaunchUrl",
        "canLaunch",
    }
)
# Node types that bind a name to a value, in the grammars above.
_BINDINGS = frozenset(
    {
        "pair",
        "jsx_attribute",
        "assignment_expression",
        "variable_declarator",
        "property_declaration",
        "value_argument",
        "assignment",
        "public_field_definition",
    }
)
_INTERPOLATION = ("template_substitution", "interpolation", "interpolated_expression")
# Most source files mention neither: they are not parsed at all.
_WORTH_PARSING = re.compile("(?i)app_?scheme|" + "|".join(sorted(PACKAGE_MANAGER_CALLS)))
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_DART_STRING = r"(?:'([^'\\$\n]*)'|\"([^\"\\$\n]*)\")"
_DART_NAMED = re.compile(r"\b(app_?[sS]cheme)\s*:\s*(?:" + _DART_STRING + r"|([A-Za-z_$][\w$.]*))")
_DART_CONST = re.compile(
    r"\b(?:const|final|static|var)\s+(?:String\s+)?([A-Za-z_$][\w$]*)\s*=\s*" + _DART_STRING
)
_DART_CALLS = re.compile(r"\b(canLaunchUrl|canLaunchUrlString|canLaunch)\s*\(")


@dataclass(frozen=True)
class Found:
    """A value (or a call) found in source: what, in which file, at which 1-based line."""

    value: str
    path: str
    line: int


class MissingGrammar(Exception):
    """The `schemegen[sources]` extra (tree-sitter grammars) is not installed."""


def is_source(name: str) -> bool:
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in SUFFIXES


def scan(path: str) -> tuple[list[Found], list[Found]]:
    """(app schemes passed to the payment call, PackageManager calls) in one source file."""
    text = _read(path)
    if text is None or _WORTH_PARSING.search(text) is None:
        return [], []
    suffix = path[path.rfind(".") :].lower()
    if suffix == DART:
        return _dart(text, path)
    if suffix in (".html", ".htm"):
        schemes: list[Found] = []
        calls: list[Found] = []
        for match in _SCRIPT.finditer(text):
            offset = text.count("\n", 0, match.start(1))
            found = _tree_sitter(match.group(1), path, suffix, offset)
            schemes += found[0]
            calls += found[1]
        return schemes, calls
    return _tree_sitter(text, path, suffix, 0)


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    return None if len(data) > MAX_BYTES else data.decode("utf-8", errors="replace")


# --- tree-sitter ---------------------------------------------------------------------------------

_PARSERS: dict[str, Any] = {}


def _parser(suffix: str) -> Any:
    module_name, function = GRAMMARS[suffix]
    key = f"{module_name}.{function}"
    if key not in _PARSERS:
        import importlib

        try:
            import tree_sitter

            module = importlib.import_module(module_name)
        except ImportError as error:
            raise MissingGrammar(str(error)) from None
        _PARSERS[key] = tree_sitter.Parser(tree_sitter.Language(getattr(module, function)()))
    return _PARSERS[key]


def _tree_sitter(text: str, path: str, suffix: str, offset: int) -> tuple[list[Found], list[Found]]:
    tree = _parser(suffix).parse(text.encode("utf-8"))
    nodes = list(_walk(tree.root_node))
    constants: dict[str, str] = {}
    bindings: list[tuple[str, TsNode, TsNode]] = []
    for node in nodes:
        for name, value in _binding(node):
            bindings.append((name, node, value))
            literal = _literal(value)
            if literal is not None:
                constants.setdefault(name, literal)
    schemes: list[Found] = []
    for name, node, value in bindings:
        if not _is_app_scheme(name):
            continue
        resolved = _literal(value)
        reference = value.type.endswith("identifier") or value.type.startswith(
            ("navigation_expression", "member_expression", "field_access")
        )
        if resolved is None and reference:
            resolved = constants.get(_last_name(value) or "")
        if resolved is not None:
            schemes.append(Found(resolved, path, node.start_point[0] + 1 + offset))
    calls = [
        Found(_text(node), path, node.start_point[0] + 1 + offset)
        for node in nodes
        if node.type in ("identifier", "property_identifier", "simple_identifier")
        and _text(node) in PACKAGE_MANAGER_CALLS
    ]
    return schemes, calls


def _walk(root: TsNode) -> Iterator[TsNode]:
    pending = [root]
    while pending:
        node = pending.pop()
        yield node
        pending += reversed(node.named_children)


def _text(node: TsNode) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def _binding(node: TsNode) -> Iterator[tuple[str, TsNode]]:
    """(name, value node) when `node` binds a name: `app_scheme: 'x'`, `val appScheme = "x"`."""
    if node.type == "method_invocation":  # Java: map.put("app_scheme", "x"), b.appScheme("x")
        yield from _java_call(node)
        return
    if node.type not in _BINDINGS:
        return
    children = [
        c for c in node.named_children if c.type not in ("modifiers", "value_binding_pattern")
    ]
    if len(children) < 2:
        return
    name = _last_name(children[0])
    if name is not None:
        yield name, children[-1]


def _java_call(node: TsNode) -> Iterator[tuple[str, TsNode]]:
    name = node.child_by_field_name("name")
    arguments = node.child_by_field_name("arguments")
    if name is None or arguments is None:
        return
    args = arguments.named_children
    method = _text(name)
    if method.startswith("put") and len(args) == 2:
        key = _literal(args[0])
        if key is not None:
            yield key, args[1]
    elif len(args) == 1:
        yield method.removeprefix("set"), args[0]


def _last_name(node: TsNode) -> str | None:
    """The identifier a name-ish node ends with (`o.app_scheme` -> `app_scheme`)."""
    if node.type.endswith("identifier") and not node.named_children:
        return _text(node)
    literal = _literal(node)
    if literal is not None:  # a quoted key: {"app_scheme": ...}
        return literal
    for child in reversed(node.named_children):
        found = _last_name(child)
        if found is not None:
            return found
    return None


def _literal(node: TsNode) -> str | None:
    """The text of a plain string literal (no interpolation), else None."""
    if "string" not in node.type or node.type.endswith(("_content", "_fragment", "_text")):
        return None
    if any(c.type in _INTERPOLATION for c in _walk(node)):
        return None
    parts = [
        _text(c) for c in _walk(node) if c.type.endswith(("_fragment", "_content", "str_text"))
    ]
    if parts:
        return "".join(parts)
    raw = _text(node)
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"`" else None


def _is_app_scheme(name: str) -> bool:
    return name.replace("_", "").lower().endswith("appscheme")


# --- Dart: no well-kept grammar on PyPI, so a precise pattern -------------------------------


def _dart(text: str, path: str) -> tuple[list[Found], list[Found]]:
    """`appScheme: 'x'` / `app_scheme: "x"` (named arguments of iamport_flutter, portone_flutter)
    or `appScheme: kConstant` with `const kConstant = 'x'` in the same file."""
    code = _strip_dart_comments(text)
    constants = {m.group(1): m.group(2) or m.group(3) or "" for m in _DART_CONST.finditer(code)}
    schemes = []
    for match in _DART_NAMED.finditer(code):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value is None:
            value = constants.get(match.group(4).rsplit(".", 1)[-1])
        if value is not None:
            schemes.append(Found(value, path, code.count("\n", 0, match.start()) + 1))
    calls = [
        Found(m.group(1), path, code.count("\n", 0, m.start()) + 1)
        for m in _DART_CALLS.finditer(code)
    ]
    return schemes, calls


def _strip_dart_comments(text: str) -> str:
    """`text` with comments blanked out (newlines kept, so lines stay), strings untouched."""
    out: list[str] = []
    pattern = re.compile(
        r"//[^\n]*|/\*.*?\*/|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.DOTALL
    )
    pos = 0
    for match in pattern.finditer(text):
        out.append(text[pos : match.start()])
        token = match.group(0)
        out.append(token if token[0] in "'\"" else re.sub(r"[^\n]", " ", token))
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def scan_all(paths: Sequence[str]) -> tuple[list[Found], list[Found], bool]:
    """Every source's app schemes and PackageManager calls; False when grammars are missing."""
    schemes: list[Found] = []
    calls: list[Found] = []
    complete = True
    for path in paths:
        try:
            found = scan(path)
        except MissingGrammar:
            complete = False
            continue
        schemes += found[0]
        calls += found[1]
    return schemes, calls, complete
