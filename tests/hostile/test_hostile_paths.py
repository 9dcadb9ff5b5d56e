"""Apply writes nothing outside the project root; lint and generate --check read nothing outside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hostile_support import (
    APPLY,
    APPLY_FIXTURES,
    MANIFEST,
    PLIST,
    SECRET,
    flutter,
    run,
    snapshot,
)

LAUNCHER_WITH_STRING_SCHEME = """\
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">
  <application><activity android:name=".MainActivity" android:exported="true">
    <intent-filter><action android:name="android.intent.action.MAIN"/>
      <category android:name="android.intent.category.LAUNCHER"/></intent-filter>
    <intent-filter><action android:name="android.intent.action.VIEW"/>
      <category android:name="android.intent.category.DEFAULT"/>
      <category android:name="android.intent.category.BROWSABLE"/>
      <data android:scheme="@string/scheme"/></intent-filter>
  </activity></application>
</manifest>
"""


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside" / "secret"
    folder.mkdir(parents=True)
    shutil.copy(APPLY_FIXTURES / "plist_basic.plist", folder / "Info.plist")
    return folder


@pytest.mark.parametrize("absolute", [False, True])
def test_infoplist_file_outside_the_root_is_refused(
    tmp_path: Path, outside: Path, absolute: bool
) -> None:
    top = tmp_path / "trav"
    (top / "app/src/main").mkdir(parents=True)
    shutil.copy(APPLY_FIXTURES / "manifest_basic.xml", top / "app/src/main/AndroidManifest.xml")
    (top / "ios/App.xcodeproj").mkdir(parents=True)
    value = str(outside / "Info.plist") if absolute else "../../outside/secret/Info.plist"
    (top / "ios/App.xcodeproj/project.pbxproj").write_text(
        "// !$*UTF8*$!\n{ objects = { X = { isa = XCBuildConfiguration;\n"
        f'  buildSettings = {{ INFOPLIST_FILE = "{value}"; }}; }}; }}; }}\n'
    )
    before = snapshot(tmp_path)
    code, _, err = run(*APPLY, cwd=top)
    assert code == 2
    assert "ios/App.xcodeproj/project.pbxproj:3: INFOPLIST_FILE" in err
    assert "outside the project root" in err
    assert snapshot(tmp_path) == before


def test_symlinked_folder_leading_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    top = flutter(tmp_path / "p")
    shutil.rmtree(top / "ios/Runner")
    (top / "ios/Runner").symlink_to("../../outside/secret")
    before = snapshot(tmp_path)
    for follow in ((), ("--follow-symlinks",)):
        code, _, err = run(*APPLY, *follow, cwd=top)
        assert code == 2
        assert "ios/Runner/Info.plist: leads outside the project root" in err
        assert "through a symlinked folder" in err
        assert snapshot(tmp_path) == before


def test_symlinked_folder_inside_the_root_is_written(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    (top / "shared").mkdir()
    (top / "ios/Runner").rename(top / "shared/Runner")
    (top / "ios/Runner").symlink_to("../shared/Runner")
    code, _, _ = run(*APPLY, cwd=top)
    assert code == 0
    assert b"<string>myshop</string>" in (top / "shared/Runner/Info.plist").read_bytes()


def test_follow_symlinks_refuses_a_file_link_out_of_the_root(tmp_path: Path, outside: Path) -> None:
    top = flutter(tmp_path / "p")
    (top / PLIST).unlink()
    (top / PLIST).symlink_to(outside / "Info.plist")
    before = snapshot(tmp_path)
    code, _, err = run(*APPLY, "--follow-symlinks", cwd=top)
    assert code == 2
    assert "--follow-symlinks follows only links that stay inside it" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("target", ["secret", "/dev/zero", "folder"])
def test_generate_check_never_follows_a_symlink_in_out(tmp_path: Path, target: str) -> None:
    (tmp_path / "secret.txt").write_text(SECRET + "\n")
    web = tmp_path / "payment-config" / "web"
    if target == "folder":
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / "elsewhere" / "request_pay.js").write_text(SECRET + "\n")
        web.parent.mkdir()
        web.symlink_to(tmp_path / "elsewhere")
        link = web
    else:
        web.mkdir(parents=True)
        link = web / "request_pay.js"
        link.symlink_to(tmp_path / "secret.txt" if target == "secret" else target)
    code, out, err = run(
        "generate", "--app-scheme", "myshop", "--platform", "web", "--check",
        "--out", "payment-config", cwd=tmp_path,
    )  # fmt: skip
    assert code == 1
    assert f"{link.relative_to(tmp_path)}: is a symlink; --check does not follow it" in err
    assert SECRET not in out


@pytest.mark.parametrize("how", ["file", "folder"])
def test_lint_reads_no_strings_xml_outside_through_a_symlink(tmp_path: Path, how: str) -> None:
    main = tmp_path / "sx/app/src/main"
    (main / "res").mkdir(parents=True)
    (main / "AndroidManifest.xml").write_text(LAUNCHER_WITH_STRING_SCHEME)
    (tmp_path / "outsidex/values").mkdir(parents=True)
    (tmp_path / "outsidex/values/strings.xml").write_text(
        f'<resources><string name="scheme">{SECRET}!</string></resources>'
    )
    if how == "file":
        (main / "res/values").mkdir()
        (main / "res/values/strings.xml").symlink_to(tmp_path / "outsidex/values/strings.xml")
    else:
        (main / "res/values").symlink_to(tmp_path / "outsidex/values")
    run("lint", "--app-scheme", "myshop", "sx", cwd=tmp_path)  # asserts SECRET is not shown


def test_lint_reads_strings_xml_through_a_link_inside(tmp_path: Path) -> None:
    main = tmp_path / "sx/app/src/main"
    (main / "res/values").mkdir(parents=True)
    (main / "AndroidManifest.xml").write_text(LAUNCHER_WITH_STRING_SCHEME)
    (main / "res/shared.xml").write_text(
        '<resources><string name="scheme">other_scheme!</string></resources>'
    )
    (main / "res/values/strings.xml").symlink_to("../shared.xml")
    _, out, _ = run("lint", "--app-scheme", "myshop", "sx", cwd=tmp_path)
    assert "scheme `other_scheme!` (from `@string/scheme`)" in out


def test_manifest_symlink_outside_is_not_linted(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/AndroidManifest.xml").write_text(
        LAUNCHER_WITH_STRING_SCHEME.replace("@string/scheme", SECRET.lower())
    )
    (tmp_path / "p/app/src/main").mkdir(parents=True)
    (tmp_path / "p/app/src/main/AndroidManifest.xml").symlink_to(
        tmp_path / "outside/AndroidManifest.xml"
    )
    _, out, err = run("lint", "--app-scheme", "myshop", "p", cwd=tmp_path)
    assert SECRET.lower() not in out + err


def test_apply_refuses_the_manifest_named_through_an_outside_link(tmp_path: Path) -> None:
    top = flutter(tmp_path / "p")
    (tmp_path / "out").mkdir()
    (top / MANIFEST).rename(tmp_path / "out/AndroidManifest.xml")
    (top / "android/app/src/main").rmdir()
    (top / "android/app/src/main").symlink_to(tmp_path / "out")
    before = snapshot(tmp_path)
    code, _, err = run(*APPLY, cwd=top)
    assert code == 2
    assert "through a symlinked folder" in err
    assert snapshot(tmp_path) == before
