"""Lint orchestration: find the manifests and plists under the given paths, parse, check."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from schemegen.diagnostics import Diagnostic
from schemegen.documents import (
    Document,
    Manifest,
    Plist,
    Problem,
    ProblemKind,
    Unreadable,
    read_document,
)
from schemegen.rules import LintContext, check_document, check_projects
from schemegen.rules.crossfile import _root as project_root

SKIPPED_DIRS = frozenset({"build", ".gradle", "Pods", "node_modules", "DerivedData", ".git"})
# Below this many files a process pool costs more than it saves (start-up, pickling).
PARALLEL_MIN_FILES = 200
CHUNK_FILES = 64  # files per pool task: small enough for an even load and flat memory

__all__ = ["LintContext", "LintResult", "discover", "is_candidate", "run"]


@dataclass(frozen=True)
class LintResult:
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]


def is_candidate(name: str) -> bool:
    """File names directory discovery picks up."""
    return name in ("AndroidManifest.xml", "Info.plist") or name.endswith("-Info.plist")


def _walk(top: Path) -> Iterator[tuple[Path, Path]]:
    """(path, real path) of the candidates under `top`."""
    real_top = top.resolve()
    # os.walk never descends into symlinked directories, so there are no loops to follow, and
    # a file that is not itself a symlink lives at real_top/<its path below top>.
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        real_folder = real_top / os.path.relpath(folder, top)
        for name in sorted(files):
            if not is_candidate(name):
                continue
            path = Path(folder, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode):
                yield path, real_folder / name
            elif stat.S_ISLNK(mode) and path.is_file():
                real = path.resolve()
                if real.is_relative_to(real_top):
                    yield path, real


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
            candidates = [(path, path.resolve())]
        else:
            missing.append(
                Unreadable(
                    str(path), Problem(ProblemKind.UNREADABLE, None, "no such file or directory")
                )
            )
            continue
        for candidate, key in candidates:
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found, missing


def run(
    paths: Sequence[str | os.PathLike[str]],
    context: LintContext,
    jobs: int | None = None,
    keep: Callable[[Diagnostic], bool] | None = None,
) -> LintResult:
    """Lint `paths` (files or directories) and return the sorted diagnostics.

    `jobs` is the number of processes: None picks one per available core for large inputs.
    Whatever the number, the result is the same. `keep` filters diagnostics as they are
    found, so that memory follows the findings reported, not those later dropped.
    """
    files, missing = discover(paths)
    found = [d for doc in missing for d in check_document(doc, context)]
    chunks = _chunks(_projects(files))
    workers = _workers(jobs, len(files), len(chunks))
    if workers > 1:
        partials: Iterator[_Partial] = _parallel(chunks, context, workers)
    else:
        partials = (_lint_chunk(chunk, context) for chunk in chunks)
    loose = _Partial()
    for partial in partials:
        found += partial.diagnostics if keep is None else filter(keep, partial.diagnostics)
        loose.keep_loose(partial.manifests, partial.plists)
    # Files outside an android/ or ios/ folder pair up only when the run holds exactly one of
    # each (see crossfile.projects); two of a kind are enough to know there is no pair.
    if len(loose.manifests) == 1 and len(loose.plists) == 1:
        found += check_projects([*loose.manifests, *loose.plists], context)
    diagnostics = sorted(set(found if keep is None else filter(keep, found)), key=_full_key)
    return LintResult(tuple(diagnostics), tuple(str(path) for path in files))


def _full_key(d: Diagnostic) -> tuple[str, int, str, str, str, str]:
    # sort_key plus the remaining fields, so ties never depend on the order of processing.
    return (*d.sort_key(), d.severity.value, d.fix or "")


# --- streaming by project ------------------------------------------------------------------------
#
# Parsed documents are kept only as long as the cross-file rules need them: files are grouped
# by the project roots crossfile pairs them under (computed from the path alone, by the same
# function), each group is parsed, checked and dropped. Memory therefore stays flat however
# many files a run holds, and groups can go to worker processes independently.


def _projects(files: Sequence[Path]) -> list[list[Path]]:
    """`files` in groups that hold every file a cross-file project could pair, in order.

    A file pairs under its `android/` root if it is a manifest and its `ios/` root if it is a
    plist; which it is shows only after parsing, so a group joins both roots. Files with
    neither root form groups of one.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    roots: list[list[str]] = []
    for path in files:
        keys = [
            k
            for k in (project_root(str(path), "android"), project_root(str(path), "ios"))
            if k is not None
        ]
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
        roots.append(keys)
    groups: dict[str, list[Path]] = {}
    ordered: list[list[Path]] = []
    for path, keys in zip(files, roots, strict=True):
        if not keys:
            ordered.append([path])
            continue
        group = groups.get(find(keys[0]))
        if group is None:
            group = groups[find(keys[0])] = []
            ordered.append(group)
        group.append(path)
    return ordered


