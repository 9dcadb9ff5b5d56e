"""Lint orchestration: find the manifests and plists under the given paths, parse, check."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from schemegen.diagnostics import Diagnostic
from schemegen.documents import Document, Problem, ProblemKind, Unreadable, read_document
from schemegen.rules import LintContext, check

SKIPPED_DIRS = frozenset({"build", ".gradle", "Pods", "node_modules", "DerivedData", ".git"})

__all__ = ["LintContext", "LintResult", "discover", "is_candidate", "run"]


@dataclass(frozen=True)
class LintResult:
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]


def is_candidate(name: str) -> bool:
    """File names directory discovery picks up."""
    return name in ("AndroidManifest.xml", "Info.plist") or name.endswith("-Info.plist")


def _walk(top: Path) -> Iterator[Path]:
    real_top = top.resolve()
    # os.walk never descends into symlinked directories, so there are no loops to follow.
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(folder, name)
            if not is_candidate(name) or not path.is_file():
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(real_top):
                continue
            yield path


def discover(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[Unreadable]]:
    """Files to lint (named files always, candidates inside directories) and missing paths."""
    found: list[Path] = []
    missing: list[Unreadable] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = list(_walk(path))
        elif path.exists():
            candidates = [path]
        else:
            missing.append(
                Unreadable(
                    str(path), Problem(ProblemKind.UNREADABLE, None, "no such file or directory")
                )
            )
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found, missing


def run(paths: Sequence[str | os.PathLike[str]], context: LintContext) -> LintResult:
    """Lint `paths` (files or directories) and return the sorted diagnostics."""
    files, missing = discover(paths)
    documents: list[Document] = [*missing, *(read_document(path) for path in files)]
    return LintResult(tuple(check(documents, context)), tuple(str(path) for path in files))
