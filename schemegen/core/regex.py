"""Regular expressions compiled when first used.

A module-level `re.compile` runs on every start-up, used or not: the patterns for Gradle files,
config files and rule docs cost `schemegen lint AndroidManifest.xml` about a millisecond
(benchmarks/RESULTS.md). `lazy` defers the compile to the first match; after it, a method is
an attribute lookup away, as on a compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast


class _Lazy:
    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:  # only for names not yet copied below
        value = getattr(re.compile(self._pattern, self._flags), name)
        self.__dict__[name] = value
        return value


def lazy(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """A stand-in for `re.compile(pattern, flags)` that compiles on first use."""
    return cast("re.Pattern[AnyStr]", _Lazy(pattern, flags))
