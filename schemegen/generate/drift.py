"""`generate --check`: the files under --out that differ from what generate would write."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Drift:
    """A file under --out that is not as generated: its diff, or why it was not compared."""

    path: Path
    diff: str = ""
    problem: str | None = None


def drift(out: Path, files: Mapping[str, str]) -> tuple[Drift, ...]:
    """Each of `files` (name: generated text) that `out` does not hold as generated."""
    from schemegen.core.documents import MAX_BYTES
    from schemegen.core.parsing import ReadError, read_limited

    found: list[Drift] = []
    for name, expected in files.items():
        path = out / name
        link = _symlink_below(out, name)
        if link is not None:
            problem = (
                f"{link}: is a symlink; --check does not follow it (generate writes real files)"
            )
            found.append(Drift(path, problem=problem))
            continue
        try:
            actual = read_limited(path, MAX_BYTES).decode("utf-8")
        except ReadError as error:
            if os.path.lexists(path):
                found.append(Drift(path, problem=str(error)))
                continue
            actual = ""
        except UnicodeDecodeError:
            actual = ""
        if actual != expected:
            lines = difflib.unified_diff(
                actual.splitlines(keepends=True),
                expected.splitlines(keepends=True),
                fromfile=str(path),
                tofile=f"{path} (generated)",
            )
            found.append(Drift(path, diff="".join(lines)))
    return tuple(found)


def _symlink_below(out: Path, name: str) -> Path | None:
    """The first symlink on the way from `out` to `out/name`, if any."""
    path = out
    for part in Path(name).parts:
        path = path / part
        if path.is_symlink():
            return path
    return None
