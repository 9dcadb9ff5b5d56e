"""Idempotent in-place edits of manifests and plists, decided on the tree, applied as splices."""

from __future__ import annotations

import codecs
import plistlib
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml import etree

    from schemegen.registry.model import App, Registry


ANDROID_NS = "http://schemas.android.com/apk/res/android"


ACTION_VIEW = "android.intent.action.VIEW"


ACTION_MAIN = "android.intent.action.MAIN"


CATEGORY_DEFAULT = "android.intent.category.DEFAULT"


CATEGORY_BROWSABLE = "android.intent.category.BROWSABLE"


CATEGORY_LAUNCHER = "android.intent.category.LAUNCHER"


QUERIES_KEY = "LSApplicationQueriesSchemes"


URL_TYPES_KEY = "CFBundleURLTypes"


URL_SCHEMES_KEY = "CFBundleURLSchemes"


ATS_KEY = "NSAppTransportSecurity"


WEB_CONTENT_KEY = "NSAllowsArbitraryLoadsInWebContent"


# Launch modes that already bring the return intent to the running activity.
KEPT_LAUNCH_MODES = ("singleTask", "singleInstance", "singleInstancePerTask")


class PatchError(ValueError):
    """The file cannot be patched safely (unparsable, missing anchor, unexpected structure)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Plan:
    """What patching one file would do: human-readable changes, notes, and the new bytes."""

    original: bytes
    new: bytes
    changes: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.new != self.original


@dataclass(frozen=True)
class ManifestWant:
    """The desired state of an AndroidManifest.xml."""

    app_scheme: str
    packages: tuple[str, ...] = ()
    activity: str | None = None
    set_launch_mode: bool = False
    fix: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlistWant:
    """The desired state of an Info.plist; `schemes` in budget order (most important first)."""

    app_scheme: str
    schemes: tuple[str, ...] = ()
    limit: int = 25
    fix: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict)
    allow_http_content: bool = False
    registry_order: tuple[str, ...] = ()  # every registry scheme by priority, for --fix order


def alias_map(registry: Registry, kind: str) -> dict[str, str]:
    """Alias value -> real value for `kind` "package" or "scheme"; real values never map."""
    real = set(registry.package_owner) if kind == "package" else set(registry.scheme_owner)
    found: dict[str, str] = {}
    for value, (app, alias) in registry.aliases.items():
        targets = app.android_packages if kind == "package" else app.schemes
        if alias.of in targets and value != alias.of and value not in real:
            found[value] = alias.of
    return found


def manifest_want(
    registry: Registry,
    apps: Sequence[App],
    app_scheme: str,
    *,
    activity: str | None = None,
    set_launch_mode: bool = False,
    fix: bool = False,
) -> ManifestWant:
    from schemegen.registry.selection import android_packages

    return ManifestWant(
        app_scheme=app_scheme,
        packages=android_packages(apps),
        activity=activity,
        set_launch_mode=set_launch_mode,
        fix=fix,
        aliases=alias_map(registry, "package"),
    )


def plist_want(
    registry: Registry,
    apps: Sequence[App],
    app_scheme: str,
    *,
    limit: int,
    fix: bool = False,
    allow_http_content: bool = False,
) -> PlistWant:
    from schemegen.registry.selection import ios_query_schemes

    return PlistWant(
        app_scheme=app_scheme,
        schemes=ios_query_schemes(apps),
        limit=limit,
        fix=fix,
        aliases=alias_map(registry, "scheme"),
        allow_http_content=allow_http_content,
        registry_order=ios_query_schemes(registry.apps),
    )


@dataclass(frozen=True)
class Attr:
    qname: str
    start: int
    end: int
    value_start: int
    value_end: int
    quote: str


@dataclass(eq=False)
class Node:
    """One element: its positions in the source text and the matching lxml element."""

    tag: str
    start: int
    name_end: int
    open_end: int
    close_start: int
    end: int
    self_closing: bool
    close_ws: int  # where the whitespace before `/>` or `>` of the start tag begins
    attrs: list[Attr]
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    el: Any = None

    def get(self, clark: str) -> str | None:
        value = self.el.get(clark)
        return None if value is None else str(value)

    def text(self) -> str:
        return "".join(self.el.itertext())

    def attr(self, clark: str) -> Attr | None:
        for attr in self.attrs:
            if _clark(attr.qname, self.el.nsmap) == clark:
                return attr
        return None

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.iter()


def _clark(qname: str, nsmap: Mapping[str | None, str]) -> str:
    prefix, sep, local = qname.partition(":")
    if not sep:
        return qname
    return f"{{{nsmap.get(prefix, '')}}}{local}"


_NAME = r"[^\s/>=<\"'!?]+"


_START = re.compile(r"<(" + _NAME + r")")


_ATTR = re.compile(r"(\s+)(" + _NAME + r")\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


_START_END = re.compile(r"(\s*)(/?)>")


_END = re.compile(r"</(" + _NAME + r")\s*>")


_DECLARED = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")


@dataclass
class Doc:
    """Decoded source text, its tokenized element tree and layout conventions."""

    bom: bytes
    encoding: str
    text: str
    root: Node
    nl: str
    unit: str
    quote: str
    empty_close: str  # " />" or "/>"

    def encode(self, text: str) -> bytes:
        try:
            return self.bom + text.encode(self.encoding)
        except UnicodeEncodeError as error:
            raise PatchError(f"the new content cannot be written in {self.encoding}") from error


def _decode(data: bytes) -> tuple[bytes, str, str]:
    bom, encoding = b"", "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        bom = codecs.BOM_UTF8
    elif data.startswith(codecs.BOM_UTF16_LE):
        bom, encoding = codecs.BOM_UTF16_LE, "utf-16-le"
    elif data.startswith(codecs.BOM_UTF16_BE):
        bom, encoding = codecs.BOM_UTF16_BE, "utf-16-be"
    else:
        declared = _DECLARED.match(data[:200])
        if declared is not None:
            encoding = declared.group(1).decode("ascii")
    try:
        codecs.lookup(encoding)
        text = data[len(bom) :].decode(encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise PatchError(f"cannot decode the file as {encoding}: {error}") from None
    if bom + text.encode(encoding) != data:
        raise PatchError(f"the file does not round-trip through {encoding}")
    return bom, encoding, text


def _parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
    )


def _lxml_root(data: bytes) -> etree._Element:
    from lxml import etree

    from schemegen.core.parsing import unsafe_xml, xml_encoding_problem

    encoding = xml_encoding_problem(data)
    if encoding is not None:
        raise PatchError(encoding)
    # What lint refuses as unsafe (SG003), apply refuses too, rather than carry it forward.
    reason = unsafe_xml(data)
    if reason is not None:
        raise PatchError(f"refused DOCTYPE: {reason}")
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise PatchError(f"not well-formed XML: {error}") from None


def _tokenize(text: str) -> Node:
    stack: list[Node] = []
    root: Node | None = None
    pos = 0
    while (lt := text.find("<", pos)) >= 0:
        if text.startswith("<!", lt) or text.startswith("<?", lt):
            pos = _skip_markup(text, lt)
        elif text.startswith("</", lt):
            match = _END.match(text, lt)
            if match is None or not stack or stack[-1].tag != match.group(1):
                raise PatchError(f"unexpected end tag at offset {lt}")
            node = stack.pop()
            node.close_start, node.end = lt, match.end()
            pos = match.end()
        else:
            node = _start_tag(text, lt)
            if stack:
                node.parent = stack[-1]
                stack[-1].children.append(node)
            elif root is None:
                root = node
            else:
                raise PatchError("more than one root element")
            if not node.self_closing:
                stack.append(node)
            pos = node.open_end
    if root is None or stack:
        raise PatchError("no complete root element")
    return root


def _skip_markup(text: str, lt: int) -> int:
    """The end of the comment, CDATA section, processing instruction or DOCTYPE at `lt`."""
    for opener, closer in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")):
        if text.startswith(opener, lt):
            return _after(text, closer, lt + len(opener))
    close = text.find(">", lt)
    if close < 0 or "[" in text[lt:close]:
        raise PatchError("DOCTYPE internal subsets are not supported")
    return close + 1


def _after(text: str, marker: str, start: int) -> int:
    found = text.find(marker, start)
    if found < 0:
        raise PatchError(f"unterminated `{marker}` construct")
    return found + len(marker)


def _start_tag(text: str, lt: int) -> Node:
    match = _START.match(text, lt)
    if match is None:
        raise PatchError(f"unexpected `<` at offset {lt}")
    attrs: list[Attr] = []
    pos = match.end()
    while (attr := _ATTR.match(text, pos)) is not None:
        quoted = 3 if attr.group(3) is not None else 4
        attrs.append(
            Attr(
                attr.group(2),
                attr.start(2),
                attr.end(),
                attr.start(quoted),
                attr.end(quoted),
                text[attr.end() - 1],
            )
        )
        pos = attr.end()
    end = _START_END.match(text, pos)
    if end is None:
        raise PatchError(f"cannot read the start tag at offset {lt}")
    closing = end.end()
    self_closing = end.group(2) == "/"
    return Node(
        match.group(1), lt, match.end(), closing, closing, closing, self_closing, end.start(), attrs
    )


def parse(data: bytes) -> Doc:
    """Parse `data` twice: hardened lxml for meaning, a tokenizer for positions; pair them."""
    el_root = _lxml_root(data)
    bom, encoding, text = _decode(data)
    root = _tokenize(text)
    nodes = list(root.iter())
    elements = [el for el in el_root.iter() if isinstance(el.tag, str)]
    if len(nodes) != len(elements):
        raise PatchError("the element structure could not be matched (entity references?)")
    for node, el in zip(nodes, elements, strict=True):
        if node.tag.rpartition(":")[2] != el.tag.rpartition("}")[2]:
            raise PatchError(f"element `{node.tag}` could not be matched")
        node.el = el
    return Doc(
        bom,
        encoding,
        text,
        root,
        _newline(text),
        _unit(text, nodes),
        _quote(nodes),
        _empty_close(text, nodes),
    )


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    if crlf and crlf >= lf:
        return "\r\n"
    if not lf and "\r" in text:
        return "\r"
    return "\n"


def _lead(text: str, pos: int) -> str | None:
    """The indentation before `pos` when only whitespace precedes it on its line."""
    start = pos
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    if start == 0 or text[start - 1] in "\r\n":
        return text[start:pos]
    return None


def _gap(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1] in " \t\r\n":
        start -= 1
    return text[start:pos]


def _unit(text: str, nodes: Sequence[Node]) -> str:
    counts: Counter[str] = Counter()
    # A parent's indentation once, not once per child: the walk back over the whitespace
    # before a parent with thousands of children would otherwise be repeated for each.
    leads: dict[int, str | None] = {}
    for node in nodes:
        if node.parent is None:
            continue
        start = node.parent.start
        if start not in leads:
            leads[start] = _lead(text, start)
        inner, outer = _lead(text, node.start), leads[start]
        if inner is not None and outer is not None and inner.startswith(outer) and inner != outer:
            counts[inner[len(outer) :]] += 1
    if counts:
        return counts.most_common(1)[0][0]
    return "\t" if re.search(r"^\t", text, re.MULTILINE) else "    "


def _quote(nodes: Sequence[Node]) -> str:
    counts = Counter(attr.quote for node in nodes for attr in node.attrs)
    return "'" if counts["'"] > counts['"'] else '"'


def _empty_close(text: str, nodes: Sequence[Node]) -> str:
    spaced = sum(1 for n in nodes if n.self_closing and n.close_ws < n.open_end - 2)
    tight = sum(1 for n in nodes if n.self_closing and n.close_ws == n.open_end - 2)
    return "/>" if tight > spaced else " />"


@dataclass(frozen=True)
class New:
    """An element to insert: tag, attributes, and either text or children."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: tuple[New, ...] = ()
    text: str | None = None


