"""core.regex.lazy: a pattern that compiles on first use and then acts as re.compile's."""

from __future__ import annotations

import re

import pytest

from schemegen.core.regex import lazy


def test_nothing_is_compiled_until_first_use() -> None:
    broken = lazy("(")  # re.compile would raise here
    with pytest.raises(re.error):
        broken.match("x")


def test_a_lazy_pattern_matches_as_the_compiled_one() -> None:
    pattern = lazy(r"/\*.*?\*/", re.DOTALL)
    text = "a /* b\nc */ d"
    assert pattern.sub("", text) == re.compile(r"/\*.*?\*/", re.DOTALL).sub("", text)
    assert pattern.search(text) is not None
    assert pattern.pattern == r"/\*.*?\*/"
    assert lazy(rb"id[0-9]+").fullmatch(b"id42") is not None
