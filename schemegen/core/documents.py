"""Hardened parsing of AndroidManifest.xml and Info.plist (XML or binary), keeping lines."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from schemegen.core.header import HeaderInfo
from schemegen.core.record import field, record
from schemegen.core.regex import lazy

if TYPE_CHECKING:
    import datetime as dt


MAX_BYTES = 10_000_000


MAX_DEPTH = 200  # libxml2 stops XML at 256 levels; binary plists get a similar bound


ANDROID_NS = "http://schemas.android.com/apk/res/android"


TOOLS_NS = "http://schemas.android.com/tools"


APPLE_PLIST_DTDS = frozenset(
    {
        "http://www.apple.com/DTDs/PropertyList-1.0.dtd",
        "https://www.apple.com/DTDs/PropertyList-1.0.dtd",
        "file://localhost/System/Library/DTDs/PropertyList.dtd",
    }
)


ACTION_MAIN = "android.intent.action.MAIN"


CATEGORY_LAUNCHER = "android.intent.category.LAUNCHER"


COMPONENTS = ("activity", "activity-alias", "service", "receiver", "provider")


class ProblemKind(StrEnum):
    """Why a file could not be turned into a document; each kind has an input rule."""

    UNREADABLE = "unreadable"
    TOO_LARGE = "too-large"
    XML_SYNTAX = "xml-syntax"
    UNSAFE_XML = "unsafe-xml"
    WRONG_ROOT = "wrong-root"
    BAD_PLIST = "bad-plist"


@record
class Problem:
    kind: ProblemKind
    line: int | None
    message: str


# Elements and plist values are named tuples rather than frozen dataclasses: lint builds one
# for every element of thousands of files, and a tuple costs a third as much to build.
class Node(NamedTuple):
    """An XML element: tag, attributes with `android:`/`tools:` prefixes, line, child elements."""

    tag: str
    attrs: Mapping[str, str]
    line: int
    children: tuple[Node, ...] = ()

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def all(self, tag: str) -> tuple[Node, ...]:
        return tuple([child for child in self.children if child.tag == tag])

    def first(self, tag: str) -> Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def walk(self) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        pending = [self]  # a stack rather than nested generators, which cost per level
        while pending:
            node = pending.pop()
            yield node
            pending += reversed(node.children)


@record
class Manifest:
    path: str
    root: Node
    header: HeaderInfo | None = None
    header_line: int | None = None
    strings: Mapping[str, str] = field(default_factory=dict)
    build_target_sdk: int | None = None  # the Gradle module's, which wins over <uses-sdk>

    # Rules ask these questions many times per file: each is answered once (cached_property
    # writes to the instance dict, which a frozen dataclass allows).
    @cached_property
    def application(self) -> Node | None:
        return self.root.first("application")

    @cached_property
    def components(self) -> tuple[Node, ...]:
        app = self.application
        return () if app is None else tuple(c for c in app.children if c.tag in COMPONENTS)

    @cached_property
    def is_library(self) -> bool:
        """A library (AAR) manifest has no launcher activity, and often no `<application>`."""
        return not any(is_launcher(f) for c in self.components for f in c.all("intent-filter"))

    @cached_property
    def queries(self) -> tuple[Node, ...]:
        """Every `<queries>` element, wherever it sits, in document order."""
        return tuple(n for n in self.root.walk() if n.tag == "queries")

    @property
    def target_sdk(self) -> int | None:
        """The build's targetSdk (Gradle over `<uses-sdk>`, as the manifest merger does)."""
        if self.build_target_sdk is not None:
            return self.build_target_sdk
        uses_sdk = self.root.first("uses-sdk")
        value = uses_sdk.get("android:targetSdkVersion") if uses_sdk is not None else None
        # ASCII digits only (`"²".isdigit()` is true), and few enough for int() to accept.
        if value is None or not (value.isascii() and value.isdigit()) or len(value) > 9:
            return None
        return int(value)

    def resolve(self, value: str) -> str | None:
        """`value` with an `@string/` reference resolved; None when it stays unresolved."""
        if value.startswith("@string/"):
            return self.strings.get(value.removeprefix("@string/"))
        return None if is_build_reference(value) else value


def filter_actions(intent_filter: Node) -> tuple[str, ...]:
    return tuple(a.get("android:name") or "" for a in intent_filter.all("action"))


def filter_categories(intent_filter: Node) -> tuple[str, ...]:
    return tuple(c.get("android:name") or "" for c in intent_filter.all("category"))


def is_launcher(intent_filter: Node) -> bool:
    return ACTION_MAIN in filter_actions(intent_filter) and CATEGORY_LAUNCHER in filter_categories(
        intent_filter
    )


_BUILD_REFERENCE = lazy(r"\$\{[^}]*\}|\$\([^)]*\)|^@[a-z]+/|^\?[a-z]")


@lru_cache(maxsize=4096)  # the same values recur across a monorepo's files
def is_build_reference(value: str) -> bool:
    """`@string/x`, `${applicationId}`, `$(PRODUCT_BUNDLE_IDENTIFIER)`: filled in at build time."""
    return _BUILD_REFERENCE.search(value) is not None


class PScalar(NamedTuple):  # a named tuple, as Node is
    """A string, number, boolean, date or data value; `kind` is its XML plist tag."""

    value: str | int | float | bool | bytes | dt.datetime
    kind: str
    line: int | None


class PArray(NamedTuple):
    items: tuple[PValue, ...]
    line: int | None


class PEntry(NamedTuple):
    key: str
    line: int | None
    value: PValue


@record
class PDict:
    """Entries in source order, repeats included (the last one wins, as in CoreFoundation)."""

    entries: tuple[PEntry, ...]
    line: int | None

    def get(self, key: str) -> PEntry | None:
        return self._last.get(key)

    @cached_property
    def _last(self) -> dict[str, PEntry]:
        return {e.key: e for e in self.entries}  # later entries overwrite earlier ones


PValue = PScalar | PArray | PDict


@record
class Plist:
    path: str
    root: PDict
    binary: bool = False
    header: HeaderInfo | None = None
    header_line: int | None = None

    @cached_property
    def is_app(self) -> bool:
        """False for frameworks, bundles and other non-app Info.plists."""
        entry = self.root.get("CFBundlePackageType")
        if entry is None or not isinstance(entry.value, PScalar):
            return True
        value = str(entry.value.value)
        return value == "APPL" or is_build_reference(value)


@record
class Unreadable:
    path: str
    problem: Problem


Document = Manifest | Plist | Unreadable
