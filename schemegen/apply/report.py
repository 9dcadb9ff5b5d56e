"""How apply shows its plans: file names for messages, unified diffs that `patch -p1` applies."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemegen.apply.edit import Plan


def shown(path: Path, root: Path) -> str:
    """`path` for a message: from the project root, or as given when it lies outside."""
    relative = Path(os.path.relpath(path, root))
    return str(path) if relative.parts[:1] == ("..",) else relative.as_posix()


def diff_name(path: Path, root: Path) -> str:
    """`path` as `patch -p1` and `git apply` read it from the project root (or from `/`).

    Both refuse or misread `a//abs/path` and `..` parts, so a file outside the root is named
    from the current directory when it lies below it, else from `/` without the slash.
    """
    absolute = Path(path).absolute()
    for base in (root.absolute(), Path.cwd()):
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return absolute.as_posix().lstrip("/")


def plan_diff(name: str, plan: Plan) -> str:
    """What `plan` changes in the file `name`, as a unified diff (`Binary file` if not text)."""
    try:
        old = plan.original.decode("utf-8-sig")
        new = plan.new.decode("utf-8-sig")
    except UnicodeDecodeError:
        return f"Binary file {name} changes: {'; '.join(plan.changes)}\n"
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