def escape_xml_text(value: str, quote: str = "") -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote == '"':
        value = value.replace('"', "&quot;")
    elif quote == "'":
        value = value.replace("'", "&apos;")
    return value


_LINE_END = re.compile(r"[ \t]*(\r\n|\n|\r)")


class Editor:
    """Collects splices (start, end, replacement) and applies them in one pass."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.edits: list[tuple[int, int, int, str]] = []
        self.removed: set[int] = set()

    def splice(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, len(self.edits), text))

    def result(self) -> str:
        text = self.doc.text
        out: list[str] = []
        pos = 0
        for start, end, _, replacement in sorted(self.edits, key=lambda e: (e[0], e[1], e[2])):
            if start < pos:
                raise PatchError("internal error: overlapping edits")
            out.append(text[pos:start])
            out.append(replacement)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def render(self, new: New, indent: str, quote: str | None = None) -> str:
        doc = self.doc
        q = quote or doc.quote
        attrs = "".join(f" {name}={q}{escape_xml_text(value, q)}{q}" for name, value in new.attrs)
        if new.text is not None:
            return f"<{new.tag}{attrs}>{escape_xml_text(new.text)}</{new.tag}>"
        if not new.children:
            return f"<{new.tag}{attrs}{doc.empty_close}"
        inner = indent + doc.unit
        parts = [f"<{new.tag}{attrs}>"]
        parts += [doc.nl + inner + self.render(child, inner, q) for child in new.children]
        parts.append(f"{doc.nl}{indent}</{new.tag}>")
        return "".join(parts)

    def _sibling_layout(self, anchor: Node) -> tuple[str, str]:
        """Separator and indentation to use for a new sibling placed after `anchor`."""
        gap = _gap(self.doc.text, anchor.start)
        if "\n" in gap or "\r" in gap:
            indent = gap.rsplit("\n", 1)[-1].rsplit("\r", 1)[-1]
            return self.doc.nl + indent, indent
        return gap, _lead(self.doc.text, anchor.start) or ""

    def append(self, parent: Node, news: Sequence[New], after: Node | None = None) -> None:
        """Insert `news` as the last children of `parent` (or right after `after`)."""
        if not news:
            return
        kept = [c for c in parent.children if id(c) not in self.removed]
        anchor = after or (kept[-1] if kept else None)
        quote = self._quote_near(parent)
        if anchor is not None:
            sep, indent = self._sibling_layout(anchor)
            self.splice(
                anchor.end,
                anchor.end,
                "".join(sep + self.render(new, indent, quote) for new in news),
            )
            return
        text, nl = self.doc.text, self.doc.nl
        outer = _lead(text, parent.start) or ""
        indent = outer + self.doc.unit
        body = "".join(nl + indent + self.render(new, indent, quote) for new in news)
        if parent.self_closing:
            self.splice(parent.close_ws, parent.open_end, f">{body}{nl}{outer}</{parent.tag}>")
            return
        inner = text[parent.open_end : parent.close_start]
        closing = "" if ("\n" in inner or "\r" in inner) else nl + outer
        self.splice(parent.open_end, parent.open_end, body + closing)

    def insert_before(self, anchor: Node, news: Sequence[New]) -> None:
        lead = _lead(self.doc.text, anchor.start)
        sep = self.doc.nl + lead if lead is not None else _gap(self.doc.text, anchor.start)
        indent = lead or ""
        quote = self._quote_near(anchor)
        self.splice(
            anchor.start,
            anchor.start,
            "".join(self.render(new, indent, quote) + sep for new in news),
        )

    def remove(self, node: Node) -> None:
        text = self.doc.text
        self.removed.add(id(node))
        lead = _lead(text, node.start)
        rest = _LINE_END.match(text, node.end)  # at a position: no copy of the rest
        if lead is not None and rest is not None:
            self.splice(node.start - len(lead), rest.end(), "")
        else:
            self.splice(node.start - len(_gap(text, node.start)), node.end, "")

    def set_attr(self, node: Node, qname: str, clark: str, value: str) -> None:
        existing = node.attr(clark)
        if existing is not None:
            self.splice(
                existing.value_start, existing.value_end, escape_xml_text(value, existing.quote)
            )
            return
        quote = node.attrs[-1].quote if node.attrs else self.doc.quote
        rendered = f"{qname}={quote}{escape_xml_text(value, quote)}{quote}"
        if node.attrs:
            last = node.attrs[-1]
            gap = _gap(self.doc.text, last.start)
            sep = " "
            if "\n" in gap or "\r" in gap:
                sep = self.doc.nl + gap.rsplit("\n", 1)[-1].rsplit("\r", 1)[-1]
            self.splice(last.end, last.end, sep + rendered)
        else:
            self.splice(node.name_end, node.name_end, " " + rendered)

    def set_text(self, node: Node, value: str) -> None:
        if node.self_closing:
            self.splice(node.close_ws, node.open_end, f">{escape_xml_text(value)}</{node.tag}>")
        else:
            self.splice(node.open_end, node.close_start, escape_xml_text(value))

    def _quote_near(self, node: Node) -> str:
        for candidate in (node, *node.children):
            if candidate.attrs:
                return candidate.attrs[-1].quote
        return self.doc.quote


def check_xml(new: bytes) -> None:
    _lxml_root(new)


def refuse_unreadable_plist(original: bytes) -> None:
    """Refuse a plist lint cannot read (SG0xx) or plistlib cannot load, before any edit.

    Lint's reader bounds depth, so it refuses reference cycles and deep nesting, which
    plistlib returns as recursive lists or fails on with RecursionError; a plist that is
    invalid before the edit would otherwise fail the check of the patched output.
    """
    from schemegen.core.documents import Unreadable
    from schemegen.core.parsing import parse as read_plist

    checked = read_plist(original, "Info.plist")
    if isinstance(checked, Unreadable):
        raise PatchError(checked.problem.message)
    try:
        plistlib.loads(original)
    except Exception as error:  # any failure of plistlib on this input is a refusal
        raise PatchError(f"the plist does not load: {error}") from None


def check_plist(new: bytes) -> None:
    _lxml_root(new)
    try:
        plistlib.loads(new)
    except (plistlib.InvalidFileException, ValueError) as error:
        raise PatchError(f"internal error: the patched plist does not parse: {error}") from None


def finish_plan(
    doc: Doc,
    editor: Editor,
    original: bytes,
    changes: list[str],
    notes: list[str],
    *,
    check: Any,
) -> Plan:
    if not editor.edits:
        return Plan(original, original, (), tuple(notes))
    new = doc.encode(editor.result())
    check(new)
    return Plan(original, new, tuple(changes), tuple(notes))