def _chunks(groups: Sequence[list[Path]]) -> list[list[list[Path]]]:
    """Consecutive groups packed into tasks of about CHUNK_FILES files."""
    chunks: list[list[list[Path]]] = []
    size = CHUNK_FILES
    for group in groups:
        if size >= CHUNK_FILES:
            chunks.append([])
            size = 0
        chunks[-1].append(group)
        size += len(group)
    return chunks


@dataclass
class _Partial:
    """What one task found, plus up to two loose app manifests and plists for pairing."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)
    plists: list[Plist] = field(default_factory=list)

    def keep_loose(self, manifests: Sequence[Manifest], plists: Sequence[Plist]) -> None:
        self.manifests = [*self.manifests, *manifests][:2]
        self.plists = [*self.plists, *plists][:2]


def _lint_chunk(chunk: Sequence[Sequence[Path]], context: LintContext) -> _Partial:
    partial = _Partial()
    for group in chunk:
        docs: list[Document] = [read_document(path) for path in group]
        for doc in docs:
            partial.diagnostics += check_document(doc, context)
        paired = [doc for doc in docs if not _loose(doc)]
        partial.diagnostics += check_projects(paired, context)
        partial.keep_loose(
            [d for d in docs if isinstance(d, Manifest) and not d.is_library and _loose(d)],
            [d for d in docs if isinstance(d, Plist) and d.is_app and _loose(d)],
        )
    return partial


def _loose(doc: Document) -> bool:
    """A document outside any android/ (manifest) or ios/ (plist) folder."""
    if isinstance(doc, Manifest):
        return project_root(doc.path, "android") is None
    if isinstance(doc, Plist):
        return project_root(doc.path, "ios") is None
    return False


# --- worker processes ---------------------------------------------------------------------------


def _workers(jobs: int | None, files: int, chunks: int) -> int:
    if jobs is None:
        if files <= PARALLEL_MIN_FILES:
            return 1
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        jobs = cores or 1
    return max(1, min(jobs, chunks))


_CONTEXT: LintContext | None = None  # the run's options, set once in each worker process


def _init_worker(context: LintContext) -> None:
    global _CONTEXT  # noqa: PLW0603 - a worker serves one run: its context is process state
    _CONTEXT = context


def _lint_chunk_in_worker(chunk: Sequence[Sequence[Path]]) -> _Partial:
    assert _CONTEXT is not None
    return _lint_chunk(chunk, _CONTEXT)


def _parallel(
    chunks: Sequence[Sequence[Sequence[Path]]], context: LintContext, workers: int
) -> Iterator[_Partial]:
    """Results of `chunks` linted by `workers` processes, in the order of `chunks`.

    A plain process pool: the context (registry and options) goes to each worker once, tasks
    are short lists of paths and results are diagnostics, so little crosses the pipes.
    """
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(context,)) as pool:
        yield from pool.map(_lint_chunk_in_worker, chunks)
