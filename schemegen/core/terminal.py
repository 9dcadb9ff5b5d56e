"""Input text made safe to print: control characters escaped, spreadsheet formulas defused."""

from __future__ import annotations

from schemegen.core.regex import lazy

# DEL and the C1 controls: json.dumps(ensure_ascii=False) leaves them raw, and some
# terminals act on them (0x9b is CSI); a lone surrogate could not even be written as UTF-8.
_JSON_RAW_CONTROLS = lazy("[\x7f-\x9f\ud800-\udfff]")
# OWASP "CSV Injection": cells starting with these are formulas to a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """`text` with every unprintable character (ESC, BEL, CR, LF, ...) as a Python escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 controls and lone surrogates as `\\uXXXX` escapes (same JSON)."""
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula character gets a `'`."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
