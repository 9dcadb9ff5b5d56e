"""`schemegen apply`: detection, exit codes, --diff/--check, idempotence, safety, handlers."""

from __future__ import annotations

import os
import plistlib
import shutil
from pathlib import Path

import pytest

from schemegen.cli.main import main
from schemegen.core import atomic

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
OPTIONS = ["--app-scheme", "myshop", "--pg", "kcp", "--methods", "card"]
OLD = 1_000_000_000  # a fixed mtime, to prove a file was not rewritten


def flutter(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "android/app/src/main").mkdir(parents=True)
    (root / "ios/Runner").mkdir(parents=True)
    (root / "pubspec.yaml").write_text("name: shop\n")
    shutil.copyfile(FIXTURES / "manifest_basic.xml", root / MANIFEST)
    shutil.copyfile(FIXTURES / "plist_basic.plist", root / "ios/Runner/Info.plist")
    for path in (root / MANIFEST, root / "ios/Runner/Info.plist"):
        os.utime(path, (OLD, OLD))
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_apply_then_nothing_to_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = flutter(tmp_path)
    (root / MANIFEST).chmod(0o640)
    assert main(["apply", str(root), *OPTIONS]) == 0
    err = capsys.readouterr().err
    assert f"project: Flutter ({MANIFEST}, ios/Runner/Info.plist)" in err
    assert "updated 4 file(s)" in err  # the manifest, the plist and the two Dart files
    assert (root / MANIFEST).stat().st_mode & 0o777 == 0o640
    assert b'android:scheme="myshop"' in (root / MANIFEST).read_bytes()
    assert "myshop" in str(plistlib.loads((root / "ios/Runner/Info.plist").read_bytes()))
    for path in (root / MANIFEST, root / "ios/Runner/Info.plist"):
        os.utime(path, (OLD, OLD))
    before = snapshot(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "nothing to change" in capsys.readouterr().err
    assert snapshot(root) == before
    assert main(["apply", str(root), *OPTIONS, "--check"]) == 0


def test_diff_and_check_never_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = flutter(tmp_path)
    before = snapshot(root)
    assert main(["apply", str(root), *OPTIONS, "--diff"]) == 0
    out = capsys.readouterr().out
    assert f"--- a/{MANIFEST}" in out
    changed = [
        line
        for line in out.splitlines()
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    # the only non-added line is the start tag whose `>` moves after the new attribute
    assert [line for line in changed if line.startswith("-")] == [
        '-            tools:ignore="UnusedAttribute">'
    ]
    assert snapshot(root) == before
    assert main(["apply", str(root), *OPTIONS, "--check"]) == 1
    assert "would change" in capsys.readouterr().err
    assert snapshot(root) == before


def test_parse_error_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = flutter(tmp_path)
    (root / "ios/Runner/Info.plist").write_text("<plist><dict>")
    before = snapshot(root)
    assert main(["apply", str(root), *OPTIONS]) == 2
    assert "nothing was changed" in capsys.readouterr().err
    assert snapshot(root) == before


def test_symlinked_file_needs_follow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = flutter(tmp_path)
    real = root / "shared" / "Info.plist"
    real.parent.mkdir()
    (root / "ios/Runner/Info.plist").rename(real)
    (root / "ios/Runner/Info.plist").symlink_to("../../shared/Info.plist")
    before = real.read_bytes()
    assert main(["apply", str(root), *OPTIONS]) == 2
    assert "is a symlink; pass --follow-symlinks" in capsys.readouterr().err
    assert real.read_bytes() == before
    assert b"myshop" not in (root / MANIFEST).read_bytes()
    assert main(["apply", str(root), *OPTIONS, "--follow-symlinks"]) == 0
    assert (root / "ios/Runner/Info.plist").is_symlink()
    assert b"<string>myshop</string>" in real.read_bytes()


def test_follow_symlinks_stays_inside_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = flutter(tmp_path)
    real = tmp_path / "shared-Info.plist"
    (root / "ios/Runner/Info.plist").rename(real)
    (root / "ios/Runner/Info.plist").symlink_to(real)
    before = snapshot(tmp_path)
    assert main(["apply", str(root), *OPTIONS, "--follow-symlinks"]) == 2
    assert "outside the project root" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_read_only_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = flutter(tmp_path)
    (root / "ios/Runner/Info.plist").chmod(0o444)
    before = snapshot(root)
    assert main(["apply", str(root), *OPTIONS]) == 2
    assert "is read-only" in capsys.readouterr().err
    assert snapshot(root) == before


def test_several_candidates_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "native"
    for module in ("app", "shop"):
        (root / module / "src/main").mkdir(parents=True)
        target = root / module / "src/main/AndroidManifest.xml"
        shutil.copyfile(FIXTURES / "manifest_basic.xml", target)
    assert main(["apply", str(root), *OPTIONS]) == 2
    err = capsys.readouterr().err
    assert "several AndroidManifest.xml candidates: app/src/main/AndroidManifest.xml, " in err
    assert "--android-manifest" in err
    chosen = ["--android-manifest", str(root / "shop/src/main/AndroidManifest.xml")]
    assert main(["apply", str(root), *OPTIONS, *chosen]) == 0
    assert b"myshop" in (root / "shop/src/main/AndroidManifest.xml").read_bytes()
    assert b"myshop" not in (root / "app/src/main/AndroidManifest.xml").read_bytes()


PBXPROJ = """// !$*UTF8*$!
{{
	objects = {{
		1 /* Debug */ = {{ buildSettings = {{ {setting}; PRODUCT_NAME = Shop; }}; }};
		2 /* Release */ = {{ buildSettings = {{ {setting}; PRODUCT_NAME = Shop; }}; }};
		3 /* Tests */ = {{ buildSettings = {{ INFOPLIST_FILE = ShopTests/Info.plist; }}; }};
	}};
}}
"""


def test_native_ios_reads_infoplist_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ios-app"
    (root / "Shop.xcodeproj").mkdir(parents=True)
    (root / "Shop/Supporting Files").mkdir(parents=True)
    (root / "ShopTests").mkdir()
    (root / "ShopTests/Info.plist").write_text("<plist><dict/></plist>")
    plist = root / "Shop/Supporting Files/Shop-Info.plist"
    shutil.copyfile(FIXTURES / "plist_basic.plist", plist)
    setting = 'INFOPLIST_FILE = "$(SRCROOT)/Shop/Supporting Files/Shop-Info.plist"'
    (root / "Shop.xcodeproj/project.pbxproj").write_text(PBXPROJ.format(setting=setting))
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "project: native (Shop/Supporting Files/Shop-Info.plist)" in capsys.readouterr().err
    assert b"<string>myshop</string>" in plist.read_bytes()
    assert (root / "ShopTests/Info.plist").read_text() == "<plist><dict/></plist>"


def test_generated_infoplist_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ios-app"
    (root / "Shop.xcodeproj").mkdir(parents=True)
    (root / "Shop.xcodeproj/project.pbxproj").write_text(
        PBXPROJ.format(setting="GENERATE_INFOPLIST_FILE = YES").replace(
            "INFOPLIST_FILE = ShopTests/Info.plist", "GENERATE_INFOPLIST_FILE = YES"
        )
    )
    assert main(["apply", str(root), *OPTIONS]) == 2
    err = capsys.readouterr().err
    assert "GENERATE_INFOPLIST_FILE = YES" in err
    assert "INFOPLIST_FILE build setting" in err


def test_app_scheme_of_a_registry_app_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = flutter(tmp_path)
    assert main(["apply", str(root), "--app-scheme", "ispmobile"]) == 2
    assert "belongs to" in capsys.readouterr().err


def test_handler_written_updated_and_protected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("schemegen.generate.views")
    root = flutter(tmp_path)
    handler = root / "android/app/src/main/java/com/example/shop/payment/PaymentWebViewClient.kt"
    assert main(["apply", str(root), *OPTIONS, "--handler", "kotlin"]) == 0
    text = handler.read_text()
    assert "schemegen-hash: sha256:" in text
    assert "package com.example.shop.payment" in text
    os.utime(handler, (OLD, OLD))
    assert main(["apply", str(root), *OPTIONS, "--handler", "kotlin"]) == 0
    assert "nothing to change" in capsys.readouterr().err
    assert handler.stat().st_mtime == OLD
    # a registry/option change updates the unedited file
    assert main(["apply", str(root), *OPTIONS, "--handler", "kotlin", "--class-prefix", ""]) == 0
    handler.write_text(text + "// my change\n")
    assert main(["apply", str(root), "--app-scheme", "myshop", "--handler", "kotlin"]) == 2
    assert "edited by hand" in capsys.readouterr().err
    assert handler.read_text().endswith("// my change\n")
    handler.write_text("class Mine\n")
    assert main(["apply", str(root), *OPTIONS, "--handler", "kotlin"]) == 2
    assert "without a schemegen header" in capsys.readouterr().err
    assert main(["apply", str(root), *OPTIONS, "--handler", "kotlin", "--force"]) == 0
    assert handler.read_text() == text


def test_swift_handler_next_to_the_plist(tmp_path: Path) -> None:
    pytest.importorskip("schemegen.generate.views")
    root = flutter(tmp_path)
    handler_dir = tmp_path / "elsewhere"
    assert main(["apply", str(root), *OPTIONS, "--handler", "swift"]) == 0
    assert (root / "ios/Runner/PaymentWebViewHandler.swift").is_file()
    assert (
        main(["apply", str(root), *OPTIONS, "--handler", "objc", "--handler-dir", str(handler_dir)])
        == 0
    )
    assert sorted(p.name for p in handler_dir.iterdir()) == [
        "PaymentWebViewHandler.h",
        "PaymentWebViewHandler.m",
    ]


def test_changed_on_disk_between_read_and_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = flutter(tmp_path)
    real = atomic.write_all

    def racing(contents: dict[Path, bytes], **options: object) -> None:
        (root / MANIFEST).write_bytes((root / MANIFEST).read_bytes() + b"<!-- edited -->\n")
        real(contents, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic, "write_all", racing)
    assert main(["apply", str(root), *OPTIONS]) == 2
    assert "changed on disk since it was read" in capsys.readouterr().err
    assert (root / MANIFEST).read_bytes().endswith(b"<!-- edited -->\n")
    assert (root / "ios/Runner/Info.plist").read_bytes() == (
        FIXTURES / "plist_basic.plist"
    ).read_bytes()
