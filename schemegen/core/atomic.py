"""All-or-nothing replacement of several files: temporaries first, renames last, undo on failure."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

# Test seam: called as hook(stage, path) with stage "stage" before a temporary is written and
# "replace" before a file is renamed into place; raising OSError there simulates a failure.
Hook = Callable[[str, Path], None]


class WriteError(OSError):
    pass


def write_all(
    contents: Mapping[Path, bytes],
    *,
    expected: Mapping[Path, bytes | None] | None = None,
    follow_symlinks: bool = False,
    hook: Hook | None = None,
) -> None:
    """Replace every file in `contents` or none of them.

    `expected` maps a path to the bytes it held when it was read (None: it did not exist); a
    file that differs now is refused, as are read-only files and, unless `follow_symlinks`,
    symlinks (followed, the link's target is replaced). Every new content is written to a
    temporary sibling first (keeping the old file's mode); only when all are ready are they
    renamed into place. The originals are kept as hidden backups until every rename
    succeeded, and restored if one fails.
    """
    targets = {path: _target(path, follow_symlinks) for path in contents}
    for path, target in targets.items():
        _check(path, target, expected.get(path, _ANY) if expected is not None else _ANY)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in contents.items():
            target = targets[path]
            if hook is not None:
                hook("stage", target)
            staged.append((target, _stage(target, data)))
    except OSError as error:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise WriteError(_describe(error)) from error
    if expected is not None:
        for path, target in targets.items():
            _check_unchanged(path, target, expected.get(path, _ANY))
    _commit(staged, hook)


class _Any:
    pass


_ANY = _Any()


def _target(path: Path, follow: bool) -> Path:
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
    if info is not None and not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteError(f"{path}: is read-only; make it writable first")
    if info is not None and not os.access(target.parent, os.W_OK):
        raise WriteError(f"{path}: its folder is not writable")
    _check_unchanged(path, target, expected)


def _check_unchanged(path: Path, target: Path, expected: bytes | _Any | None) -> None:
    if isinstance(expected, _Any):
        return
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    if current != expected:
        raise WriteError(f"{path}: changed on disk since it was read; run again")


def _describe(error: OSError) -> str:
    return f"{error.filename or ''}: {error.strerror or error}"


def _stage(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
        temporary.chmod(mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _backup(path: Path) -> Path:
    descriptor, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".schemegen-backup", dir=path.parent
    )
    os.close(descriptor)
    backup = Path(name)
    try:
        backup.unlink()
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _commit(staged: list[tuple[Path, Path]], hook: Hook | None) -> None:
    backups: list[tuple[Path, Path | None]] = []
    try:
        for path, temporary in staged:
            backups.append((path, _backup(path) if path.exists() else None))
            if hook is not None:
                hook("replace", path)
            temporary.replace(path)
    except OSError as error:
        for path, backup in reversed(backups):
            with contextlib.suppress(OSError):
                if backup is not None:
                    # rename() between two links to one file is a no-op: drop the link then
                    backup.replace(path)
                    backup.unlink(missing_ok=True)
                else:
                    path.unlink(missing_ok=True)
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise WriteError(_describe(error)) from error
    for _, backup in backups:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
