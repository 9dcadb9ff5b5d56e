"""All-or-nothing replacement of several files: temporaries first, renames last, undo on failure."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


class WriteError(OSError):
    pass


def write_all(contents: Mapping[Path, bytes]) -> None:
    """Replace every file in `contents` or none of them.

    Every new content is written to a temporary sibling first (keeping the old file's mode);
    only when all are ready are they renamed into place. The originals are kept as hidden
    backups until every rename succeeded, and restored if one fails.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in contents.items():
            staged.append((path, _stage(path, data)))
    except OSError as error:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise WriteError(f"{error.filename or ''}: {error.strerror or error}") from error
    _commit(staged)


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


def _commit(staged: list[tuple[Path, Path]]) -> None:
    backups: list[tuple[Path, Path | None]] = []
    try:
        for path, temporary in staged:
            backup = None
            if path.exists():
                backup = path.with_name(f".{path.name}.schemegen-backup")
                backup.unlink(missing_ok=True)
                backup.hardlink_to(path)
            backups.append((path, backup))
            temporary.replace(path)
    except OSError as error:
        for path, backup in reversed(backups):
            if backup is not None:
                backup.replace(path)
            else:
                path.unlink(missing_ok=True)
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise WriteError(f"{error.filename or ''}: {error.strerror or error}") from error
    for _, backup in backups:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
