"""A position-keeping reader of JSON as Expo reads app.json (JSON5: comments, trailing commas)."""

# Expo's config loader reads app.json with `JsonFile.read(path, {json5: true})` from
# @expo/json-file (expo/expo packages/@expo/json-file/src/JsonFile.ts), which calls
# JSON5.parse from the json5 package. This reader accepts and refuses what json5 2.x does, but
# keeps every node's offsets, duplicate keys and numbers as written, so edits can be spliced.

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import StrEnum

MAX_CHARS = 10_000_000
MAX_DEPTH = 200


class JsoncError(ValueError):
    """Text that JSON5.parse refuses, or that exceeds a limit; `line` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def located(self, path: str) -> str:
        """`path:line: message`, the form every command prints."""
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


class Kind(StrEnum):
    OBJECT = "object"
    ARRAY = "array"
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"


@dataclass(frozen=True)
class Member:
    """One `key: value` of an object; `key_start`/`key_end` span the key as written."""

    key: str
    key_start: int
    key_end: int
    line: int
    value: Node


@dataclass(frozen=True)
class Node:
    """A value with its span in the text.

    `value` is the decoded text of a string, the source text of a number (`1e400` stays
    `1e400`), `true`/`false`/`null` for the literals, and None for objects and arrays.
    `members` keeps every member in source order, duplicates included.
    """

    kind: Kind
    start: int
    end: int
    line: int
    value: str | None = None
    members: tuple[Member, ...] = ()
    items: tuple[Node, ...] = ()

    def get(self, key: str) -> Node | None:
        """The value of the last member named `key`, as JSON.parse and JSON5.parse keep it."""
        for member in reversed(self.members):
            if member.key == key:
                return member.value
        return None

    def member(self, key: str) -> Member | None:
        return next((m for m in reversed(self.members) if m.key == key), None)


def find(node: Node | None, *keys: str) -> Node | None:
    """The node at `keys` below `node` (last duplicate wins); None when a step is missing."""
    for key in keys:
        if node is None or node.kind is not Kind.OBJECT:
            return None
        node = node.get(key)
    return node


def skip(text: str, pos: int) -> int:
    """The position after the white space and comments at `pos`."""
    match = _SKIP.match(text, pos)
    return match.end() if match else pos


def string_value(node: Node | None) -> str | None:
    """The text of a string node that encodes to UTF-8 (no lone surrogate), else None."""
    if node is None or node.kind is not Kind.STRING or node.value is None:
        return None
    try:
        node.value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return node.value


# JSON5 white space: ECMAScript WhiteSpace and LineTerminator (Zs included); comments are skipped
# with it. An unclosed `/*` stays unmatched and is reported where it starts.
_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SKIP = re.compile(rf"(?:[{_SPACE}]+|//[^\n\r\u2028\u2029]*|/\*[\s\S]*?\*/)*")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")
_NUMBER = re.compile(
    r"[+-]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+|"
    r"(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
)
_STRING = {
    '"': re.compile(r'"[^"\\\n\r]*(?:\\(?:\r\n|[\s\S])[^"\\\n\r]*)*"'),
    "'": re.compile(r"'[^'\\\n\r]*(?:\\(?:\r\n|[\s\S])[^'\\\n\r]*)*'"),
}
_ESCAPE = re.compile(r"\\(?:\r\n|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])")
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0"}
_IDENTIFIER = re.compile(
    r"(?:[$_]|[^\W\d]|\\u[0-9a-fA-F]{4})(?:[$\w\u200c\u200d]|\\u[0-9a-fA-F]{4})*"
)
_NAME = re.compile(r"(?:[$_]|[^\W\d])[$\w\u200c\u200d]*")
_LITERALS = {"true": Kind.BOOLEAN, "false": Kind.BOOLEAN, "null": Kind.NULL}
_CLOSER = {Kind.OBJECT: "}", Kind.ARRAY: "]"}


def parse(text: str) -> Node:
    """The tree of `text`, in time linear in its length; JsoncError where JSON5.parse refuses."""
    if len(text) > MAX_CHARS:
        raise JsoncError(f"file is larger than {MAX_CHARS // 1_000_000} MB", None)
    return _Parser(text).run()


@dataclass
class _Open:
    """A container being read: its opening position, finished children, the pending key."""

    kind: Kind
    start: int
    line: int
    members: list[Member]
    items: list[Node]
    key: tuple[str, int, int, int] | None = None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = [m.end() for m in _LINE_BREAK.finditer(text)]

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.breaks, pos) + 1

    def fail(self, pos: int, expected: str) -> JsoncError:
        return JsoncError(f"expected {expected}, found {self.describe(pos)}", self.line(pos))

    def describe(self, pos: int) -> str:
        if pos >= len(self.text):
            return "the end of the file"
        char = self.text[pos]
        if self.text.startswith("/*", pos):
            return "a `/*` comment that is never closed"
        return f"`{char}`" if char.isprintable() and char != "`" else f"U+{ord(char):04X}"

    def skip(self, pos: int) -> int:
        return skip(self.text, pos)

    def run(self) -> Node:
        stack: list[_Open] = []
        pos = self.skip(0)
        if pos >= len(self.text):
            raise JsoncError("the file holds no JSON value", self.line(pos))
        while True:
            node, pos = self.value(stack, pos)
            if node is None:
                continue
            done, pos = self.finish(stack, node, pos)
            if done is not None:
                return done

    def value(self, stack: list[_Open], pos: int) -> tuple[Node | None, int]:
        """Read the value at `pos`; None while it is a container just opened."""
        char = self.text[pos : pos + 1]
        if char not in ("{", "["):
            node = self.scalar(pos)
            return node, self.skip(node.end)
        if len(stack) >= MAX_DEPTH:
            raise JsoncError(f"nested deeper than {MAX_DEPTH} levels", self.line(pos))
        kind = Kind.OBJECT if char == "{" else Kind.ARRAY
        stack.append(_Open(kind, pos, self.line(pos), [], []))
        pos = self.skip(pos + 1)
        if self.text.startswith(_CLOSER[kind], pos):
            return self.close(stack.pop(), pos)
        return None, self.key(stack[-1], pos) if kind is Kind.OBJECT else pos

    def finish(self, stack: list[_Open], node: Node, pos: int) -> tuple[Node | None, int]:
        """Attach `node` and close what ends after it; the whole tree once the root closes."""
        text = self.text
        while stack:
            top = stack[-1]
            self.attach(top, node)
            closer = _CLOSER[top.kind]
            if text.startswith(",", pos):
                pos = self.skip(pos + 1)
                if not text.startswith(closer, pos):
                    return None, self.key(top, pos) if top.kind is Kind.OBJECT else pos
            elif not text.startswith(closer, pos):
                raise self.fail(pos, f"`,` or `{closer}`")
            node, pos = self.close(stack.pop(), pos)
        if pos < len(text):
            raise self.fail(pos, "the end of the file after the value")
        return node, pos

    def attach(self, top: _Open, node: Node) -> None:
        if top.kind is Kind.ARRAY:
            top.items.append(node)
            return
        assert top.key is not None
        key, start, end, line = top.key
        top.members.append(Member(key, start, end, line, node))
        top.key = None

    def close(self, top: _Open, pos: int) -> tuple[Node, int]:
        node = Node(
            top.kind, top.start, pos + 1, top.line, None, tuple(top.members), tuple(top.items)
        )
        return node, self.skip(pos + 1)

    def key(self, top: _Open, pos: int) -> int:
        """Read `key :` at `pos` into `top`; the position of the value after it."""
        text = self.text
        char = text[pos] if pos < len(text) else ""
        if char in _STRING:
            string = self.string(pos)
            assert string.value is not None
            key, end = string.value, string.end
        elif match := _IDENTIFIER.match(text, pos):
            end = match.end()
            key = _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), match.group())
            if not _NAME.fullmatch(key):
                raise JsoncError(f"`{match.group()}` is not an identifier", self.line(pos))
        else:
            raise self.fail(pos, "a key or `}`")
        top.key = (key, pos, end, self.line(pos))
        colon = self.skip(end)
        if not text.startswith(":", colon):
            raise self.fail(colon, "`:` after the key")
        return self.skip(colon + 1)

    def scalar(self, pos: int) -> Node:
        text = self.text
        char = text[pos] if pos < len(text) else ""
        if char in _STRING:
            return self.string(pos)
        line = self.line(pos)
        if match := _NUMBER.match(text, pos):
            return Node(Kind.NUMBER, pos, match.end(), line, match.group())
        for literal, kind in _LITERALS.items():
            if text.startswith(literal, pos):
                return Node(kind, pos, pos + len(literal), line, literal)
        raise self.fail(pos, "a value")

    def string(self, pos: int) -> Node:
        match = _STRING[self.text[pos]].match(self.text, pos)
        if match is None:
            raise JsoncError("string is not closed on its line", self.line(pos))
        inner = match.group()[1:-1]
        value = inner if "\\" not in inner else self.unescape(inner, pos)
        return Node(Kind.STRING, pos, match.end(), self.line(pos), value)

    def unescape(self, inner: str, pos: int) -> str:
        def one(match: re.Match[str]) -> str:
            escape = match.group()
            char = escape[1]
            if char in "ux":
                if len(escape) == 2:
                    raise JsoncError(f"`\\{char}` needs hex digits", self.line(pos))
                return chr(int(escape[2:], 16))
            if char == "0" and inner[match.end() : match.end() + 1].isdigit():
                raise JsoncError("octal escapes are not allowed", self.line(pos))
            if char in "123456789":
                raise JsoncError(f"`\\{char}` is not an escape", self.line(pos))
            if char in "\r\n\u2028\u2029":
                return ""  # a line continuation
            return _SIMPLE.get(char, char)

        decoded = _ESCAPE.sub(one, inner)
        # `\ud83d\ude00` is one character; a lone surrogate stays as it is, as in JavaScript
        return decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
