"""`lint --jobs`: a process pool gives exactly the findings of one process and of one batch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from schemegen.cli.main import main
from schemegen.core.parsing import read_document
from schemegen.lint import rules
from schemegen.lint import run as lint
from schemegen.lint.rules import LintContext
from schemegen.registry import validate

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT / "fixtures"
CORPUS = Path(os.environ.get("SCHEMEGEN_CORPUS", ROOT.parents[2] / "shared" / "corpus"))


def sources() -> list[tuple[str, Path]]:
    """(path inside a project, file): the corpus files where present, and the lint fixtures."""
    found: list[tuple[str, Path]] = []
    if (CORPUS / "INDEX.tsv").is_file():
        found += [
            (path.relative_to(CORPUS).as_posix(), path)
            for path in sorted(CORPUS.rglob("*"))
            if path.name == "AndroidManifest.xml" or path.name.endswith(".plist")
        ]
    for path in sorted(FIXTURES.iterdir()):
        if path.is_symlink():
            continue
        if path.suffix == ".xml":
            found.append((f"{path.stem}/android/app/src/main/AndroidManifest.xml", path))
        elif path.suffix == ".plist":
            found.append((f"{path.stem}/ios/Runner/Info.plist", path))
        elif path.is_dir():
            # manifests and plists: Expo configs and source files are linted per project
            # (tests/projects), which one batch of parsed documents does not model
            found += [
                (f.relative_to(FIXTURES).as_posix(), f)
                for f in path.rglob("*")
                if f.is_file()
                and not f.is_symlink()
                and (f.suffix in (".xml", ".plist", ".expect") or f.parent.name == "values")
            ]
    return found


def build_tree(top: Path, count: int) -> None:
    files = sources()
    for index in range(count):
        inside, source = files[index % len(files)]
        target = top / f"group{index // 100}" / f"copy{index // len(files)}" / inside
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


@pytest.fixture(scope="module")
def context() -> LintContext:
    return LintContext(validate.load(), app_scheme="myshop")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("monorepo")
    build_tree(top, lint.PARALLEL_MIN_FILES + 60)
    return top


def batch(paths: list[Path], context: LintContext) -> list[tuple[object, ...]]:
    """The reference: every file parsed into one list and checked in one call."""
    files, missing = lint.discover(paths)
    found = rules.check([*missing, *(read_document(path) for path in files)], context)
    return sorted({(d.path, d.line or 0, d.code, d.message, d.severity, d.fix) for d in found})


def as_rows(result: lint.LintResult) -> list[tuple[object, ...]]:
    return sorted(
        {(d.path, d.line or 0, d.code, d.message, d.severity, d.fix) for d in result.diagnostics}
    )


def test_pool_equals_serial_equals_one_batch(tree: Path, context: LintContext) -> None:
    serial = lint.run([tree], context, jobs=1)
    pooled = lint.run([tree], context, jobs=2)
    automatic = lint.run([tree], context)
    assert len(serial.files) > lint.PARALLEL_MIN_FILES
    assert serial.diagnostics, "the tree should have findings to compare"
    assert any(d.code.startswith("SG3") for d in serial.diagnostics), "no cross-file findings"
    assert pooled == serial
    assert automatic == serial
    assert as_rows(serial) == batch([tree], context)


def test_loose_files_still_pair_across_chunks(tmp_path: Path, context: LintContext) -> None:
    # One manifest and one plist outside android/ and ios/ pair up, wherever they land.
    build_tree(tmp_path / "projects", lint.PARALLEL_MIN_FILES + 20)
    for path in (tmp_path / "projects").rglob("*"):
        if path.is_file() and not {"android", "ios"} & {p.lower() for p in path.parts}:
            path.unlink()
    shutil.copyfile(
        FIXTURES / "SG301-fail-case" / "android" / "app" / "src" / "main" / "AndroidManifest.xml",
        tmp_path / "AndroidManifest.xml",
    )
    shutil.copyfile(
        FIXTURES / "SG301-fail-case" / "ios" / "Runner" / "Info.plist", tmp_path / "zz-Info.plist"
    )
    serial = lint.run([tmp_path], context, jobs=1)
    pooled = lint.run([tmp_path], context, jobs=2)
    assert pooled == serial
    assert as_rows(serial) == batch([tmp_path], context)
    loose = {d.code for d in serial.diagnostics if d.path == str(tmp_path / "zz-Info.plist")}
    assert "SG301" in loose


def test_nested_projects_and_named_files(tmp_path: Path, context: LintContext) -> None:
    build_tree(tmp_path / "outer", 40)
    build_tree(tmp_path / "outer" / "example", 40)  # a project inside another's folder
    named = next(p for p in (tmp_path / "outer").rglob("AndroidManifest.xml"))
    paths = [tmp_path / "outer", named, tmp_path / "missing"]
    serial = lint.run(paths, context, jobs=1)
    assert lint.run(paths, context, jobs=2) == serial
    assert as_rows(serial) == batch(paths, context)


def test_cli_output_is_identical_with_and_without_jobs(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for jobs in ("1", "2"):
        code = main(
            ["lint", "--app-scheme", "myshop", "--format", "json", "--jobs", jobs, str(tree)]
        )
        out, err = capsys.readouterr()
        outputs.append((code, out, err))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_jobs_must_be_positive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    assert main(["lint", "--jobs", jobs, str(tmp_path)]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_small_inputs_stay_in_one_process() -> None:
    assert lint._workers(None, lint.PARALLEL_MIN_FILES, 10) == 1
    assert lint._workers(4, 1000, 3) == 3  # never more processes than tasks
    assert lint._workers(1, 1000, 30) == 1


def test_lint_builds_only_its_own_options(tmp_path: Path) -> None:
    # Start-up: the other subcommands' option tables import generate, render, registry_tools.
    import subprocess
    import sys

    script = (
        "import sys\nfrom schemegen.cli.main import main\n"
        f"main(['lint', '--jobs', '1', {str(tmp_path)!r}])\n"
        "heavy = {'schemegen.generate.views', 'schemegen.registry.tools',"
        " 'schemegen.generate.render.jinja'}\n"
        "assert not heavy & set(sys.modules), heavy & set(sys.modules)\n"
        "assert main(['--version']) == 0 and 'schemegen.generate.views' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
