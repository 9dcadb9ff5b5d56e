"""The sides of `registry diff` without argparse: files, git revisions and the working file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import require_tool

from schemegen.registry import load
from schemegen.registry.model import SHIPPED
from schemegen.registry.revisions import RevisionError, registry_source

OLD = "version: 2026.11.0\n"
NEW = "version: 2026.12.0\n"


GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [*GIT, *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose schemes.yaml was OLD, then NEW; the tests run in a folder below it."""
    require_tool("git")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    git(tmp_path, "init", "-q")
    (tmp_path / "schemes.yaml").write_text(OLD, encoding="utf-8")
    git(tmp_path, "add", "schemes.yaml")
    git(tmp_path, "commit", "-q", "-m", "old")
    (tmp_path / "schemes.yaml").write_text(NEW, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "new")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    return tmp_path


def test_a_revision_reads_the_committed_file_from_the_top(repo: Path) -> None:
    (repo / "schemes.yaml").write_text("version: uncommitted\n", encoding="utf-8")
    assert registry_source("HEAD~1", "schemes.yaml") == ("HEAD~1:schemes.yaml", OLD)
    assert registry_source("HEAD", "schemes.yaml") == ("HEAD:schemes.yaml", NEW)


def test_a_revision_with_a_path_names_its_own_file(repo: Path) -> None:
    assert registry_source("HEAD~1:schemes.yaml", "other.yaml") == ("HEAD~1:schemes.yaml", OLD)


def test_no_revision_is_the_working_file_at_the_top(repo: Path) -> None:
    (repo / "schemes.yaml").write_text("version: working\n", encoding="utf-8")
    label, text = registry_source(None, "schemes.yaml")
    assert Path(label) == repo / "schemes.yaml"
    assert text == "version: working\n"


def test_an_unknown_revision_is_an_error_from_git(repo: Path) -> None:
    with pytest.raises(RevisionError, match=r"^git show no-such-rev:schemes\.yaml: fatal: "):
        registry_source("no-such-rev", "schemes.yaml")


def test_a_file_missing_at_the_revision_is_an_error_from_git(repo: Path) -> None:
    with pytest.raises(RevisionError, match=r"^git show HEAD:other\.yaml: fatal: "):
        registry_source("HEAD", "other.yaml")


def test_an_option_like_spec_is_never_passed_to_git(repo: Path) -> None:
    with pytest.raises(RevisionError, match=r"^`--output=x` is neither a file nor a git revision$"):
        registry_source("--output=x", "schemes.yaml")
    assert not (repo / "sub" / "x").exists()


def test_a_file_is_read_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    spec = str(tmp_path / "old.yaml")
    assert registry_source(spec, "schemes.yaml") == (spec, OLD)


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"\xff\n")
    spec = str(tmp_path / "bad.yaml")
    with pytest.raises(RevisionError, match=r": cannot read registry: 'utf-8' codec"):
        registry_source(spec, "schemes.yaml")


def test_outside_git_a_revision_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(RevisionError, match=r"^`HEAD~1` is not a file, and this is not a git"):
        registry_source("HEAD~1", "schemes.yaml")


def test_outside_git_no_revision_is_the_installed_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert registry_source(None, "schemes.yaml") == (
        "installed schemes.yaml",
        load.read_text_resource(SHIPPED),
    )
