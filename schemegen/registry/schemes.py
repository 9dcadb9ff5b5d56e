"""Scheme and package syntax, app-scheme normalisation, near-miss suggestions."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable
from functools import lru_cache

from schemegen.core.record import record
from schemegen.core.regex import lazy

# RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
_SCHEME = lazy(r"[A-Za-z][A-Za-z0-9+.\-]*")
# Android application ids: two or more Java identifiers of ASCII letters, digits, `_`.
_PACKAGE = lazy(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_APP_STORE_ID = lazy(r"id[0-9]+")
_IDENTIFIER = lazy(r"[A-Za-z_][A-Za-z0-9_]*")
_JAVA_KEYWORDS = frozenset(
    """abstract assert boolean break byte case catch char class const continue default do
    double else enum extends final finally float for goto if implements import instanceof int
    interface long native new package private protected public return short static strictfp
    super switch synchronized this throw throws transient try void volatile while true false
    null var yield record sealed permits fun val object when typealias in is as""".split()
)


def is_scheme_syntax(value: str) -> bool:
    """True when `value` is an RFC 3986 scheme (any case)."""
    return _SCHEME.fullmatch(value) is not None


def is_valid_scheme(value: str) -> bool:
    """True for a canonical scheme: RFC 3986 syntax and lower case (Android matches exactly)."""
    return is_scheme_syntax(value) and value == value.lower()


def is_valid_package(value: str) -> bool:
    """True for an Android application id (Java package grammar, two segments or more)."""
    return _PACKAGE.fullmatch(value) is not None


def is_app_store_id(value: str) -> bool:
    return _APP_STORE_ID.fullmatch(value) is not None


def is_identifier(value: str) -> bool:
    """A name usable as a class-name prefix in Java, Kotlin, Swift and Objective-C."""
    return value == "" or (_IDENTIFIER.fullmatch(value) is not None and value not in _JAVA_KEYWORDS)


def is_java_package_name(value: str) -> bool:
    """A dotted Java/Kotlin package name whose segments are not keywords."""
    parts = value.split(".")
    return all(
        _IDENTIFIER.fullmatch(part) is not None and part not in _JAVA_KEYWORDS for part in parts
    )


def scheme_problem(value: str) -> str | None:
    """Why `value` is not a usable scheme, or None when it is."""
    if value == "":
        return "is empty"
    if "://" in value or value.endswith(":/") or value.endswith(":"):
        return "must not contain `:` or `//`: write the bare scheme"
    if any(ch.isspace() for ch in value):
        return "contains whitespace"
    if not is_scheme_syntax(value):
        return "is not an RFC 3986 scheme (a letter, then letters, digits, `+`, `-` or `.`)"
    if value != value.lower():
        return "has upper-case letters (Android matches schemes case-sensitively)"
    return None


@record
class AppScheme:
    """The merchant app's return scheme: bare for manifests and plists, a URL for the JS call."""

    scheme: str
    url: str


class AppSchemeError(ValueError):
    pass


def parse_app_scheme(value: str) -> AppScheme:
    """Accept `myshop`, `myshop://` or `myshop://path?x=1`; refuse anything else."""
    scheme, sep, rest = value.partition("://")
    if not sep and ":" in value:
        raise AppSchemeError(f"`{value}` is not a scheme: use `myshop` or `myshop://path`")
    problem = scheme_problem(scheme)
    if problem is not None:
        raise AppSchemeError(f"app scheme `{scheme}` {problem}")
    if any(ch.isspace() or ord(ch) < 0x21 or ord(ch) > 0x7E for ch in rest):
        raise AppSchemeError(f"app scheme URL `{value}` contains spaces or non-ASCII characters")
    return AppScheme(scheme=scheme, url=f"{scheme}://{rest}")


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, cut short at `limit + 1` (only small distances matter).

    Only the diagonal band of `limit` cells either side is computed: a path leaving it
    costs more than `limit`, so the work grows with the length alone. Row `i` keeps column
    `j` at `j - i + limit`.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    width = 2 * limit + 1
    previous = [(d - limit) if 0 <= d - limit <= len(b) else over for d in range(width)]
    for i, ca in enumerate(a, 1):
        current = [over] * width
        for d in range(width):
            j = i + d - limit
            if j < 0 or j > len(b):
                continue
            if j == 0:
                current[d] = i if i <= limit else over
                continue
            best = previous[d] + (ca != b[j - 1])  # diagonal: same offset in the row above
            if d + 1 < width:
                best = min(best, previous[d + 1] + 1)  # from above
            if d > 0:
                best = min(best, current[d - 1] + 1)  # from the left
            current[d] = min(best, over)
        if min(current) > limit:
            return over
        previous = current
    return previous[len(b) - len(a) + limit]


