"""The regular-expression subset `pattern:` values may use, which matches in linear time."""

from __future__ import annotations

from schemegen.core.record import record

MAX_COUNT = 1000  # the largest {n,m} bound; the shipped patterns use {32}
MAX_RANGE = 256  # the widest a-z style range in a class
SUPPORTED = (
    "supported: literal characters, `\\` before punctuation, `.`, classes such as `[0-9a-f]`, "
    "each optionally repeated by `+`, `*`, `?`, `{n}`, `{n,}` or `{n,m}`"
)


@record
class CharClass:
    """A set of characters, or (negated) everything but a set."""

    chars: frozenset[str]
    negated: bool = False

    def disjoint(self, other: CharClass) -> bool:
        if self.negated and other.negated:
            return False
        if self.negated:
            return other.chars <= self.chars
        if other.negated:
            return self.chars <= other.chars
        return not self.chars & other.chars


@record
class Item:
    """One class repeated between `least` and `most` times (`most` None: no bound)."""

    chars: CharClass
    least: int
    most: int | None


class PatternError(ValueError):
    pass


ANY = CharClass(frozenset(), negated=True)


def check(pattern: str) -> tuple[Item, ...]:
    """The items of `pattern`, or PatternError saying why it is outside the subset.

    Each item is a single class under at most one quantifier, so nothing nests. Linear time
    also needs that the matcher never has a choice: where an item may repeat a variable
    number of times, the items that can follow it must not share a character with it (as
    `[0-9]+-` or `fb[0-9]+`). Python's backtracking matcher then never retries a split, so
    `re.fullmatch` runs in time linear in the value.
    """
    items = _parse(pattern)
    for index, item in enumerate(items):
        if item.most == item.least:
            continue
        for following in items[index + 1 :]:
            if not item.chars.disjoint(following.chars):
                raise PatternError(
                    "a repeated class is followed by one that shares characters with it, "
                    "which makes matching slow: make them disjoint (as `[0-9]+-`)"
                )
            if following.least > 0:
                break
    return items


def _parse(pattern: str) -> tuple[Item, ...]:
    items: list[Item] = []
    at = 0
    while at < len(pattern):
        ch = pattern[at]
        if ch in "()|":
            raise PatternError(f"groups and alternation (`{ch}`) are not supported; {SUPPORTED}")
        if ch in "^$":
            raise PatternError("anchors are implied: a pattern always matches the whole value")
        if ch in "*+?{":
            raise PatternError(f"`{ch}` must follow a character or class, once; {SUPPORTED}")
        if ch == "[":
            chars, at = _class(pattern, at + 1)
        elif ch == "\\":
            chars, at = CharClass(frozenset({_escaped(pattern, at + 1)})), at + 2
        elif ch == ".":
            chars, at = ANY, at + 1
        else:
            chars, at = CharClass(frozenset({ch})), at + 1
        least, most, at = _quantifier(pattern, at)
        items.append(Item(chars, least, most))
    return tuple(items)


def _escaped(pattern: str, at: int) -> str:
    if at >= len(pattern):
        raise PatternError("the pattern ends with `\\`")
    ch = pattern[at]
    if ch.isalnum() or ch == "_":
        raise PatternError(
            f"`\\{ch}` (backreferences and class escapes) is not supported: "
            "write the class out, as `[0-9]`"
        )
    return ch


def _class(pattern: str, at: int) -> tuple[CharClass, int]:
    """The class that starts after `[` at `at`, and the position after its `]`."""
    negated = pattern.startswith("^", at)
    at += negated
    chars: set[str] = set()
    first = True
    while True:
        if at >= len(pattern):
            raise PatternError("a `[` class is not closed")
        ch = pattern[at]
        if ch == "]" and not first:
            return CharClass(frozenset(chars), negated), at + 1
        if ch == "[":
            raise PatternError("write `\\[` for a `[` inside a class")
        escaped = ch == "\\"
        if escaped:
            ch, at = _escaped(pattern, at + 1), at + 1
        elif not first and ch in _SET_OPERATORS and pattern.startswith(ch, at + 1):
            raise _set_operator(ch)
        first = False
        if pattern.startswith("-", at + 1) and not pattern.startswith("-]", at + 1):
            end = pattern[at + 2 : at + 3]
            if end == "\\":
                end = _escaped(pattern, at + 3)
                at += 1
            elif end == "-":
                raise _set_operator(end)
            if not end or ord(end) < ord(ch) or ord(end) - ord(ch) > MAX_RANGE:
                raise PatternError(f"the range `{ch}-{end}` is reversed or too wide")
            chars.update(chr(c) for c in range(ord(ch), ord(end) + 1))
            at += 3
        else:
            chars.add(ch)
            at += 1


# Doubled inside a class, these are the set operations Python's `re` reserves (it warns now and
# may change their meaning), so the pattern would not mean what it says for long.
_SET_OPERATORS = "-&~|"


def _set_operator(ch: str) -> PatternError:
    return PatternError(
        f"`{ch}{ch}` inside a class is reserved for set operations: escape one (`{ch}\\{ch}`)"
    )


def _quantifier(pattern: str, at: int) -> tuple[int, int | None, int]:
    """(least, most, position after) of the quantifier at `at`, (1, 1, at) for none."""
    ch = pattern[at : at + 1]
    if ch == "+":
        least, most, at = 1, None, at + 1
    elif ch == "*":
        least, most, at = 0, None, at + 1
    elif ch == "?":
        least, most, at = 0, 1, at + 1
    elif ch == "{":
        end = pattern.find("}", at)
        low, comma, high = pattern[at + 1 : end].partition(",") if end > 0 else ("", "", "")
        if not (low.isascii() and low.isdigit() and (not high or high.isdigit())):
            raise PatternError("a `{` must be a count `{n}`, `{n,}` or `{n,m}`; write `\\{`")
        least = int(low[:5])
        most = (int(high[:5]) if high else None) if comma else least
        if least > MAX_COUNT or (most is not None and not least <= most <= MAX_COUNT):
            raise PatternError(f"counts go up to {MAX_COUNT}, lowest first")
        at = end + 1
    else:
        return 1, 1, at
    if pattern[at : at + 1] in ("*", "+", "?", "{"):
        raise PatternError("quantifiers cannot be stacked or made lazy/possessive")
    return least, most, at
