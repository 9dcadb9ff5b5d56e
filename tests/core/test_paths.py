"""core.paths spells paths exactly as pathlib does (lint reports and globs depend on it)."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemegen.core import paths

posix_only = pytest.mark.skipif(os.sep != "/", reason="the str fast path is POSIX-only")

# Paths built from the pieces that change pathlib's spelling: roots, doubled and final
# slashes, `.` and `..` parts, dots inside names.
PIECES = st.sampled_from(["", "/", "//", "///", ".", "..", "a", "b.c", ".d", "e.", " f", "g h"])
PATHS = st.lists(PIECES, max_size=7).map("/".join) | st.lists(PIECES, max_size=7).map("".join)


@posix_only
@given(PATHS)
def test_normalised_and_parts_match_pathlib(path: str) -> None:
    assert paths.normalised(path) == str(PurePath(path))
    assert paths.parts(path) == PurePath(path).parts
    assert paths.joined(paths.parts(path)) == str(PurePath(path))
    assert paths.as_posix(path) == PurePath(path).as_posix()
    assert paths.parent(path) == str(PurePath(path).parent)


@posix_only
@given(PATHS, PATHS)
def test_is_relative_to_matches_pathlib(path: str, root: str) -> None:
    assert paths.is_relative_to(path, root) == PurePath(path).is_relative_to(root)


@posix_only
@given(PATHS)
def test_absolute_matches_pathlib(path: str) -> None:
    assert paths.absolute(path) == str(Path(path).absolute())


def test_a_sibling_with_a_common_prefix_is_not_inside() -> None:
    assert not paths.is_relative_to("/repo/app-old/x", "/repo/app")
    assert paths.is_relative_to("/repo/app/x", "/repo/app/")