@lru_cache(maxsize=1024)
def _segments(length: int, parts: int) -> tuple[tuple[int, int], ...]:
    """(start, end) of `parts` nearly equal, disjoint pieces of a string of `length`."""
    bounds = [length * i // parts for i in range(parts + 1)]
    return tuple(itertools.pairwise(bounds))


class NearMissIndex:
    """Known values keyed by pieces of themselves, for near-miss lookups (pigeonhole filter).

    Each known value is cut into `limit + 1` pieces. `limit` edits touch at most `limit`
    of them, so a value within `limit` edits holds one piece unchanged, shifted by at most
    `limit` places: a lookup costs a fixed number of dictionary probes, however many values
    are known. `__slots__`: one index serves a whole run.
    """

    __slots__ = ("_by_piece", "folded", "limit")

    def __init__(self, known: Iterable[str], limit: int = 2) -> None:
        self.limit = limit
        # (length, piece number) -> piece -> values: one lookup per piece position, then
        # plain string keys for the shifted probes.
        self._by_piece: dict[tuple[int, int], dict[str, list[str]]] = {}
        folded = set()
        for candidate in dict.fromkeys(known):
            lower = candidate.lower()
            folded.add(lower)
            for part, (start, end) in enumerate(_segments(len(lower), limit + 1)):
                pieces = self._by_piece.setdefault((len(lower), part), {})
                pieces.setdefault(lower[start:end], []).append(candidate)
        self.folded = frozenset(folded)

    def candidates(self, value: str, limit: int, most: int | None = None) -> list[str]:
        """Known values that may be within `limit` edits of `value` (a superset, in order).

        `most` stops the search once that many are found, bounding the work for values
        with crowded neighbourhoods.
        """
        folded = value.lower()
        limit = min(limit, self.limit)
        found: dict[str, None] = {}
        size = len(folded)
        for length in range(max(size - limit, 0), size + limit + 1):
            for part, (start, end) in enumerate(_segments(length, self.limit + 1)):
                pieces = self._by_piece.get((length, part))
                if pieces is None:
                    continue
                width = end - start
                for at in range(max(start - limit, 0), min(start + limit, size - width) + 1):
                    for candidate in pieces.get(folded[at : at + width], ()):
                        found[candidate] = None
                        if most is not None and len(found) >= most:
                            return list(found)
        return list(found)

    def near_misses(self, value: str, limit: int = 2) -> tuple[str, ...]:
        """Known values within `limit` edits of `value` (case-insensitive), closest first.

        A value that is itself known is never a near miss of anything.
        """
        folded = value.lower()
        if folded in self.folded:
            return ()
        scored = sorted(
            (distance, candidate)
            for candidate in self.candidates(value, limit)
            if (distance := edit_distance(folded, candidate.lower(), limit)) <= limit
        )
        return tuple(candidate for _, candidate in scored)


_INDEXES: dict[int, tuple[Iterable[str], NearMissIndex]] = {}


def near_miss_index(known: Iterable[str]) -> NearMissIndex:
    """The index of `known`, built once per collection (registries live for the whole run)."""
    cached = _INDEXES.get(id(known))
    if cached is not None and cached[0] is known:
        return cached[1]
    index = NearMissIndex(known)
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    # `known` is kept in the entry so that its id cannot be reused while the entry lives.
    _INDEXES[id(known)] = (known, index)
    return index


def near_misses(value: str, known: Iterable[str], limit: int = 2) -> tuple[str, ...]:
    """Known values within `limit` (at most 2) edits of `value` (case-insensitive), closest first.

    A value that is itself known is never a near miss of anything.
    """
    return near_miss_index(known).near_misses(value, limit)


# Shapes of unfilled sample values: `YOUR_SCHEME`, `kakao0123456789abcdefghijklmn`, `<scheme>`.
_PLACEHOLDER_SHAPE = lazy(r"(^|[_\-.])your|0123456789|abcdefgh|x{4,}|[<>]")


def placeholder_reason(value: str, placeholders: Collection[str]) -> str | None:
    """Why `value` looks copied from sample code (the registry's `placeholders`), or None."""
    folded = value.strip().lower()
    if not folded:
        return "is empty"
    if folded in placeholders or _PLACEHOLDER_SHAPE.search(folded):
        return "looks like a placeholder from sample code"
    return None
