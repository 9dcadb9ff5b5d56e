"""Hardened reading of manifests and plists: size limits before reading, encodings, no entities."""
# ruff: noqa: PTH118, PTH120  # os.path on str paths: pathlib costs start-up on the lint path

from __future__ import annotations

import os
import re
import stat
import struct
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from schemegen.core.documents import (
    ANDROID_NS,
    APPLE_PLIST_DTDS,
    MAX_BYTES,
    MAX_DEPTH,
    TOOLS_NS,
    Document,
    Manifest,
    Node,
    PArray,
    PDict,
    PEntry,
    Plist,
    Problem,
    ProblemKind,
    PScalar,
    PValue,
    Unreadable,
)
from schemegen.core.gradle import read_target_sdk
from schemegen.core.header import HEADER_MARKER, read_header
from schemegen.core.record import replace
from schemegen.core.regex import lazy

if TYPE_CHECKING:
    import datetime as dt

    from lxml import etree


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_TOO_LARGE = Problem(
    ProblemKind.TOO_LARGE, None, f"file is larger than {MAX_BYTES // 1_000_000} MB"
)


def parse(data: bytes, path: str) -> Document:
    """Turn the bytes of a manifest or plist into a document, or say why it cannot be read."""
    try:
        if len(data) > MAX_BYTES:
            raise _Refused(_TOO_LARGE)
        if data.startswith(b"bplist"):
            return Plist(path, _binary_plist(data), binary=True)
        root = _parse_xml(data)
        header, header_line = None, None
        if _mentions(data[:4000], HEADER_MARKER):
            text = _prescan_text(data[:4000])
            header = read_header(text)
            header_line = _line_of(text, text.find(HEADER_MARKER)) if header else None
        tag = _local(root)
        if tag == "manifest":
            return Manifest(path, _node(root), header, header_line)
        if tag == "plist":
            return Plist(path, _xml_plist(root), header=header, header_line=header_line)
        raise _Refused(
            Problem(
                ProblemKind.WRONG_ROOT,
                _line(root),
                f"root element is `<{tag}>`, neither `<manifest>` (AndroidManifest.xml) nor "
                "`<plist>` (Info.plist)",
            )
        )
    except _Refused as refused:
        return Unreadable(path, refused.problem)


def parse_strings(data: bytes) -> dict[str, str]:
    """`<string name="x">value</string>` entries of res/values/strings.xml; {} when unusable."""
    try:
        root = _parse_xml(data)
    except _Refused:
        return {}
    return {
        name: "".join(str(t) for t in child.itertext()).strip()
        for child in root
        if _local(child) == "string" and (name := child.get("name")) is not None
    }


class ReadError(OSError):
    """A file refused before or while reading; the message names it and says why."""

    def __init__(self, shown: str, reason: str, *, too_large: bool = False) -> None:
        super().__init__(f"{shown}: {reason}")
        self.reason = reason
        self.too_large = too_large


_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _kind_of(mode: int) -> str:
    return next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")


def _limit_text(limit: int) -> str:
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit} bytes"


