"""pathlib's spelling of str paths, for the lint path.

`import pathlib` pulls in urllib.parse, ipaddress and fnmatch: a tenth of the start-up budget of
`schemegen lint` (benchmarks/RESULTS.md). Lint needs only these few operations on POSIX paths;
elsewhere (Windows) they defer to pathlib, so the spelling is pathlib's everywhere. A property
test holds them to pathlib's results.
"""

# ruff: noqa: PTH109, PTH118  # os.path instead of pathlib is the point

from __future__ import annotations

import os

_POSIX = os.sep == "/"


def _root_and_names(path: str) -> tuple[str, list[str]]:
    # POSIX keeps exactly two leading slashes (an implementation-defined root); more is one.
    root = "//" if path.startswith("//") and not path.startswith("///") else "/" * (path[:1] == "/")
    return root, [name for name in path.split("/") if name and name != "."]


def normalised(path: str | os.PathLike[str]) -> str:
    """`str(PurePath(path))`: no doubled slash, `.` part or final slash; `..` kept."""
    text = os.fspath(path)
    if not _POSIX:
        from pathlib import PurePath

        return str(PurePath(text))
    root, names = _root_and_names(text)
    return root + "/".join(names) if root or names else "."


def parts(path: str) -> tuple[str, ...]:
    """`PurePath(path).parts`: the root (if any), then the names."""
    if not _POSIX:
        from pathlib import PurePath

        return PurePath(path).parts
    root, names = _root_and_names(path)
    return (root, *names) if root else tuple(names)


def joined(names: tuple[str, ...]) -> str:
    """`str(PurePath(*names))` for the `parts` of a path."""
    if not _POSIX:
        from pathlib import PurePath

        return str(PurePath(*names))
    if not names:
        return "."
    if names[0] in ("/", "//"):
        return names[0] + "/".join(names[1:])
    return "/".join(names)


def as_posix(path: str) -> str:
    """`PurePath(path).as_posix()`."""
    if not _POSIX:
        from pathlib import PurePath

        return PurePath(path).as_posix()
    return normalised(path)


def absolute(path: str) -> str:
    """`str(Path(path).absolute())`: joined to the working folder, `..` not resolved."""
    if not _POSIX:
        from pathlib import Path

        return str(Path(path).absolute())
    text = normalised(path)
    return text if text.startswith("/") else normalised(os.path.join(os.getcwd(), text))


def parent(path: str) -> str:
    """`str(PurePath(path).parent)`."""
    if not _POSIX:
        from pathlib import PurePath

        return str(PurePath(path).parent)
    found = parts(path)
    if len(found) == 1 and found[0] in ("/", "//"):
        return found[0]
    return joined(found[:-1])


def is_relative_to(path: str, root: str) -> bool:
    """`PurePath(path).is_relative_to(root)`: `root`'s parts begin `path`'s."""
    if not _POSIX:
        from pathlib import PurePath

        return PurePath(path).is_relative_to(root)
    inner, outer = parts(path), parts(root)
    if not outer:  # `.`: holds every relative path and no absolute one
        return not path.startswith("/")
    return inner[: len(outer)] == outer
