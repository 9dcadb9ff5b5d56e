"""Names a Dart source declares and names it uses, read with tree-sitter-dart."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter
import tree_sitter_dart

# Nodes whose `identifier` children are names they declare.
DECLARING = frozenset(
    {
        "class_definition",
        "mixin_declaration",
        "extension_declaration",
        "extension_type_declaration",
        "enum_declaration",
        "enum_constant",
        "type_alias",
        "constructor_signature",
        "constant_constructor_signature",
        "factory_constructor_signature",
        "redirecting_factory_constructor_signature",
        "function_signature",
        "getter_signature",
        "setter_signature",
        "formal_parameter",
        "constructor_param",
        "super_formal_parameter",
        "initialized_identifier",
        "static_final_declaration",
        "initialized_variable_definition",
        "typed_identifier",
        "type_parameter",
    }
)
# Declarations whose own name is a `type_identifier`.
TYPE_DECLARING = frozenset(
    {"type_alias", "class_definition", "mixin_declaration", "enum_declaration", "type_parameter"}
)


def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_dart.language()))


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8")


def syntax_errors(tree: tree_sitter.Tree) -> list[str]:
    """`line:column type` of every ERROR or MISSING node."""
    return [
        f"{n.start_point[0] + 1}:{n.start_point[1] + 1} {'MISSING' if n.is_missing else n.type}"
        for n in walk(tree.root_node)
        if n.is_error or n.is_missing
    ]


CONSTRUCTORS = frozenset(
    {
        "constructor_signature",
        "constant_constructor_signature",
        "factory_constructor_signature",
        "redirecting_factory_constructor_signature",
    }
)
PARAMETERS = frozenset({"formal_parameter", "constructor_param", "super_formal_parameter"})
# A name in one of these positions is a member of whatever stands before it.
MEMBER_POSITIONS = frozenset(
    {"unconditional_assignable_selector", "conditional_assignable_selector", "cascade_selector"}
)


ARGUMENTS = frozenset({"arguments"})


def _names(node: tree_sitter.Node) -> list[str]:
    """The names `node` declares: its first identifier, or `Class.name` for constructors."""
    kinds = ("identifier", "type_identifier") if node.type in TYPE_DECLARING else ("identifier",)
    found = []
    for child in node.children:
        if child.type == "formal_parameter_list":
            break
        if child.type in kinds:
            found.append(text(child))
            if node.type not in CONSTRUCTORS:
                break
    return found


def declarations(tree: tree_sitter.Tree) -> Iterator[tuple[tree_sitter.Node, str]]:
    for node in walk(tree.root_node):
        if node.type in DECLARING:
            for name in _names(node):
                yield node, name


def declared(tree: tree_sitter.Tree) -> set[str]:
    """Every name the source declares: types, members, constructors, parameters, variables."""
    return {name for _, name in declarations(tree)}


def _inside(node: tree_sitter.Node, kinds: frozenset[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in kinds:
            return True
        parent = parent.parent
    return False


def declared_members(tree: tree_sitter.Tree) -> set[str]:
    """Names that can follow a `.`: top-level and class-level declarations, not locals."""
    return {
        name
        for node, name in declarations(tree)
        if node.type not in PARAMETERS
        and node.type != "typed_identifier"
        and not _inside(node, frozenset({"function_body", "formal_parameter_list"}))
    }


def used(tree: tree_sitter.Tree) -> tuple[set[str], set[str], set[str]]:
    """(names used as members, named-argument labels, every other name used)."""
    members: set[str] = set()
    labels: set[str] = set()
    others: set[str] = set()
    for node in walk(tree.root_node):
        if node.type not in ("identifier", "type_identifier") or node.child_count:
            continue
        parent = node.parent
        if parent is not None and parent.type in MEMBER_POSITIONS:
            members.add(text(node))
        elif parent is not None and parent.type == "label" and _inside(node, ARGUMENTS):
            labels.add(text(node))
        else:
            others.add(text(node))
    return members, labels, others
