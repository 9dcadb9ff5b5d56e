"""atomic.write_all: all-or-nothing across files, proven by injected faults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemegen.core import atomic
from schemegen.core.atomic import WriteError, write_all


def two_files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a" / "AndroidManifest.xml", tmp_path / "b" / "Info.plist"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_bytes(b"<manifest/>\n")
    second.write_bytes(b"<plist/>\n")
    first.chmod(0o640)
    os.utime(first, (1_000_000_000, 1_000_000_000))
    return first, second


def state(tmp_path: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        str(p.relative_to(tmp_path)): (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(tmp_path.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("stage", ["stage", "replace"])
def test_failure_on_the_second_file_leaves_both_as_they_were(tmp_path: Path, stage: str) -> None:
    first, second = two_files(tmp_path)
    before = state(tmp_path)

    def fail_on_second(step: str, path: Path) -> None:
        if step == stage and path.name == second.name:
            raise OSError(28, "No space left on device", str(path))

    with pytest.raises(WriteError, match="No space left on device"):
        write_all({first: b"new manifest\n", second: b"new plist\n"}, hook=fail_on_second)
    assert state(tmp_path) == before  # also: no temporaries or backups left behind


def test_new_file_is_removed_again_on_failure(tmp_path: Path) -> None:
    first, _ = two_files(tmp_path)
    created = tmp_path / "a" / "Handler.kt"
    before = state(tmp_path)

    def fail(step: str, path: Path) -> None:
        if step == "replace" and path == first:
            raise OSError(5, "Input/output error", str(path))

    with pytest.raises(WriteError):
        write_all({created: b"class Handler\n", first: b"new\n"}, hook=fail)
    assert state(tmp_path) == before


def test_success_keeps_mode_and_leaves_no_litter(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    write_all(
        {first: b"one\n", second: b"two\n"},
        expected={first: b"<manifest/>\n", second: b"<plist/>\n"},
    )
    assert first.read_bytes() == b"one\n"
    assert first.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "AndroidManifest.xml",
        "Info.plist",
    ]


def test_changed_on_disk_is_refused(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    second.write_bytes(b"<plist>edited elsewhere</plist>\n")
    before = state(tmp_path)
    with pytest.raises(WriteError, match="changed on disk"):
        write_all(
            {first: b"one\n", second: b"two\n"},
            expected={first: b"<manifest/>\n", second: b"<plist/>\n"},
        )
    assert state(tmp_path) == before


def test_file_that_appeared_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Handler.kt"
    path.write_text("mine")
    with pytest.raises(WriteError, match="changed on disk"):
        write_all({path: b"generated"}, expected={path: None})
    assert path.read_text() == "mine"


def test_read_only_and_symlinks(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    second.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_all({first: b"x", second: b"y"})
    assert first.read_bytes() == b"<manifest/>\n"
    link = tmp_path / "link.xml"
    link.symlink_to(first)
    with pytest.raises(WriteError, match="symlink"):
        write_all({link: b"through"})
    write_all({link: b"through"}, follow_symlinks=True)
    assert link.is_symlink()
    assert first.read_bytes() == b"through"
    assert first.stat().st_mode & 0o777 == 0o640


def test_a_second_hard_link_is_refused(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    os.link(second, tmp_path / "other-name.plist")
    before = state(tmp_path)
    with pytest.raises(WriteError, match="has 2 hard links"):
        write_all({first: b"one\n", second: b"two\n"})
    assert state(tmp_path) == before


def test_failed_write_removes_the_folders_it_made(tmp_path: Path) -> None:
    first, _ = two_files(tmp_path)
    handler = tmp_path / "a" / "java" / "com" / "shop" / "Handler.java"

    def fail(step: str, path: Path) -> None:
        if step == "replace" and path == first:
            raise OSError(28, "No space left on device")

    with pytest.raises(WriteError, match=r"AndroidManifest.xml: No space left on device"):
        write_all({handler: b"class Handler {}\n", first: b"new\n"}, hook=fail)
    assert not (tmp_path / "a" / "java").exists()


def test_recover_rolls_back_an_interrupted_write(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)
    before = state(tmp_path)
    made = tmp_path / "a" / "new" / "Handler.kt"

    class Killed(BaseException):
        pass

    def die(step: str, path: Path) -> None:
        if step == "replace" and path == second:
            raise Killed  # not an OSError: nothing is undone in-process, as after SIGKILL

    with pytest.raises(Killed):
        write_all({made: b"class H\n", first: b"one\n", second: b"two\n"}, hook=die)
    assert first.read_bytes() == b"one\n"  # half-applied until the next run
    assert (tmp_path / atomic.JOURNAL).exists()
    restored = atomic.recover(tmp_path)
    assert sorted(Path(line.split(":")[0]).name for line in restored) == [
        "AndroidManifest.xml",
        "Handler.kt",
    ]
    assert state(tmp_path) == before
    assert not (tmp_path / "a" / "new").exists()
    assert atomic.recover(tmp_path) == []


def test_the_next_write_recovers_first(tmp_path: Path) -> None:
    first, second = two_files(tmp_path)

    def die(step: str, path: Path) -> None:
        if step == "replace" and path == second:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_all({first: b"one\n", second: b"two\n"}, hook=die)
    with pytest.raises(WriteError, match="changed on disk"):
        write_all({second: b"three\n"}, expected={second: b"two\n"})
    assert first.read_bytes() == b"<manifest/>\n"
    write_all({first: b"one\n", second: b"two\n"})
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "AndroidManifest.xml",
        "Info.plist",
    ]


def test_check_inside(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "real").mkdir(parents=True)
    (tmp_path / "away").mkdir()
    (root / "inside").symlink_to("real")
    (root / "out").symlink_to(tmp_path / "away")
    assert atomic.check_inside(root / "inside" / "f", [root]) == (root / "real" / "f").resolve()
    with pytest.raises(WriteError, match="through a symlinked folder"):
        atomic.check_inside(root / "out" / "f", [root])
    with pytest.raises(WriteError, match="is outside the project root"):
        atomic.check_inside(tmp_path / "away" / "f", [root])
    (root / "real" / "link").symlink_to(tmp_path / "away" / "f")
    with pytest.raises(WriteError, match="follows only links that stay inside"):
        atomic.check_inside(root / "real" / "link", [root], follow_symlinks=True)
