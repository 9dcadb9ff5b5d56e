"""How apply shows a plan: names from the project root, diffs that `patch -p1` reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemegen.apply.edit import Plan
from schemegen.apply.report import diff_name, plan_diff, shown


def test_a_path_is_shown_from_the_root_unless_it_lies_outside() -> None:
    assert shown(Path("app/android/x.xml"), Path("app")) == "android/x.xml"
    assert shown(Path("other/x.xml"), Path("app")) == "other/x.xml"
    assert shown(Path("/elsewhere/x.xml"), Path("app")) == "/elsewhere/x.xml"


def test_a_diff_names_files_from_the_root_the_current_folder_or_slash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "app"
    assert diff_name(root / "ios/Info.plist", root) == "ios/Info.plist"
    assert diff_name(tmp_path / "shared/Info.plist", root) == "shared/Info.plist"
    assert diff_name(Path("/elsewhere/Info.plist"), root) == "elsewhere/Info.plist"


def test_the_diff_marks_a_missing_final_newline() -> None:
    diff = plan_diff("a.txt", Plan(b"one\ntwo", b"one\nthree", ("changed",)))
    assert diff == (
        "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n"
        "\\ No newline at end of file\n+three\n\\ No newline at end of file\n"
    )


def test_a_file_that_is_not_text_is_named_with_its_changes() -> None:
    plan = Plan(b"\xff\x00", b"\xff\x01", ("added x", "removed y"))
    assert plan_diff("Info.plist", plan) == "Binary file Info.plist changes: added x; removed y\n"
