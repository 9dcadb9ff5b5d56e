"""`generate --check` without argparse: which files under --out drift, and how each shows."""

from __future__ import annotations

from pathlib import Path

from schemegen.generate.drift import Drift, drift

FILES = {"web/a.js": "one\ntwo\n", "ios/b.swift": "three\n"}


def written(out: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    return out


def test_an_up_to_date_folder_has_no_drift(tmp_path: Path) -> None:
    assert drift(written(tmp_path / "out", FILES), FILES) == ()


def test_a_changed_or_missing_file_is_a_diff_to_the_generated_text(tmp_path: Path) -> None:
    out = written(tmp_path / "out", {"web/a.js": "one\nold\n"})
    found = drift(out, FILES)
    assert [item.path for item in found] == [out / "web/a.js", out / "ios/b.swift"]
    assert all(item.problem is None for item in found)
    assert found[0].diff == (
        f"--- {out}/web/a.js\n+++ {out}/web/a.js (generated)\n@@ -1,2 +1,2 @@\n one\n-old\n+two\n"
    )
    assert found[1].diff.endswith("@@ -0,0 +1 @@\n+three\n")


def test_a_file_that_is_not_utf8_is_compared_as_empty(tmp_path: Path) -> None:
    out = written(tmp_path / "out", FILES)
    (out / "ios/b.swift").write_bytes(b"\xff\xfe")
    assert [item.diff.splitlines()[-1] for item in drift(out, FILES)] == ["+three"]


def test_a_symlink_or_a_folder_in_the_way_is_a_problem_not_a_diff(tmp_path: Path) -> None:
    out = written(tmp_path / "out", {"ios/b.swift": "three\n"})
    (tmp_path / "elsewhere").mkdir()
    (out / "web").symlink_to(tmp_path / "elsewhere")
    (out / "ios/b.swift").unlink()
    (out / "ios/b.swift").mkdir()
    assert drift(out, FILES) == (
        Drift(
            out / "web/a.js",
            problem=f"{out / 'web'}: is a symlink; --check does not follow it "
            "(generate writes real files)",
        ),
        Drift(
            out / "ios/b.swift", problem=f"{out}/ios/b.swift: is a directory, not a regular file"
        ),
    )
