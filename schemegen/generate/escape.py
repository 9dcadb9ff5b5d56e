"""String-literal escaping for every language schemegen generates.

Everything outside printable ASCII is written as an escape, so a generated file is ASCII
and no input character can end a literal, a line or a comment in any target language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

_SIMPLE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _utf16_escape(code: int) -> str:
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def _octal_or_utf16(code: int) -> str:
    # Java turns \uXXXX into the raw character before lexing, so control characters must
    # be octal escapes there; octal also suits C, which forbids universal names below U+00A0.
    return f"\\{code:03o}" if code < 0xA0 else _utf16_escape(code)


def _c_escape(code: int) -> str:
    if code < 0xA0:
        return f"\\{code:03o}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _escape(value: str, escape_code: Callable[[int], str], extra: dict[str, str]) -> str:
    out: list[str] = []
    for ch in value:
        code = ord(ch)
        if ch in extra:
            out.append(extra[ch])
        elif ch in _SIMPLE:
            out.append(_SIMPLE[ch])
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append(escape_code(0xFFFD))  # a lone surrogate has no encoding anywhere
        else:
            out.append(escape_code(code))
    return "".join(out)


def java_string(value: str) -> str:
    """A Java string literal, quotes included."""
    return '"' + _escape(value, _octal_or_utf16, {}) + '"'


def kotlin_string(value: str) -> str:
    """A Kotlin string literal; `$` is escaped so no template expression can start."""
    return '"' + _escape(value, _utf16_escape, {"$": "\\$"}) + '"'


def swift_string(value: str) -> str:
    """A Swift string literal; a backslash is always doubled, so `\\(` never interpolates."""
    return '"' + _escape(value, lambda code: f"\\u{{{code:x}}}", {}) + '"'


def dart_string(value: str) -> str:
    """A Dart string literal; `$` is escaped so no interpolation can start."""
    return '"' + _escape(value, lambda code: f"\\u{{{code:x}}}", {"$": "\\$"}) + '"'


def line_comment(value: str) -> str:
    """Text for a `//` comment: printable ASCII kept, anything else as `\\uXXXX`."""
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else f"\\u{ord(ch):04x}" for ch in value)


def objc_string(value: str) -> str:
    """An Objective-C NSString literal `@"..."`; `?` is escaped so no trigraph can form."""
    return '@"' + _escape(value, _c_escape, {"?": "\\?"}) + '"'


def js_string(value: str) -> str:
    """A JavaScript string literal (JSON), safe inside `<script>` and across line terminators."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_XML_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"))


def xml_text(value: str) -> str:
    """Text or attribute content for XML and plists; quotes escaped, illegal characters replaced."""
    text = _XML_ILLEGAL.sub("\ufffd", value)
    for raw, entity in _XML_ENTITIES:
        text = text.replace(raw, entity)
    return text
