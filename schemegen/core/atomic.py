"""All-or-nothing replacement of several files, journalled so a crash is rolled back next run."""

# The journal holds paths as strings, and os.replace is the one call the crash tests patch.
# ruff: noqa: PTH100, PTH105, PTH106, PTH108, PTH116, PTH121

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Test seam: called as hook(stage, path) with stage "stage" before a temporary is written and
# "replace" before a file is renamed into place; raising OSError there simulates a failure.
Hook = Callable[[str, Path], None]

JOURNAL = ".schemegen-journal"
TEMP_SUFFIX = ".schemegen-tmp"
BACKUP_SUFFIX = ".schemegen-backup"


class WriteError(OSError):
    pass


@dataclass(frozen=True)
class _Entry:
    """One file of a write: where it goes, its temporary, and the hard-link backup of the old."""

    target: str
    temp: str
    backup: str | None


def write_all(
    contents: Mapping[Path, bytes],
    *,
    expected: Mapping[Path, bytes | None] | None = None,
    follow_symlinks: bool = False,
    roots: Sequence[Path] = (),
    journal_dir: Path | None = None,
    hook: Hook | None = None,
) -> None:
    """Replace every file in `contents` or none of them, even across a crash.

    `expected` maps a path to the bytes it held when it was read (None: it did not exist); a
    file that differs now is refused, as are read-only files, files with several hard links,
    files whose owner cannot be kept and, unless `follow_symlinks`, symlinks. With `roots`,
    nothing outside them is written, whatever the links on the way. The plan goes to a journal
    in `journal_dir` (by default the folder the files share) before anything is touched; the
    old files stay as hard-link backups until every rename is done. `recover` rolls an
    interrupted write back, and the next write or apply calls it first.
    """
    targets = {path: _target(path, follow_symlinks, roots) for path in contents}
    folder = journal_dir if journal_dir is not None else _shared_folder(list(targets.values()))
    for above in Path(os.path.abspath(folder)).parents:
        # an interrupted write of a wider set of files (apply journals at the project root)
        if (above / JOURNAL).exists():
            recover(above)
    with _locked(folder):
        recover(folder, locked=True)
        for path, target in targets.items():
            _check(path, target, expected.get(path, _ANY) if expected is not None else _ANY)
        _write(folder, {targets[p]: data for p, data in contents.items()}, targets, expected, hook)


