"""Scheme and package syntax, app-scheme normalisation, near-miss suggestions."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

# RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# Android application ids: two or more Java identifiers of ASCII letters, digits, `_`.
_PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_APP_STORE_ID = re.compile(r"id[0-9]+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
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


@dataclass(frozen=True)
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
    """Levenshtein distance, cut short at `limit + 1` (only small distances matter)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def near_misses(value: str, known: Iterable[str], limit: int = 2) -> tuple[str, ...]:
    """Known values within `limit` edits of `value` (case-insensitive), closest first.

    A value that is itself known is never a near miss of anything.
    """
    known = tuple(known)
    folded = value.lower()
    if folded in {k.lower() for k in known}:
        return ()
    scored = sorted(
        (distance, candidate)
        for candidate in known
        if (distance := edit_distance(folded, candidate.lower(), limit)) <= limit
    )
    return tuple(candidate for _, candidate in scored)


# Shapes of unfilled sample values: `YOUR_SCHEME`, `kakao0123456789abcdefghijklmn`, `<scheme>`.
_PLACEHOLDER_SHAPE = re.compile(r"(^|[_\-.])your|0123456789|abcdefgh|x{4,}|[<>]")


def placeholder_reason(value: str, placeholders: Collection[str]) -> str | None:
    """Why `value` looks copied from sample code (the registry's `placeholders`), or None."""
    folded = value.strip().lower()
    if not folded:
        return "is empty"
    if folded in placeholders or _PLACEHOLDER_SHAPE.search(folded):
        return "looks like a placeholder from sample code"
    return None
