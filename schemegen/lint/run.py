"""Lint orchestration: find the manifests and plists under the given paths, parse, check."""

# Thousands of files per run: pathlib objects would cost more than the I/O they wrap.
# ruff: noqa: PTH110, PTH112, PTH113, PTH117, PTH118, PTH119

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from schemegen.core.diagnostics import Diagnostic, Severity
from schemegen.core.documents import Document, Manifest, Plist, Problem, ProblemKind, Unreadable
from schemegen.core.parsing import read_document
from schemegen.core.paths import is_relative_to, normalised
from schemegen.core.record import record
from schemegen.lint import evidence
from schemegen.lint.rules import LintContext, check_document, check_projects
from schemegen.lint.rules import expo as expo_rules
from schemegen.lint.rules import sources as source_rules
from schemegen.lint.rules.crossfile import project_root
from schemegen.lint.rules.sources import Registered, SourceScan

if TYPE_CHECKING:
    from concurrent.futures import Future  # loaded only when a pool runs

SKIPPED_DIRS = frozenset(
    {"build", ".gradle", "Pods", "node_modules", "DerivedData", ".git", ".dart_tool"}
)
# Files read for the project as a whole: the app's source and its dependency lists. The names
# live here, not in lint.expo and lint.sources, so that `lint FILE` does not import those
# (and the JSON5 reader) at start-up; a test keeps them equal.
DEPENDENCY_FILES = frozenset({"package.json", "pubspec.yaml", "build.gradle", "build.gradle.kts"})
EXPO_CONFIGS = frozenset(
    {"app.json", "app.config.js", "app.config.ts", "app.config.mjs", "app.config.cjs"}
)
SOURCE_SUFFIXES = frozenset(
    {".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".html", ".htm", ".java", ".kt", ".swift"}
    | {".dart"}
)


def _is_source(name: str) -> bool:
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in SOURCE_SUFFIXES


# Below this many files a process pool costs more than it saves (start-up, pickling).
PARALLEL_MIN_FILES = 200
CHUNK_FILES = 128  # files per pool task: small enough for an even load and flat memory

__all__ = ["LintContext", "LintResult", "discover", "is_candidate", "run"]


@record
class LintResult:
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[str, ...]


def is_candidate(name: str) -> bool:
    """File names directory discovery picks up (an app config only when it is Expo's)."""
    return (
        name in ("AndroidManifest.xml", "Info.plist")
        or name.endswith("-Info.plist")
        or name in EXPO_CONFIGS
    )


def _walk(top: str, project: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(path, real path) of the candidates under `top` (a normalised path), as os.walk orders.

    Depth first with sorted names, from os.scandir entries, whose types cost no further
    system call: a monorepo has thousands of folders. Symlinked folders are not followed,
    so there are no loops, and a file that is not itself a symlink lives at
    real_top/<its path below top>.
    """
    pending = [(top, os.path.realpath(top))]
    real_top = pending[0][1]
    while pending:
        folder, real_folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError:
            continue
        below: list[tuple[str, str]] = []
        for entry in entries:
            name = entry.name
            if _is_dir(entry):
                if name not in SKIPPED_DIRS and not entry.is_symlink():
                    below.append((_join(folder, name), _join(real_folder, name)))
                continue
            if not is_candidate(name):
                if (
                    project is not None
                    and (name in DEPENDENCY_FILES or _is_source(name))
                    and entry.is_file(follow_symlinks=False)
                ):
                    project.append(_join(folder, name))
                continue
            path = _join(folder, name)
            if name in EXPO_CONFIGS:
                from schemegen.lint import expo

                if not expo.is_expo_config(path):
                    continue
            if entry.is_file(follow_symlinks=False):
                yield path, _join(real_folder, name)
            elif entry.is_symlink() and os.path.isfile(path):
                real = os.path.realpath(path)
                if is_relative_to(real, real_top):
                    yield path, real
        pending += reversed(below)


def _join(folder: str, name: str) -> str:
    """`folder` and a name from its listing joined as pathlib spells them."""
    if folder == ".":
        return name
    if os.sep != "/":
        return os.path.join(folder, name)
    # os.path.join costs more than the rest of a folder's walk; names hold no `/`.
    return folder + name if folder.endswith("/") else f"{folder}/{name}"


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder, or a symlink to one (os.walk lists those as folders, and does not enter them)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def discover(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[str], list[Unreadable]]:
    """Files to lint (named files always, candidates inside directories) and missing paths."""
    missing: list[Unreadable] = []
    return list(_discover(paths, missing)), missing


def _discover(
    paths: Sequence[str | os.PathLike[str]],
    missing: list[Unreadable],
    project: list[str] | None = None,
) -> Iterator[str]:
    """`discover` as the files are found; missing paths go to `missing`, and the source and
    dependency files of searched directories to `project` when it is given."""
    seen: set[str] = set()
    for given in paths:
        path = normalised(given)  # normalised, as the paths in the report are
        if os.path.isdir(path):
            candidates: Iterable[tuple[str, str]] = _walk(path, project)
        elif os.path.exists(path):
            candidates = [(path, os.path.realpath(path))]
        else:
            missing.append(
                Unreadable(path, Problem(ProblemKind.UNREADABLE, None, "no such file or directory"))
            )
            continue
        for candidate, key in candidates:
            if key not in seen:
                seen.add(key)
                yield candidate


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
    files: list[str] = []
    missing: list[Unreadable] = []
    project_files: list[str] = []
    # Discovery, grouping and linting form one pipeline: projects are checked (in worker
    # processes for large inputs) while the walk goes on.
    listed = _recorded(_discover(paths, missing, project_files), files)
    groups = _projects(listed, in_walk_order=len(paths) == 1)
    # Keyed as they arrive, while workers still run: duplicates drop out, and the final sort
    # compares plain tuples.
    found: dict[_Key, Diagnostic] = {}

    def add(diagnostics: Iterable[Diagnostic]) -> None:
        found.update((_full_key(d), d) for d in diagnostics if keep is None or keep(d))

    loose = _Partial()
    registered: list[Registered] = []
    for partial in _lint_chunks(_chunks(groups), context, jobs):
        add(partial.diagnostics)
        loose.keep_loose(partial.manifests, partial.plists)
        registered += partial.registered
    late = [d for doc in missing for d in check_document(doc, context)]
    # Files outside an android/ or ios/ folder pair up only when the run holds exactly one of
    # each (see crossfile.projects); two of a kind are enough to know there is no pair.
    if len(loose.manifests) == 1 and len(loose.plists) == 1:
        late += check_projects(
            [read_document(loose.manifests[0]), read_document(loose.plists[0])], context
        )
    add(late)
    if project_files:
        add(_project_rules(project_files, registered, found, context))
    return LintResult(tuple(found[key] for key in sorted(found)), tuple(files))


def _project_rules(
    project_files: Sequence[str],
    registered: Sequence[Registered],
    found: dict[_Key, Diagnostic],
    context: LintContext,
) -> list[Diagnostic]:
    """The rules over the project's source and dependencies (after every file was linted)."""
    from schemegen.lint import sources

    code = [p for p in project_files if _is_source(os.path.basename(p))]
    passed, calls, complete = sources.scan_all(code)
    skipped = None
    if not complete:
        skipped = next(p for p in code if not p.endswith(sources.DART))
    scan = SourceScan(tuple((f.value, f.path, f.line) for f in passed), tuple(registered), skipped)
    late = list(source_rules.unregistered_app_scheme(scan, context))
    asks = [f"`{c.value}` ({c.path}:{c.line})" for c in calls]
    asks += evidence.dependency_evidence(project_files)
    if asks:
        # Code that asks the PackageManager fails without <queries>: the warning becomes an error.
        for key, d in list(found.items()):
            if d.code == "SG109" and d.severity is Severity.WARNING:
                del found[key]
                late.append(evidence.escalated(d, asks))
    return late


def _recorded(items: Iterable[str], into: list[str]) -> Iterator[str]:
    for item in items:
        into.append(item)
        yield item


_Key = tuple[str, int, str, str, str, str, bool, bool]


def _full_key(d: Diagnostic) -> _Key:
    # sort_key plus the remaining fields: equal keys are equal diagnostics, and ties never
    # depend on the order of processing.
    path, line, code, message = d.sort_key()
    return (path, line, code, message, d.severity.value, d.fix or "", d.line is None, d.fix is None)


# --- streaming by project ------------------------------------------------------------------------
#
# Parsed documents are kept only as long as the cross-file rules need them: files are grouped
# by the project roots crossfile pairs them under (computed from the path alone, by the same
# function), each group is parsed, checked and dropped. Memory therefore stays flat however
# many files a run holds, and groups can go to worker processes independently.


def _projects(files: Iterable[str], *, in_walk_order: bool) -> Iterator[list[str]]:
    """`files` in groups that hold every file a cross-file project could pair.

    A file pairs under its `android/` root if it is a manifest and its `ios/` root if it is a
    plist; which it is shows only after parsing, so a group joins both roots. Files with
    neither root form groups of one. Files from one depth-first walk come folder by folder,
    and a walk never returns to a folder it has left: a group is complete, and is given out,
    once the walk is outside all of its roots. Otherwise groups wait for the last file.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    groups: dict[str, tuple[list[str], set[str]]] = {}  # by representative root: files, roots
    for path in files:
        keys = [k for k in (project_root(path, "android"), project_root(path, "ios")) if k]
        if not keys:
            yield [path]
            continue
        first = find(keys[0])
        members, roots = groups.setdefault(first, ([], set()))
        for key in keys[1:]:
            other = find(key)
            if other != first:
                parent[other] = first
                joined = groups.pop(other, ([], set()))
                members += joined[0]
                roots |= joined[1]
        members.append(path)
        roots.update(keys)
        if in_walk_order:
            done = [r for r, (_, rs) in groups.items() if not any(_inside(path, k) for k in rs)]
            for root in done:
                yield groups.pop(root)[0]
    for members, _ in groups.values():
        yield members


def _inside(path: str, folder: str) -> bool:
    """`path` is below `folder` (a root computed from such a path, so spelt alike)."""
    if folder == ".":
        return not os.path.isabs(path)
    return path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


Chunk = list[list[str]]


def _chunks(groups: Iterable[list[str]]) -> Iterator[Chunk]:
    """Consecutive groups packed into tasks of about CHUNK_FILES files."""
    chunk: Chunk = []
    size = 0
    for group in groups:
        chunk.append(group)
        size += len(group)
        if size >= CHUNK_FILES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Partial:
    """What one task found, plus up to two loose app manifests and plists for pairing."""

    def __init__(
        self,
        diagnostics: list[Diagnostic] | None = None,
        manifests: list[str] | None = None,
        plists: list[str] | None = None,
        registered: list[Registered] | None = None,
    ) -> None:
        self.diagnostics = diagnostics or []
        self.manifests = manifests or []
        self.plists = plists or []
        self.registered = registered or []

    def keep_loose(self, manifests: Sequence[str], plists: Sequence[str]) -> None:
        self.manifests = [*self.manifests, *manifests][:2]
        self.plists = [*self.plists, *plists][:2]


def _lint_chunk(chunk: Chunk, context: LintContext) -> _Partial:
    partial = _Partial()
    for group in chunk:
        if len(group) == 1 and os.path.basename(group[0]) in EXPO_CONFIGS:
            from schemegen.lint import expo

            if not expo.is_expo_config(group[0]):
                continue  # a named app.json of another tool (a bare React Native app's)
            expo_docs, unread = expo.read(group[0], group[0])
            partial.diagnostics += _lint_expo(group[0], expo_docs, unread, context)
            partial.registered += evidence.registered(expo_docs)
            continue
        docs: list[Document] = [read_document(path) for path in group]
        for index, doc in enumerate(docs):
            try:
                partial.diagnostics += check_document(doc, context)
            except VALUE_ERRORS as error:
                docs[index] = _uninterpretable(doc.path, error)
                partial.diagnostics += check_document(docs[index], context)
        partial.registered += evidence.registered(docs)
        paired = [doc for doc in docs if not _loose(doc)]
        try:
            partial.diagnostics += check_projects(paired, context)
        except VALUE_ERRORS as error:
            partial.diagnostics += check_document(_uninterpretable(paired[0].path, error), context)
        # Paths rather than documents: they are rarely paired, and paths are cheap to send.
        partial.keep_loose(
            [d.path for d in docs if isinstance(d, Manifest) and not d.is_library and _loose(d)],
            [d.path for d in docs if isinstance(d, Plist) and d.is_app and _loose(d)],
        )
    return partial


# What a value in a file can raise in a rule that reads it (int() of 5000 digits, a lone
# surrogate, nesting too deep): a finding on that file, and the other files are still linted.
# Anything else is a bug in schemegen and ends the run as an internal error.
VALUE_ERRORS = (ValueError, OverflowError, RecursionError, UnicodeError)


def _uninterpretable(path: str, error: Exception) -> Unreadable:
    if type(error).__module__.startswith("schemegen."):
        raise error  # schemegen's own errors (a selection naming unknown apps) are not per file
    detail = str(error)[:200] or type(error).__name__
    return Unreadable(
        path,
        Problem(ProblemKind.UNREADABLE, None, f"cannot interpret a value in this file: {detail}"),
    )


def _lint_expo(
    path: str, docs: Sequence[Document], unread: str | None, context: LintContext
) -> list[Diagnostic]:
    """An Expo config's manifest and Info.plist, checked as one project of their own."""
    found = [d for doc in docs for d in check_document(doc, context)]
    found += check_projects(docs, context)
    if unread is not None:
        found += expo_rules.dynamic_expo_config(expo_rules.ExpoCode(path, unread), context)
    # `scheme` is both the Android filter's and the URL type's: one finding per place
    kept = {(d.line, d.code): d for d in reversed(found) if d.code == "SG206"}
    return [d for d in found if d.code != "SG206"] + list(kept.values())


def _loose(doc: Document) -> bool:
    """A document outside any android/ (manifest) or ios/ (plist) folder."""
    if isinstance(doc, Manifest):
        return project_root(doc.path, "android") is None
    if isinstance(doc, Plist):
        return project_root(doc.path, "ios") is None
    return False


# --- worker processes ---------------------------------------------------------------------------


def _lint_chunks(
    chunks: Iterator[Chunk], context: LintContext, jobs: int | None
) -> Iterator[_Partial]:
    """The chunks linted here, or by a process pool once the input shows itself large.

    The pool's size follows `_workers` as if every chunk were known: chunks are read ahead
    (the walk goes on) only until that number can no longer change.
    """
    ahead: list[Chunk] = []
    files = 0
    wanted = jobs if jobs is not None else _cores()
    for chunk in chunks:
        ahead.append(chunk)
        files += sum(len(group) for group in chunk)
        if len(ahead) >= wanted and (jobs is not None or files > PARALLEL_MIN_FILES):
            break
    workers = _workers(jobs, files, len(ahead))
    if workers > 1:
        yield from _parallel(itertools.chain(ahead, chunks), context, workers)
    else:
        yield from (_lint_chunk(chunk, context) for chunk in itertools.chain(ahead, chunks))


def _cores() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores or 1


def _workers(jobs: int | None, files: int, chunks: int) -> int:
    if jobs is None:
        if files <= PARALLEL_MIN_FILES:
            return 1
        jobs = _cores()
    return max(1, min(jobs, chunks))


_CONTEXT: LintContext | None = None  # the run's options, set once in each worker process


def _init_worker(context: LintContext) -> None:
    global _CONTEXT  # noqa: PLW0603 - a worker serves one run: its context is process state
    _CONTEXT = context


# A diagnostic's fields in order: plain tuples pickle in half the time of dataclass instances.
_Row = tuple[str, int | None, str, Severity, str, str | None]


_Result = tuple[list[_Row], list[str], list[str], list[tuple[str, str, int | None]]]


def _lint_chunk_in_worker(chunk: Chunk) -> _Result:
    assert _CONTEXT is not None
    partial = _lint_chunk(chunk, _CONTEXT)
    rows = [(d.path, d.line, d.code, d.severity, d.message, d.fix) for d in partial.diagnostics]
    returns = [(r.scheme, r.path, r.line) for r in partial.registered]
    return rows, partial.manifests, partial.plists, returns


def _parallel(chunks: Iterable[Chunk], context: LintContext, workers: int) -> Iterator[_Partial]:
    """Results of `chunks` linted by `workers` processes, in the order of `chunks`.

    A plain process pool: the context (registry and options) goes to each worker once, tasks
    are short lists of paths and results are diagnostics, so little crosses the pipes.
    Tasks are handed out as the walk finds them, and at most a few per worker wait: results
    are taken in as they come, so memory does not follow the number of files.
    """
    from concurrent.futures import ProcessPoolExecutor

    # Forked workers inherit what the parent has loaded: the parser once, not once per worker.
    import lxml.etree  # noqa: F401

    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(context,)) as pool:
        waiting: deque[Future[_Result]] = deque()
        for chunk in chunks:
            waiting.append(pool.submit(_lint_chunk_in_worker, chunk))
            while waiting and (waiting[0].done() or len(waiting) > 4 * workers):
                yield _received(waiting.popleft())
        while waiting:
            yield _received(waiting.popleft())


def _received(future: Future[_Result]) -> _Partial:
    rows, manifests, plists, returns = future.result()
    return _Partial(
        [Diagnostic(*row) for row in rows], manifests, plists, [Registered(*r) for r in returns]
    )