def recover(folder: Path, *, locked: bool = False) -> list[str]:
    """Finish what a killed write left in `folder`: roll it back, remove its litter.

    Returns one line per file restored (empty when there was nothing to do).
    """
    journal = folder / JOURNAL
    orphans = list(folder.glob(f"{JOURNAL}.*{TEMP_SUFFIX}"))
    if not journal.exists() and not orphans:
        return []
    if not locked:
        with _locked(folder):
            return recover(folder, locked=True)
    for orphan in orphans:  # a journal being written when the run died: nothing was touched
        orphan.unlink(missing_ok=True)
    if not journal.exists():
        return []
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
        entries = [_Entry(e["target"], e["temp"], e["backup"]) for e in record["entries"]]
        created = [str(d) for d in record["created"]]
        committed = bool(record["committed"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise WriteError(
            f"{journal}: unreadable journal of an interrupted write: {error}"
        ) from None
    restored = [] if committed else _roll_back(entries)
    _clean(entries)
    if not committed:
        _remove_folders(created)
    journal.unlink(missing_ok=True)
    _sync(folder)
    return restored


def check_inside(path: Path, roots: Sequence[Path], *, follow_symlinks: bool = False) -> Path:
    """The real path `path` is written through; WriteError when it leaves every one of `roots`.

    A symlinked folder on the way may lead elsewhere inside a root; a symlink out of them is
    always refused. The file itself may be a symlink only with `follow_symlinks`.
    """
    real_roots = [Path(os.path.realpath(r)) for r in roots]
    absolute = Path(os.path.abspath(path))
    real_parent = Path(os.path.realpath(absolute.parent))
    if not any(_within(real_parent, r) for r in real_roots):
        lexical = [Path(os.path.abspath(r)) for r in roots]
        how = (
            f"leads outside the project root {roots[0]} (to {real_parent}) through a symlinked "
            "folder"
            if any(_within(absolute.parent, r) for r in lexical)
            else f"is outside the project root {roots[0]}"
        )
        raise WriteError(f"{path}: {how}; refusing to write there")
    final = real_parent / absolute.name
    if not final.is_symlink():
        return final
    if not follow_symlinks:
        raise WriteError(
            f"{path}: is a symlink; pass --follow-symlinks to write through to its target"
        )
    real = Path(os.path.realpath(final))
    if not any(_within(real, r) for r in real_roots):
        raise WriteError(
            f"{path}: is a symlink to {real}, outside the project root {roots[0]}; "
            "--follow-symlinks follows only links that stay inside it"
        )
    return real


def existing_folder(path: Path) -> Path:
    """`path`, or its nearest ancestor that exists as a folder."""
    folder = Path(os.path.abspath(path))
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _within(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


class _Any:
    pass


_ANY = _Any()


def _shared_folder(paths: Sequence[Path]) -> Path:
    """The deepest existing folder that holds every path."""
    return existing_folder(Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths])))


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` itself (no lock file to leave behind); the kernel drops
    it when the process dies, so a killed run never blocks the next."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise WriteError(f"{folder}: cannot open: {error.strerror or error}") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _target(path: Path, follow: bool, roots: Sequence[Path]) -> Path:
    if roots:
        return check_inside(path, roots, follow_symlinks=follow)
    if not path.is_symlink():
        return path
    if not follow:
        raise WriteError(
            f"{path}: is a symlink; pass --follow-symlinks to write through to its target"
        )
    return Path(os.path.realpath(path))


def _check(path: Path, target: Path, expected: bytes | _Any | None) -> None:
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise WriteError(f"{path}: a folder on its path is a file") from None
    except OSError as error:
        raise WriteError(f"{path}: {error.strerror or error}") from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(f"{path}: is not a regular file")
        if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise WriteError(f"{path}: is read-only; make it writable first")
        if info.st_nlink > 1:
            raise WriteError(
                f"{path}: has {info.st_nlink} hard links; replacing it atomically would split "
                "them (the other names would keep the old content), so it is left alone"
            )
        if not os.access(target.parent, os.W_OK):
            raise WriteError(f"{path}: its folder is not writable")
    _check_unchanged(path, target, expected)


def _check_unchanged(path: Path, target: Path, expected: bytes | _Any | None) -> None:
    if isinstance(expected, _Any):
        return
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as error:
        raise WriteError(f"{path}: {error.strerror or error}") from None
    if current != expected:
        raise WriteError(f"{path}: changed on disk since it was read; run again")


def _write(
    folder: Path,
    contents: Mapping[Path, bytes],
    shown: Mapping[Path, Path],
    expected: Mapping[Path, bytes | None] | None,
    hook: Hook | None,
) -> None:
    token = secrets.token_hex(6)
    entries = [
        _Entry(
            str(target),
            str(target.parent / f".{target.name}.{token}{TEMP_SUFFIX}"),
            str(target.parent / f".{target.name}.{token}{BACKUP_SUFFIX}")
            if target.exists()
            else None,
        )
        for target in contents
    ]
    created = _missing_folders([Path(e.target).parent for e in entries])
    journal = folder / JOURNAL
    _write_journal(journal, entries, created, committed=False)
    by_target = {Path(p): s for s, p in shown.items()}
    current: Path | None = None
    try:
        for path in created:
            current = path
            path.mkdir()
        for entry in entries:
            current = Path(entry.target)
            if hook is not None:
                hook("stage", current)
            _stage(entry, contents[current])
        if expected is not None:
            for target, path in by_target.items():
                _check_unchanged(path, target, expected.get(path, _ANY))
        for entry in entries:
            current = Path(entry.target)
            if entry.backup is not None:
                os.link(entry.target, entry.backup)
            if hook is not None:
                hook("replace", current)
            os.replace(entry.temp, entry.target)
        for target_dir in {Path(e.target).parent for e in entries}:
            _sync(target_dir)
        _write_journal(journal, entries, created, committed=True)
    except OSError as error:
        _roll_back(entries)
        _clean(entries)
        _remove_folders([str(p) for p in created])
        journal.unlink(missing_ok=True)
        if isinstance(error, WriteError):
            raise
        name = by_target.get(current, current) if current is not None else None
        raise WriteError(_describe(error, name)) from error
    _clean(entries)
    journal.unlink()
    _sync(folder)


def _describe(error: OSError, path: Path | None) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    name = error.filename or path
    return f"{name}: {reason}" if name else reason


def _missing_folders(folders: Sequence[Path]) -> list[Path]:
    """The folders to create for `folders` to exist, parents first."""
    missing: list[Path] = []
    for wanted in folders:
        chain: list[Path] = []
        folder = wanted
        while not folder.exists() and folder not in missing and folder != folder.parent:
            chain.append(folder)
            folder = folder.parent
        missing += reversed(chain)
    return list(dict.fromkeys(missing))


def _write_journal(
    journal: Path, entries: Sequence[_Entry], created: Sequence[Path], *, committed: bool
) -> None:
    record = {
        "committed": committed,
        "entries": [{"target": e.target, "temp": e.temp, "backup": e.backup} for e in entries],
        "created": [str(p) for p in created],
    }
    temporary = journal.with_name(f"{journal.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
    try:
        _write_file(temporary, json.dumps(record).encode("utf-8"), 0o644)
        os.replace(temporary, journal)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise WriteError(_describe(error, journal)) from error
    _sync(journal.parent)


def _stage(entry: _Entry, data: bytes) -> None:
    """Write the temporary with the old file's owner, group and mode."""
    try:
        info: os.stat_result | None = os.stat(entry.target)
    except FileNotFoundError:
        info = None
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o644
    owner = (info.st_uid, info.st_gid) if info is not None else None
    _write_file(Path(entry.temp), data, mode, owner, entry.target)


def _write_file(
    path: Path,
    data: bytes,
    mode: int,
    owner: tuple[int, int] | None = None,
    shown: str | None = None,
) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        if owner is not None and owner != (os.geteuid(), os.getegid()):
            try:
                os.fchown(descriptor, *owner)
            except PermissionError:
                raise WriteError(
                    f"{shown or path}: owned by {owner[0]}:{owner[1]}, which this user cannot "
                    "give the new file; run as its owner"
                ) from None
        os.fchmod(descriptor, mode)  # after fchown, which clears set-user-ID bits
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    except OSError as error:
        os.close(descriptor)
        path.unlink(missing_ok=True)
        if isinstance(error, WriteError):
            raise
        raise WriteError(_describe(error, Path(shown) if shown else path)) from error
    os.close(descriptor)


def _roll_back(entries: Sequence[_Entry]) -> list[str]:
    """Put every target back as it was before the write; the lines say what was restored."""
    restored: list[str] = []
    for entry in reversed(entries):
        with contextlib.suppress(OSError):
            if entry.backup is not None and os.path.lexists(entry.backup):
                if os.path.lexists(entry.target) and os.path.samefile(entry.backup, entry.target):
                    continue  # never replaced: the backup is a second link to the same file
                os.replace(entry.backup, entry.target)
                restored.append(f"{entry.target}: restored from an interrupted write")
            elif (
                entry.backup is None
                and not os.path.lexists(entry.temp)
                and os.path.lexists(entry.target)
            ):
                # created by the write (its temporary was renamed into place): remove it
                os.unlink(entry.target)
                restored.append(f"{entry.target}: removed, left by an interrupted write")
    return restored


def _remove_folders(created: Sequence[str]) -> None:
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(folder)  # only when empty: never what someone else put there


def _clean(entries: Sequence[_Entry]) -> None:
    for entry in entries:
        for leftover in (entry.temp, entry.backup):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(leftover)


def _sync(folder: Path) -> None:
    """Make renames in `folder` durable (a crash after the return keeps them)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EROFS):
            raise
    finally:
        os.close(descriptor)
