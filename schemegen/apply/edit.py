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


# --- registry-derived wants ---------------------------------------------------------------------


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


# --- source text: decoding, tokenizing, matching lxml elements to byte positions -----------------


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

    from schemegen.core.documents import unsafe_xml, xml_encoding_problem

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


# --- splices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class New:
    """An element to insert: tag, attributes, and either text or children."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: tuple[New, ...] = ()
    text: str | None = None


def _escape(value: str, quote: str = "") -> str:
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
        attrs = "".join(f" {name}={q}{_escape(value, q)}{q}" for name, value in new.attrs)
        if new.text is not None:
            return f"<{new.tag}{attrs}>{_escape(new.text)}</{new.tag}>"
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
            self.splice(existing.value_start, existing.value_end, _escape(value, existing.quote))
            return
        quote = node.attrs[-1].quote if node.attrs else self.doc.quote
        rendered = f"{qname}={quote}{_escape(value, quote)}{quote}"
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
            self.splice(node.close_ws, node.open_end, f">{_escape(value)}</{node.tag}>")
        else:
            self.splice(node.open_end, node.close_start, _escape(value))

    def _quote_near(self, node: Node) -> str:
        for candidate in (node, *node.children):
            if candidate.attrs:
                return candidate.attrs[-1].quote
        return self.doc.quote


# --- AndroidManifest.xml ------------------------------------------------------------------------


def _a(name: str) -> str:
    return f"{{{ANDROID_NS}}}{name}"


def plan_manifest(original: bytes, want: ManifestWant) -> Plan:
    """Decide and apply the edits that bring an AndroidManifest.xml to `want`."""
    doc = parse(original)
    root = doc.root
    if root.tag != "manifest":
        raise PatchError(f"root element is <{root.tag}>, not <manifest>")
    if not any(uri == ANDROID_NS and p for p, uri in root.el.nsmap.items()):
        raise PatchError(f"<manifest> does not declare a prefix for {ANDROID_NS}")
    editor = Editor(doc)
    changes: list[str] = []
    notes: list[str] = []
    _plan_queries(editor, want, changes)
    activity = _return_activity(root, want) or _find_activity(root, want.activity)
    _plan_return_filter(editor, activity, want.app_scheme, changes)
    label = activity.get(_a("name")) or "<activity>"
    exported = activity.get(_a("exported"))
    if exported is None:
        editor.set_attr(activity, f"{_prefix(activity)}:exported", _a("exported"), "true")
        changes.append(f'set android:exported="true" on `{label}`')
    elif exported != "true":
        notes.append(
            f'`{label}` has android:exported="{exported}": the return intent cannot reach it'
        )
    mode = activity.get(_a("launchMode"))
    if want.set_launch_mode and mode not in KEPT_LAUNCH_MODES:
        prefix = _prefix(activity)
        editor.set_attr(activity, f"{prefix}:launchMode", _a("launchMode"), "singleTask")
        was = mode or "standard"
        changes.append(f'set android:launchMode="singleTask" on `{label}` (was {was})')
    return _finish(doc, editor, original, changes, notes, check=_check_xml)


def _prefix(node: Node) -> str:
    """A prefix bound to the Android namespace where `node` is (descendants may rebind one)."""
    bound = [p for p, uri in node.el.nsmap.items() if uri == ANDROID_NS and p]
    if not bound:
        line = node.el.sourceline
        raise PatchError(
            f"<{node.tag}> binds no prefix to {ANDROID_NS} (a namespace declaration "
            "on it or above it rebinds `android`), so nothing can be added there in the "
            "Android namespace; declare it again on that element",
            line,
        )
    return "android" if "android" in bound else str(bound[0])


def _plan_queries(editor: Editor, want: ManifestWant, changes: list[str]) -> None:
    root = editor.doc.root
    queries = [c for c in root.children if c.tag == "queries"]
    seen: set[str] = set()
    for query in queries:
        for node in query.children:
            if node.tag != "package" or (name := node.get(_a("name"))) is None:
                continue
            real = want.aliases.get(name, name) if want.fix else name
            if want.fix and real in seen:
                editor.remove(node)
                what = f"alias `{name}` of `{real}`" if real != name else f"`{name}`"
                changes.append(f"removed duplicate <package> {what}")
                continue
            if real != name:
                attr = node.attr(_a("name"))
                assert attr is not None
                editor.splice(attr.value_start, attr.value_end, _escape(real, attr.quote))
                changes.append(f"replaced <package> alias `{name}` by `{real}`")
            seen.add(real)
    missing = [p for p in want.packages if p not in seen]
    if not missing:
        return
    if queries:
        target = queries[0]
        news = [New("package", ((f"{_prefix(target)}:name", p),)) for p in missing]
        packages = [
            c for c in target.children if c.tag == "package" and id(c) not in editor.removed
        ]
        editor.append(target, news, after=packages[-1] if packages else None)
    else:
        application = next((c for c in root.children if c.tag == "application"), None)
        news = [New("package", ((f"{_prefix(root)}:name", p),)) for p in missing]
        block = New("queries", children=tuple(news))
        if application is not None:
            editor.insert_before(application, [block])
        else:
            editor.append(root, [block])
    changes.append(f"added {len(missing)} <queries> package(s): {', '.join(missing)}")


def _find_activity(root: Node, wanted: str | None) -> Node:
    package = root.get("package") or ""
    application = next((c for c in root.children if c.tag == "application"), None)
    if application is None:
        raise PatchError("no <application> element: is this a library manifest?")
    activities = [c for c in application.children if c.tag == "activity"]

    def full(name: str) -> str:
        if name.startswith("."):
            return package + name
        return name if "." in name else f"{package}.{name}"

    def named(name: str) -> list[Node]:
        return [
            a
            for a in activities
            if (n := a.get(_a("name"))) is not None
            and (n == name or full(n) == full(name) or full(n).endswith("." + name.lstrip(".")))
        ]

    if wanted is not None:
        found = named(wanted)
        if len(found) != 1:
            names = ", ".join(a.get(_a("name")) or "?" for a in activities) or "none"
            problem = "matches several activities" if found else "matches no activity"
            raise PatchError(f"--activity `{wanted}` {problem} (activities: {names})")
        return found[0]
    for component in application.children:
        if component.tag not in ("activity", "activity-alias") or not _is_launcher(component):
            continue
        if component.tag == "activity":
            return component
        target = named(component.get(_a("targetActivity")) or "")
        if len(target) == 1:
            return target[0]
    raise PatchError("no launcher activity (MAIN + LAUNCHER) found: pass --activity NAME")


def _return_activity(root: Node, want: ManifestWant) -> Node | None:
    """The activity that already claims the app scheme: a complete filter first.

    It is often the payment activity rather than the launcher; a second filter on another
    activity would make Android ask which of the two gets the card app's return.
    """
    if want.activity is not None:
        return None
    application = next((c for c in root.children if c.tag == "application"), None)
    if application is None:
        return None
    claims: list[tuple[bool, Node]] = []
    for activity in application.children:
        if activity.tag != "activity":
            continue
        for intent_filter in activity.children:
            if intent_filter.tag != "intent-filter":
                continue
            schemes = {d.get(_a("scheme")) for d in intent_filter.children if d.tag == "data"}
            if want.app_scheme in schemes:
                claims.append((not _is_complete(intent_filter), activity))
    if claims:
        return min(claims, key=lambda claim: claim[0])[1]
    empty = [
        activity
        for activity in application.children
        if activity.tag == "activity"
        and any(_is_schemeless_deep_link(f) for f in activity.children if f.tag == "intent-filter")
    ]
    return empty[0] if len(empty) == 1 else None


def _is_schemeless_deep_link(intent_filter: Node) -> bool:
    """VIEW and BROWSABLE with no `<data>` at all: a return filter whose scheme is missing."""
    return (
        intent_filter.tag == "intent-filter"
        and ACTION_VIEW in _names(intent_filter, "action")
        and CATEGORY_BROWSABLE in _names(intent_filter, "category")
        and not any(c.tag == "data" for c in intent_filter.children)
    )


def _is_complete(intent_filter: Node) -> bool:
    return ACTION_VIEW in _names(intent_filter, "action") and {
        CATEGORY_DEFAULT,
        CATEGORY_BROWSABLE,
    } <= _names(intent_filter, "category")


def _names(node: Node, tag: str) -> set[str]:
    return {n for c in node.children if c.tag == tag and (n := c.get(_a("name"))) is not None}


def _is_launcher(component: Node) -> bool:
    return any(
        ACTION_MAIN in _names(f, "action") and CATEGORY_LAUNCHER in _names(f, "category")
        for f in component.children
        if f.tag == "intent-filter"
    )


def _plan_return_filter(editor: Editor, activity: Node, scheme: str, changes: list[str]) -> None:
    filters = [c for c in activity.children if c.tag == "intent-filter"]
    label = activity.get(_a("name")) or "<activity>"
    for intent_filter in filters:
        schemes = {d.get(_a("scheme")) for d in intent_filter.children if d.tag == "data"}
        if scheme not in schemes:
            continue
        names = [ACTION_VIEW] if ACTION_VIEW not in _names(intent_filter, "action") else []
        categories = _names(intent_filter, "category")
        names += [c for c in (CATEGORY_DEFAULT, CATEGORY_BROWSABLE) if c not in categories]
        prefix = _prefix(intent_filter) if names else ""
        news = [
            New("action" if name == ACTION_VIEW else "category", ((f"{prefix}:name", name),))
            for name in names
        ]
        if news:
            first = intent_filter.children[0] if intent_filter.children else None
            if first is not None:
                editor.insert_before(first, news)
            else:
                editor.append(intent_filter, news)
            added = ", ".join(n.attrs[0][1].rsplit(".", 1)[-1] for n in news)
            changes.append(f"added {added} to the `{scheme}` intent-filter of `{label}`")
        return
    empty = next((f for f in filters if _is_schemeless_deep_link(f)), None)
    if empty is not None:
        # A VIEW + BROWSABLE filter without <data> matches no URL: it was meant for the return.
        prefix = _prefix(empty)
        news = [
            New("category", ((f"{prefix}:name", c),))
            for c in (CATEGORY_DEFAULT, CATEGORY_BROWSABLE)
            if c not in _names(empty, "category")
        ]
        editor.append(empty, [*news, New("data", ((f"{prefix}:scheme", scheme),))])
        changes.append(
            f'added `<data android:scheme="{scheme}"/>` to the empty deep-link '
            f"intent-filter of `{label}`"
        )
        return
    prefix = _prefix(activity)
    block = New(
        "intent-filter",
        children=(
            New("action", ((f"{prefix}:name", ACTION_VIEW),)),
            New("category", ((f"{prefix}:name", CATEGORY_DEFAULT),)),
            New("category", ((f"{prefix}:name", CATEGORY_BROWSABLE),)),
            New("data", ((f"{prefix}:scheme", scheme),)),
        ),
    )
    editor.append(activity, [block], after=filters[-1] if filters else None)
    changes.append(f"added the return intent-filter for `{scheme}` to `{label}`")


# --- Info.plist ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryDecision:
    """Per existing entry: its new value (None = remove); plus entries to append."""

    slots: tuple[str | None, ...]
    add: tuple[str, ...]
    changes: tuple[str, ...]
    notes: tuple[str, ...]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def decide_queries(values: Sequence[str | None], want: PlistWant) -> QueryDecision:
    """LSApplicationQueriesSchemes decisions; `None` values are non-string entries (kept).

    Without `fix` every entry stays where it is and the registry schemes of the budget
    (`want.schemes[:limit]`, what lint expects) that are missing are appended, however many
    other entries the list holds. With `fix` the list is normalised, registry schemes move
    ahead in priority order, and entries past the 50 that iOS honours at all are removed.
    """
    changes: list[str] = []
    slots = list(values) if not want.fix else _normalised(values, want, changes)
    kept = [v for v in slots if v is not None]
    present = {v.lower() for v in kept}
    missing = [s for s in want.schemes[: want.limit] if s.lower() not in present]
    if want.fix and all(v is not None for v in values):
        final = _reordered(kept + missing, want, changes)
        count = len(values)
        slots = [final[i] if i < len(final) else None for i in range(count)]
        add = final[count:]
        added = [s for s in missing if s in final]
    else:
        add, added, final = missing, missing, [*kept, *missing]
    if added:
        changes.append(
            f"added {len(added)} {QUERIES_KEY} entr{'y' if len(added) == 1 else 'ies'}: "
            f"{', '.join(added)}"
        )
    notes: list[str] = []
    if changes:
        notes += _budget_notes(final, want)
    return QueryDecision(tuple(slots), tuple(add), tuple(changes), tuple(notes))


def _normalised(
    values: Sequence[str | None], want: PlistWant, changes: list[str]
) -> list[str | None]:
    """Each entry bare, aliases replaced, exact and case duplicates removed (None)."""
    slots: list[str | None] = []
    seen: set[str] = set()
    for value in values:
        if value is None:
            slots.append(None)
            continue
        new: str | None = value
        if ":" in value:
            bare = value.split(":", 1)[0].strip()
            new = bare or None
            changes.append(f"replaced `{value}` by `{bare}`" if bare else f"removed `{value}`")
        if new is not None and new in want.aliases:
            changes.append(f"replaced alias `{new}` by `{want.aliases[new]}`")
            new = want.aliases[new]
        if new is not None and new.lower() in seen:
            changes.append(f"removed duplicate `{value}`")
            new = None
        if new is not None:
            seen.add(new.lower())
        slots.append(new)
    return slots


def _reordered(values: Sequence[str], want: PlistWant, changes: list[str]) -> list[str]:
    """Registry schemes first in priority order, then the others in their order; at most 50."""
    from schemegen.registry.selection import IOS_QUERY_HARD_LIMIT

    rank: dict[str, int] = {}
    for scheme in (*want.schemes, *want.registry_order):
        rank.setdefault(scheme.lower(), len(rank))
    registry = sorted((v for v in values if v.lower() in rank), key=lambda v: rank[v.lower()])
    final = registry + [v for v in values if v.lower() not in rank]
    if final != list(values):
        changes.append(f"reordered {QUERIES_KEY}: registry schemes first, in priority order")
    if len(final) > IOS_QUERY_HARD_LIMIT:
        cut = final[IOS_QUERY_HARD_LIMIT:]
        changes.append(
            f"removed {_plural(len(cut), 'entry', 'entries')} past the {IOS_QUERY_HARD_LIMIT} "
            f"that iOS honours: {', '.join(cut)}"
        )
        final = final[:IOS_QUERY_HARD_LIMIT]
    return final


def _budget_notes(final: Sequence[str], want: PlistWant) -> list[str]:
    notes: list[str] = []
    present = {v.lower() for v in final}
    left_out = [s for s in want.schemes if s.lower() not in present]
    if left_out:
        notes.append(
            f"--ios-query-limit {want.limit} leaves out "
            f"{_plural(len(left_out), 'selected iOS scheme', 'selected iOS schemes')}; "
            "`schemegen list --ios-left-out` with the same options names them"
        )
    late = final[want.limit :]
    if want.fix and late:
        notes.append(
            f"{_plural(len(late), 'entry sits', 'entries sit')} past --ios-query-limit "
            f"{want.limit} (honoured by iOS 26 and by Xcode 26 builds, not by Xcode 27 builds "
            f"on iOS 27): {', '.join(late)}"
        )
    return notes


def has_url_scheme(url_types: object, scheme: str) -> bool:
    if not isinstance(url_types, list):
        return False
    return any(
        isinstance(entry, dict)
        and isinstance(entry.get(URL_SCHEMES_KEY), list)
        and scheme in entry[URL_SCHEMES_KEY]
        for entry in url_types
    )


def plan_plist(original: bytes, want: PlistWant) -> Plan:
    """Decide and apply the edits that bring an Info.plist (XML or binary) to `want`."""
    if original.startswith(b"bplist"):
        return _plan_binary_plist(original, want)
    doc = parse(original)
    _refuse_unreadable_plist(original)
    if doc.root.tag != "plist":
        raise PatchError(f"root element is <{doc.root.tag}>, not <plist>")
    top = doc.root.children[0] if doc.root.children else None
    if top is None or top.tag != "dict":
        raise PatchError("the plist's root value is not a <dict>")
    editor = Editor(doc)
    pairs = _pairs(top)
    changes: list[str] = []
    notes: list[str] = []
    new_pairs: list[tuple[str, New]] = []

    new_pairs += _plan_xml_queries(editor, pairs.get(QUERIES_KEY), want, changes, notes)
    new_pairs += _plan_xml_url_types(editor, pairs.get(URL_TYPES_KEY), want, changes)
    if want.allow_http_content:
        new_pairs += _plan_xml_web_content(editor, pairs.get(ATS_KEY), changes)
    if new_pairs:
        _append_pairs(editor, top, new_pairs)
    return _finish(doc, editor, original, changes, notes, check=_check_plist)


def _plan_xml_queries(
    editor: Editor, queries: Node | None, want: PlistWant, changes: list[str], notes: list[str]
) -> list[tuple[str, New]]:
    entries = [] if queries is None else queries.children
    if queries is not None and queries.tag != "array":
        raise PatchError(f"{QUERIES_KEY} is a <{queries.tag}>, not an <array>")
    decision = decide_queries([e.text() if e.tag == "string" else None for e in entries], want)
    for entry, slot in zip(entries, decision.slots, strict=True):
        if slot is None and entry.tag == "string":
            editor.remove(entry)
        elif slot is not None and slot != entry.text():
            editor.set_text(entry, slot)
    changes += decision.changes
    notes += decision.notes
    news = [New("string", text=s) for s in decision.add]
    if queries is not None:
        editor.append(queries, news)
        return []
    return [(QUERIES_KEY, New("array", children=tuple(news)))] if news else []


def _plan_xml_url_types(
    editor: Editor, url_types: Node | None, want: PlistWant, changes: list[str]
) -> list[tuple[str, New]]:
    if url_types is not None and url_types.tag != "array":
        raise PatchError(f"{URL_TYPES_KEY} is a <{url_types.tag}>, not an <array>")
    url_dict = New(
        "dict",
        children=(
            New("key", text=URL_SCHEMES_KEY),
            New("array", children=(New("string", text=want.app_scheme),)),
        ),
    )
    if url_types is None:
        changes.append(f"added {URL_TYPES_KEY} with the app scheme `{want.app_scheme}`")
        return [(URL_TYPES_KEY, New("array", children=(url_dict,)))]
    if not _xml_has_url_scheme(url_types, want.app_scheme):
        editor.append(url_types, [url_dict])
        changes.append(f"added a {URL_TYPES_KEY} entry for the app scheme `{want.app_scheme}`")
    return []


def _plan_xml_web_content(
    editor: Editor, ats: Node | None, changes: list[str]
) -> list[tuple[str, New]]:
    """NSAppTransportSecurity -> NSAllowsArbitraryLoadsInWebContent = true; nothing else."""
    entry = (New("key", text=WEB_CONTENT_KEY), New("true"))
    if ats is None:
        changes.append(f"added {ATS_KEY} with {WEB_CONTENT_KEY}")
        return [(ATS_KEY, New("dict", children=entry))]
    if ats.tag != "dict":
        raise PatchError(f"{ATS_KEY} is a <{ats.tag}>, not a <dict>")
    value = _pairs(ats).get(WEB_CONTENT_KEY)
    if value is None:
        editor.append(ats, list(entry))
        changes.append(f"added {WEB_CONTENT_KEY} to {ATS_KEY}")
    elif value.tag != "true":
        editor.splice(value.start, value.end, "<true/>")
        changes.append(f"set {ATS_KEY} {WEB_CONTENT_KEY} to true")
    return []


def _pairs(dict_node: Node) -> dict[str, Node]:
    """Key -> value node of a <dict>; a repeated key keeps its last value (as plistlib does)."""
    found: dict[str, Node] = {}
    children = dict_node.children
    for key, value in zip(children[::2], children[1::2], strict=False):
        if key.tag != "key":
            raise PatchError(f"<dict> holds <{key.tag}> where a <key> belongs")
        found[key.text()] = value
    if len(children) % 2:
        raise PatchError("a <dict> key has no value")
    return found


def _xml_has_url_scheme(url_types: Node, scheme: str) -> bool:
    for entry in url_types.children:
        if entry.tag == "dict":
            schemes = _pairs(entry).get(URL_SCHEMES_KEY)
            if schemes is not None and any(s.text() == scheme for s in schemes.children):
                return True
    return False


def _append_pairs(editor: Editor, top: Node, pairs: Sequence[tuple[str, New]]) -> None:
    news: list[New] = []
    for key, value in pairs:
        news += [New("key", text=key), value]
    editor.append(top, news)


def _plan_binary_plist(original: bytes, want: PlistWant) -> Plan:
    _refuse_unreadable_plist(original)
    try:
        data = plistlib.loads(original)
    except (plistlib.InvalidFileException, ValueError, TypeError, OverflowError) as error:
        raise PatchError(f"unreadable binary plist: {error}") from None
    if not isinstance(data, dict):
        raise PatchError("the plist's root value is not a dictionary")
    changes: list[str] = []
    queries = data.get(QUERIES_KEY, [])
    if not isinstance(queries, list):
        raise PatchError(f"{QUERIES_KEY} is not an array")
    decision = decide_queries([v if isinstance(v, str) else None for v in queries], want)
    updated = [
        slot if isinstance(old, str) else old
        for old, slot in zip(queries, decision.slots, strict=True)
        if not (isinstance(old, str) and slot is None)
    ]
    updated += decision.add
    if updated != queries or (QUERIES_KEY not in data and updated):
        data[QUERIES_KEY] = updated
    changes += decision.changes
    url_types = data.get(URL_TYPES_KEY)
    if url_types is not None and not isinstance(url_types, list):
        raise PatchError(f"{URL_TYPES_KEY} is not an array")
    if not has_url_scheme(url_types, want.app_scheme):
        data[URL_TYPES_KEY] = [*(url_types or []), {URL_SCHEMES_KEY: [want.app_scheme]}]
        changes.append(f"added a {URL_TYPES_KEY} entry for the app scheme `{want.app_scheme}`")
    if want.allow_http_content:
        ats = data.setdefault(ATS_KEY, {})
        if not isinstance(ats, dict):
            raise PatchError(f"{ATS_KEY} is not a dictionary")
        if ats.get(WEB_CONTENT_KEY) is not True:
            ats[WEB_CONTENT_KEY] = True
            changes.append(f"set {ATS_KEY} {WEB_CONTENT_KEY} to true")
    if not changes:
        return Plan(original, original, (), decision.notes)
    try:
        new = plistlib.dumps(data, fmt=plistlib.FMT_BINARY, sort_keys=False)
    except (OverflowError, TypeError, ValueError) as error:
        # plistlib reads integers up to 128 bits but writes only 64: such a file cannot be
        # edited in place without losing a value.
        raise PatchError(f"this binary plist cannot be written back: {error}") from None
    return Plan(original, new, tuple(changes), decision.notes)


# --- finishing ----------------------------------------------------------------------------------


def _check_xml(new: bytes) -> None:
    _lxml_root(new)


def _refuse_unreadable_plist(original: bytes) -> None:
    """Refuse a plist lint cannot read (SG0xx) or plistlib cannot load, before any edit.

    Lint's reader bounds depth, so it refuses reference cycles and deep nesting, which
    plistlib returns as recursive lists or fails on with RecursionError; a plist that is
    invalid before the edit would otherwise fail the check of the patched output.
    """
    from schemegen.core.documents import Unreadable
    from schemegen.core.documents import parse as read_plist

    checked = read_plist(original, "Info.plist")
    if isinstance(checked, Unreadable):
        raise PatchError(checked.problem.message)
    try:
        plistlib.loads(original)
    except Exception as error:  # any failure of plistlib on this input is a refusal
        raise PatchError(f"the plist does not load: {error}") from None


def _check_plist(new: bytes) -> None:
    _lxml_root(new)
    try:
        plistlib.loads(new)
    except (plistlib.InvalidFileException, ValueError) as error:
        raise PatchError(f"internal error: the patched plist does not parse: {error}") from None


def _finish(
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
