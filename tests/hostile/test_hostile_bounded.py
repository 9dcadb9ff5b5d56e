"""Files are refused before reading when too large or not regular: no /dev/zero, no FIFO."""

from __future__ import annotations

import os
import resource
from pathlib import Path

import pytest
from hostile_support import APPLY, MANIFEST, flutter, run, snapshot

# With an unbounded read the child dies of MemoryError at this limit instead of eating the
# machine; a bounded one never comes near it.
MEMORY = 1_500_000_000


def _bounded_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def native(top: Path) -> Path:
    """A cross-platform project (android/ folder, package.json read for the kind)."""
    top = flutter(top)
    (top / "pubspec.yaml").unlink()
    return top


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "sparse"])
def test_package_json_that_never_ends(tmp_path: Path, target: str) -> None:
    top = native(tmp_path / "p")
    package = top / "package.json"
    if target == "fifo":
        os.mkfifo(package)
    elif target == "sparse":
        with package.open("wb") as handle:
            handle.truncate(8_000_000_000)  # 8 GB that take no disk: refused by size, unread
    else:
        package.symlink_to(target)
    code, _, err = run(*APPLY, cwd=top, preexec=_bounded_memory)
    assert code == 0, err
    assert b"myshop" in (top / MANIFEST).read_bytes()


@pytest.mark.parametrize("command", ["lint", "apply"])
def test_overlay_linked_to_dev_zero(tmp_path: Path, command: str) -> None:
    top = flutter(tmp_path / "p")
    (top / "registry").mkdir()
    (top / "registry/extra.yaml").symlink_to("/dev/zero")
    (top / ".schemegen.yaml").write_text("registry: [registry/extra.yaml]\n")
    before = snapshot(top)
    args = ("lint", "--app-scheme", "myshop", ".") if command == "lint" else APPLY
    code, _, err = run(*args, cwd=top, preexec=_bounded_memory)
    assert code == 2
    assert "registry/extra.yaml: cannot read registry overlay: is a character device" in err
    assert snapshot(top) == before


def test_lint_of_a_fifo_named_on_the_command_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "AndroidManifest.xml")
    code, out, _ = run("lint", "--app-scheme", "myshop", "AndroidManifest.xml", cwd=tmp_path)
    assert code == 1
    assert "AndroidManifest.xml: SG001 [error] cannot read: is a FIFO, not a regular file" in out


def test_lint_skips_a_fifo_found_in_discovery(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    os.mkfifo(top / "ios/Runner/Old-Info.plist")
    code, out, err = run("lint", "--app-scheme", "myshop", ".", cwd=top)
    assert code in (0, 1)
    assert "Old-Info.plist" not in out + err


@pytest.mark.parametrize("option", ["--android-manifest", "--registry"])
def test_apply_refuses_a_fifo_named_on_the_command_line(tmp_path: Path, option: str) -> None:
    top = flutter(tmp_path / "p")
    os.mkfifo(top / "named")
    before = snapshot(top)
    code, _, err = run(*APPLY, option, "named", cwd=top)
    assert code == 2
    expected = {
        "--android-manifest": "named: is not a regular file",
        "--registry": "named: cannot read registry overlay: is a FIFO, not a regular file",
    }
    assert expected[option] in err
    assert snapshot(top) == before


def test_apply_refuses_a_manifest_linked_to_dev_zero(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    (top / MANIFEST).unlink()
    (top / MANIFEST).symlink_to("/dev/zero")
    code, _, err = run(
        *APPLY, "--android-manifest", MANIFEST, "--follow-symlinks", cwd=top,
        preexec=_bounded_memory,
    )  # fmt: skip
    assert code == 2
    assert f"{MANIFEST}: is not a regular file" in err


EXPO = '{"dependencies": {"expo": "^52.0.0"}}\n'


@pytest.mark.parametrize("shape", ["one-line-members", "duplicate-packages", "open-comment"])
def test_app_json_edits_are_linear(tmp_path: Path, shape: str) -> None:
    """Inputs that a per-member rescan or a list lookup would make quadratic.

    The child's watchdog turns a hang into a failure; no time is measured.
    """
    top = tmp_path / "e"
    top.mkdir()
    (top / "package.json").write_text(EXPO)
    if shape == "one-line-members":
        members = ", ".join(f'"k{i}": {i}' for i in range(200_000))
        text = '{"expo": {' + members + "}}"
    elif shape == "duplicate-packages":
        packages = ", ".join(['"com.hanaskcard.paycla"'] * 100_000)
        text = (
            '{"expo": {"plugins": [["expo-build-properties", '
            '{"android": {"manifestQueries": {"package": [' + packages + "]}}}]]}}"
        )
    else:
        text = '{"expo": {}} /*' + " " * 3_000_000
    (top / "app.json").write_text(text)
    code, _, err = run(*APPLY, "--fix", cwd=top)
    if shape == "open-comment":
        assert code == 2
        assert "app.json:1: " in err
        assert "expected the end of the file" in err
        assert len(err.strip().splitlines()[-1:]) == 1
        return
    assert code == 0, err
    new = (top / "app.json").read_text()
    assert new.count('"./plugins/withSchemegenPayment"') == 1
    assert '"scheme": "myshop"' in new
