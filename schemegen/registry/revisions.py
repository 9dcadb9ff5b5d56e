"""A registry version for `registry diff`: a file, a git revision, or the working schemes.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class RevisionError(Exception):
    """A registry version that cannot be read: the message names it and says why."""


def _git(args: Sequence[str], cwd: str | None = None) -> str:
    import subprocess

    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RevisionError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return done.stdout.decode("utf-8")


def _git_top() -> str | None:
    try:
        return _git(["rev-parse", "--show-toplevel"]).strip()
    except RevisionError:
        return None


def _read(name: str) -> str:
    from schemegen.registry.load import UnreadableFile, read_text_file

    try:
        return read_text_file(name, "registry")
    except UnreadableFile as error:
        raise RevisionError(str(error)) from None


def registry_source(spec: str | None, file: str) -> tuple[str, str]:
    """(label, text) for a diff side: a file, a git revision, or (None) the working file."""
    from schemegen.registry import load
    from schemegen.registry import model as registry

    if spec is None:
        top = _git_top()
        for candidate in ([Path(top) / file] if top else []) + [Path(file)]:
            if candidate.is_file():
                return str(candidate), _read(str(candidate))
        return "installed schemes.yaml", load.read_text_resource(registry.SHIPPED)
    if Path(spec).is_file():
        return spec, _read(spec)
    if spec.startswith("-"):
        raise RevisionError(f"`{spec}` is neither a file nor a git revision")
    top = _git_top()
    if top is None:
        raise RevisionError(f"`{spec}` is not a file, and this is not a git repository")
    target = spec if ":" in spec else f"{spec}:{file}"
    return target, _git(["show", target], cwd=top)
