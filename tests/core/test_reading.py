"""read_limited reads the whole file, never more than the limit allows, whatever its size says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemegen.core import parsing
from schemegen.core.parsing import ReadError, read_limited


def test_a_file_reads_whole(tmp_path: Path) -> None:
    data = os.urandom(3 * 65536 + 7)
    (tmp_path / "f").write_bytes(data)
    assert read_limited(tmp_path / "f") == data


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc")
def test_a_file_that_reports_no_size_is_still_read() -> None:
    assert Path("/proc/self/status").stat().st_size == 0
    assert b"Name:" in read_limited("/proc/self/status")


@pytest.mark.parametrize("reported", [0, 10, 100])
def test_a_file_larger_than_it_said_is_read_to_one_byte_past_the_limit(
    tmp_path: Path, reported: int
) -> None:
    # As when a file grows between fstat and read: the size is only a hint.
    (tmp_path / "f").write_bytes(b"x" * 500)
    descriptor = os.open(tmp_path / "f", os.O_RDONLY)
    try:
        assert parsing._read_bounded(descriptor, reported, limit=1000) == b"x" * 500
        os.lseek(descriptor, 0, os.SEEK_SET)
        assert parsing._read_bounded(descriptor, reported, limit=200) == b"x" * 201
    finally:
        os.close(descriptor)


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 101)
    with pytest.raises(ReadError, match="larger than 100 bytes") as refused:
        read_limited(tmp_path / "f", limit=100)
    assert refused.value.too_large