def read_limited(
    path: str | os.PathLike[str], limit: int = MAX_BYTES, display: str | None = None
) -> bytes:
    """The bytes of the regular file at `path`, refusing anything larger than `limit`.

    The file is opened without blocking (a FIFO with no writer would wait forever) and its
    type and size are checked on the open descriptor before a byte is read: a symlink to
    /dev/zero or a FIFO is refused, not read.
    """
    shown = display if display is not None else os.fspath(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise ReadError(shown, error.strerror or str(error)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(shown, f"is {_kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise ReadError(shown, f"file is larger than {_limit_text(limit)}", too_large=True)
        data = _read_bounded(descriptor, info.st_size, limit)
    except ReadError:
        raise
    except OSError as error:
        raise ReadError(shown, error.strerror or str(error)) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise ReadError(shown, f"file is larger than {_limit_text(limit)}", too_large=True)
    return data


def read_document(path: str | os.PathLike[str], display: str | None = None) -> Document:
    """Read and parse one file (and `res/values/strings.xml` next to a manifest)."""
    # Plain `os` calls: lint reads thousands of files and pathlib objects cost more than the read.
    name = os.fspath(path)
    shown = display if display is not None else name
    try:
        data = read_limited(name, MAX_BYTES, shown)
    except ReadError as error:
        if error.too_large:
            return Unreadable(shown, _TOO_LARGE)
        problem = Problem(ProblemKind.UNREADABLE, None, f"cannot read: {error.reason}")
        return Unreadable(shown, problem)
    document = parse(data, shown)
    if isinstance(document, Manifest):
        strings, build_target = _strings_beside(name), read_target_sdk(name)
        if strings or build_target is not None:
            document = replace(document, strings=strings, build_target_sdk=build_target)
    return document


def _strings_beside(manifest: str) -> dict[str, str]:
    """The strings of `res/values/strings.xml` beside a manifest, if it resolves inside its folder.

    A symlink (of the file or of `res`, `values`) that leads out of the manifest's folder is
    not followed: lint reads nothing outside the folders it was given.
    """
    folder = os.path.dirname(manifest) or "."
    strings = os.path.join(folder, "res", "values", "strings.xml")
    try:
        # three lstat calls in the usual case; realpath (one per path component) only for links
        linked = any(
            stat.S_ISLNK(os.lstat(os.path.join(folder, *parts)).st_mode)
            for parts in (("res",), ("res", "values"), ("res", "values", "strings.xml"))
        )
    except OSError:
        return {}
    if linked:
        real_folder = os.path.realpath(folder)
        strings = os.path.realpath(strings)
        if os.path.commonpath([real_folder, strings]) != real_folder:
            return {}
    try:
        return parse_strings(read_limited(strings))
    except ReadError:
        return {}


def _read_bounded(descriptor: int, size: int, limit: int = MAX_BYTES) -> bytes:
    """Up to `limit` + 1 bytes of the file `descriptor` (one more than allowed shows a file is
    too large), read with os.read: a file object per file costs lint more than the read."""
    # os.read(n) allocates n bytes before reading: asking for the 10 MB limit costs more than
    # reading a small manifest, so ask for the size the file has, plus one byte to see it end.
    parts: list[bytes] = []
    got = 0
    want = min(size, limit) + 1
    while got <= limit:
        chunk = os.read(descriptor, want - got if got < want else min(_CHUNK, limit + 1 - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


_CHUNK = 1 << 16  # reads past the size the file had (it grew, or reports none, as /proc does)


_DOCTYPE = lazy(
    r"<!DOCTYPE\s+(?P<name>[^\s\[>]+)\s*"
    r"(?:(?:PUBLIC\s+(?P<q1>[\"'])(?P<public>.*?)(?P=q1)\s+|SYSTEM\s+)"
    r"(?P<q2>[\"'])(?P<system>.*?)(?P=q2)\s*)?(?P<end>[\[>])",
    re.S,
)


def _prescan_text(data: bytes) -> str:
    """The bytes as text for scanning: UTF-16 decoded, anything else byte for byte."""
    codec = _wide_codec(data)
    return data.decode("latin-1") if codec is None else data.decode(codec, errors="replace")


_UTF32 = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x00\x00\x00<", b"<\x00\x00\x00")


_UTF32_ODD = (b"\x00\x00<\x00", b"\x00<\x00\x00")  # the two unusual octet orders


_EBCDIC = b"\x4c\x6f\xa7\x94"  # `<?xm` in EBCDIC, which libxml2 detects as well


_DECLARED = lazy(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']{0,40})[\"']")


def _wide_codec(data: bytes) -> str | None:
    """The codec of UTF-16 text; None when the bytes are scanned as they are."""
    if data[:1] == b"<" and data[1:2] != b"\x00":
        return None  # the usual `<?xml` or `<manifest`: no BOM, not UTF-16
    if data.startswith(b"\xff\xfe") and not data.startswith(b"\xff\xfe\x00\x00"):
        return "utf-16"
    if data.startswith(b"\xfe\xff"):
        return "utf-16"
    if data[:2] == b"<\x00" and data[2:4] != b"\x00\x00":
        return "utf-16-le"
    if data[:2] == b"\x00<":
        return "utf-16-be"
    return None


def xml_encoding_problem(data: bytes) -> str | None:
    """Why `data` is in an encoding other than UTF-8, UTF-16 or an ASCII-compatible
    single-byte one (which the entity scan reads correctly); None when it is not.

    libxml2 guesses the encoding from the first four bytes (XML 1.0 appendix F), then
    switches to the one the XML declaration names: both steps are mirrored here.
    """
    head = data[:4]
    if head.startswith(_UTF32) or head in _UTF32_ODD:
        return "UTF-32 text is not accepted: save the file as UTF-8"
    if head == _EBCDIC:
        return "EBCDIC text is not accepted: save the file as UTF-8"
    wide = _wide_codec(data)
    if wide is not None:
        text = data[:1024].decode(wide, errors="replace").lstrip("\ufeff")
        found = _DECLARED.match(text.encode("ascii", errors="replace"))
        declared = found[1].decode("ascii") if found else "UTF-16"
        if _codec_name(declared).startswith("utf_16"):
            return None
        return f"UTF-16 text that declares encoding `{declared}` is not accepted"
    return _declared_problem(data)


def _declared_problem(data: bytes) -> str | None:
    """The encoding an ASCII-compatible file declares, if it is not an accepted one."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    found = _DECLARED.match(data, start, start + 1024)
    if found is None:
        return None
    declared = found[1].decode("latin-1")
    if start and _codec_name(declared) != "utf_8":
        return f"a UTF-8 file (it has a byte-order mark) that declares `{declared}` is refused"
    if _codec_name(declared) == "utf_8" or _single_byte_ascii(declared):
        return None
    return f"encoding `{declared}` is not accepted: save the file as UTF-8"


@lru_cache(maxsize=64)
def _codec_name(name: str) -> str:
    """Python's name for an encoding label (`utf_8`, `iso8859_1`, ...); `` when unknown."""
    import codecs

    try:
        return codecs.lookup(name).name.replace("-", "_")
    except (LookupError, ValueError):
        return ""


@lru_cache(maxsize=64)
def _single_byte_ascii(name: str) -> bool:
    """An encoding that maps every byte to one character, and the ASCII bytes to ASCII."""
    if not _codec_name(name) or _codec_name(name).startswith(("utf", "cp65001")):
        return False
    ascii_bytes = bytes(range(128))
    try:
        decoded = bytes(range(256)).decode(name, errors="replace")
        return len(decoded) == 256 and decoded[:128] == ascii_bytes.decode("ascii")
    except (LookupError, ValueError, TypeError):
        return False


def _mentions(data: bytes, ascii_text: str) -> bool:
    """Whether the scan text of `data` may contain `ascii_text` (no decoding when surely not)."""
    return _wide_codec(data) is not None or ascii_text.encode() in data


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def unsafe_xml(data: bytes) -> str | None:
    """Why `data` is refused before parsing (its encoding, entities, DTD subsets or files)."""
    try:
        _refuse_dtd_tricks(data)
    except _Refused as refused:
        return refused.problem.message
    return None


def _refuse_dtd_tricks(data: bytes) -> None:
    """Refuse entity declarations, internal subsets and external DTDs before parsing."""
    problem = xml_encoding_problem(data)
    if problem is not None:
        raise _Refused(Problem(ProblemKind.XML_SYNTAX, 1, problem))
    if not (_mentions(data, "<!ENTITY") or _mentions(data, "<!DOCTYPE")):
        return  # most manifests have no DTD: no need to decode and search them
    text = _prescan_text(data)
    entity = text.find("<!ENTITY")
    if entity >= 0:
        raise _Refused(
            Problem(
                ProblemKind.UNSAFE_XML,
                _line_of(text, entity),
                "entity declarations are refused (they are never expanded): remove the DTD",
            )
        )
    match = _DOCTYPE.search(text)
    if match is None:
        return
    line = _line_of(text, match.start())
    if match["end"] == "[":
        raise _Refused(
            Problem(
                ProblemKind.UNSAFE_XML,
                line,
                "a DOCTYPE with an internal subset is refused: remove it",
            )
        )
    system = match["system"]
    if system is not None and not (match["name"] == "plist" and system in APPLE_PLIST_DTDS):
        raise _Refused(
            Problem(
                ProblemKind.UNSAFE_XML,
                line,
                f"external DTD `{system}` is refused (it is never loaded): remove the DOCTYPE",
            )
        )


@lru_cache(maxsize=1)  # one parser for every file: building one costs a tenth of a parse
def _xml_parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_blank_text=False,
    )


def _parse_xml(data: bytes) -> etree._Element:
    from lxml import etree

    _refuse_dtd_tricks(data)
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno and error.lineno > 0 else None
        raise _Refused(
            Problem(ProblemKind.XML_SYNTAX, line, f"XML syntax error: {error.msg}")
        ) from None
    except (etree.LxmlError, ValueError) as error:
        raise _Refused(
            Problem(ProblemKind.XML_SYNTAX, None, f"cannot parse XML: {error}")
        ) from None
    if root is None:
        raise _Refused(Problem(ProblemKind.XML_SYNTAX, None, "XML syntax error: no root element"))
    _refuse_parsed_dtd(root)
    for node in root.iter(etree.Entity):
        raise _Refused(
            Problem(
                ProblemKind.UNSAFE_XML,
                _line(node),
                "entity references are refused (they are never expanded)",
            )
        )
    return root


def _refuse_parsed_dtd(root: etree._Element) -> None:
    """What the scan before parsing refuses, checked again on what libxml2 actually read.

    The scan reads the encodings accepted above; this holds whatever the encoding, since
    lxml expands internal entities in attribute values even with `resolve_entities=False`.
    """
    info = root.getroottree().docinfo
    encoding = info.encoding or "UTF-8"
    codec = _codec_name(encoding)
    if not (codec.startswith(("utf_8", "utf_16")) or _single_byte_ascii(encoding)):
        raise _Refused(
            Problem(
                ProblemKind.XML_SYNTAX,
                1,
                f"encoding `{encoding}` is not accepted: save the file as UTF-8",
            )
        )
    dtd = info.internalDTD
    # lxml-stubs lack DTD.entities/elements and DocInfo.system_url (lxml has them since 2.x)
    if dtd is not None and (dtd.entities() or dtd.elements()):  # type: ignore[attr-defined]
        raise _Refused(
            Problem(
                ProblemKind.UNSAFE_XML,
                1,
                "a DOCTYPE with an internal subset is refused: remove it",
            )
        )
    system: str | None = info.system_url  # type: ignore[attr-defined]
    if system is not None and not (_local(root) == "plist" and system in APPLE_PLIST_DTDS):
        raise _Refused(
            Problem(
                ProblemKind.UNSAFE_XML,
                1,
                f"external DTD `{system}` is refused (it is never loaded): remove the DOCTYPE",
            )
        )


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _local(element: etree._Element) -> str:
    tag = element.tag
    return _local_name(tag) if isinstance(tag, str) else ""


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


_PREFIXES = {ANDROID_NS: "android:", TOOLS_NS: "tools:"}
_ELEMENTS = "*"  # lxml's tag filter for elements only: no comments, PIs or entities, in C


# Manifests repeat a handful of attribute names thousands of times; bounded, as names are input.
@lru_cache(maxsize=4096)
def _attr_name(name: str) -> str:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return _PREFIXES.get(namespace, f"{{{namespace}}}") + local
    return name


# Named tuples built without the Python-level __new__ their class generates: the element and
# plist value builders make one per element of every file, and that call doubles the cost.
_new = tuple.__new__


def _node(element: etree._Element) -> Node:
    # The hottest loop of lint: one call per element of every manifest, so kept lean.
    tag: str = element.tag  # an element: callers iterate `_ELEMENTS`, whose tags are strings
    items = element.items()
    return _new(
        Node,
        (
            tag if tag[0] != "{" else _local_name(tag),
            {_attr_name(k): v for k, v in items} if items else {},
            element.sourceline or 0,
            tuple([_node(child) for child in element.iterchildren(_ELEMENTS)]),
        ),
    )


def _bad(element: etree._Element | None, message: str) -> _Refused:
    line = _line(element) if element is not None else None
    return _Refused(Problem(ProblemKind.BAD_PLIST, line, message))


def _xml_plist(root: etree._Element) -> PDict:
    children = list(root.iterchildren(_ELEMENTS))
    if len(children) != 1:
        raise _bad(root, f"`<plist>` must hold exactly one value, not {len(children)}")
    value = _xml_value(children[0])
    if not isinstance(value, PDict):
        raise _Refused(
            Problem(
                ProblemKind.WRONG_ROOT,
                value.line,
                "the top-level value of an Info.plist must be a `<dict>`",
            )
        )
    return value


def _xml_value(element: etree._Element) -> PValue:
    # One call per element of every XML plist, so kept lean: the common `<string>` leaf first.
    tag: str = element.tag  # an element: callers iterate `_ELEMENTS`, whose tags are strings
    if tag[0] == "{":
        tag = _local_name(tag)
    line: int | None = element.sourceline  # type: ignore[assignment] # int or None at run time
    if tag == "string" and not len(element):
        return _new(PScalar, (element.text or "", tag, line))
    children = list(element.iterchildren(_ELEMENTS))
    if tag == "dict":
        entries = []
        for index in range(0, len(children), 2):
            key = children[index]
            if key.tag != "key" and _local(key) != "key":
                raise _bad(key, f"expected `<key>` in `<dict>`, found `<{_local(key)}>`")
            if index + 1 >= len(children):
                raise _bad(key, f"key `{key.text or ''}` has no value")
            value = _xml_value(children[index + 1])
            entries.append(_new(PEntry, (key.text or "", key.sourceline, value)))
        return PDict(tuple(entries), line)
    if tag == "array":
        return PArray(tuple([_xml_value(child) for child in children]), line)
    if children:
        raise _bad(element, f"`<{tag}>` cannot contain elements")
    text = (element.text or "").strip()
    if tag not in _SCALARS:
        raise _bad(element, f"`<{tag}>` is not a plist value")
    try:
        return PScalar(_SCALARS[tag](element.text or ""), tag, _line(element))
    except (ValueError, TypeError) as error:
        raise _bad(element, f"invalid `<{tag}>` value `{text[:40]}`: {error}") from None


def _integer(text: str) -> int:
    text = text.strip()
    return int(text, 16) if text.lower().startswith(("0x", "-0x")) else int(text)


def _data(text: str) -> bytes:
    import base64

    return base64.b64decode("".join(text.split()), validate=True)


_SCALARS: dict[str, Callable[[str], str | int | float | bool | bytes | dt.datetime]] = {
    "string": str,
    "integer": _integer,
    "real": lambda text: float(text.strip()),
    "true": lambda _: True,
    "false": lambda _: False,
    "date": lambda text: _datetime().fromisoformat(text.strip().replace("Z", "+00:00")),
    "data": _data,
}


def _datetime() -> type[dt.datetime]:
    import datetime

    return datetime.datetime


def _binary_plist(data: bytes) -> PDict:
    import plistlib  # only here: a manifest-only lint never pays for plistlib and datetime

    try:
        loaded = plistlib.loads(data, fmt=plistlib.FMT_BINARY)
        value = _from_python(loaded)
    except (
        plistlib.InvalidFileException,
        ValueError,
        OverflowError,
        RecursionError,
        struct.error,
        IndexError,
        KeyError,
        TypeError,
        AttributeError,
        MemoryError,
        UnicodeDecodeError,
        EOFError,
    ) as error:
        detail = str(error) or type(error).__name__
        raise _Refused(
            Problem(ProblemKind.BAD_PLIST, None, f"invalid or truncated binary plist: {detail}")
        ) from None
    if not isinstance(value, PDict):
        raise _Refused(
            Problem(
                ProblemKind.WRONG_ROOT,
                None,
                "the top-level value of an Info.plist must be a dictionary",
            )
        )
    return value


_KINDS = {int: "integer", float: "real", str: "string", bytes: "data"}


def _from_python(value: Any, depth: int = 0) -> PValue:
    if depth > MAX_DEPTH:
        raise ValueError(f"values nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"dictionary key `{key!r:.40}` is not a string")
        return PDict(
            tuple(PEntry(str(k), None, _from_python(v, depth + 1)) for k, v in value.items()), None
        )
    if isinstance(value, list | tuple):
        return PArray(tuple(_from_python(v, depth + 1) for v in value), None)
    if isinstance(value, bool):
        return PScalar(value, "true" if value else "false", None)
    if isinstance(value, int | float | str | bytes):
        return PScalar(value, _KINDS[type(value)], None)
    import plistlib

    if isinstance(value, _datetime()):
        return PScalar(value, "date", None)
    if isinstance(value, plistlib.UID):
        return PScalar(value.data, "integer", None)
    raise TypeError(f"unsupported plist value {type(value).__name__}")
