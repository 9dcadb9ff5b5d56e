"""`schemegen apply` in Flutter and Capacitor apps: the glue next to MainActivity, reruns."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from schemegen.apply import handlers
from schemegen.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
OPTIONS = ["--app-scheme", "myshop", "--pg", "kcp", "--methods", "card"]
FLUTTER_KTS = """plugins {
    id("com.android.application")
    id("kotlin-android")
    id("dev.flutter.flutter-gradle-plugin")
}

android {
    namespace = "com.shop.app"
}
"""
FLUTTER_GROOVY_JAVA = """plugins {
    id "com.android.application"
    id "dev.flutter.flutter-gradle-plugin"
}

android {
    namespace "com.shop.app"
}
"""
CAPACITOR_GROOVY = """apply plugin: 'com.android.application'

android {
    compileSdk rootProject.ext.compileSdkVersion
    defaultConfig {
        applicationId "io.shop.web"
    }
}
"""
KOTLIN_DIR = "android/app/src/main/kotlin/com/shop/app/payment"
JAVA_DIR = "android/app/src/main/java/com/shop/app/payment"
CAPACITOR_DIR = "android/app/src/main/java/io/shop/web/payment"


def flutter(tmp_path: Path, webview: str = "webview_flutter", kotlin: bool = True) -> Path:
    root = tmp_path / "shop"
    lang, ext = ("kotlin", "kt") if kotlin else ("java", "java")
    activity = root / f"android/app/src/main/{lang}/com/shop/app/MainActivity.{ext}"
    activity.parent.mkdir(parents=True)
    activity.write_text(
        "package com.shop.app\n\nclass MainActivity : FlutterActivity()\n"
        if kotlin
        else "package com.shop.app;\n\npublic class MainActivity extends FlutterActivity {}\n"
    )
    (root / "ios/Runner").mkdir(parents=True)
    pubspec = f"name: shop\ndependencies:\n  flutter:\n    sdk: flutter\n  {webview}: any\n"
    (root / "pubspec.yaml").write_text(pubspec)
    gradle = "build.gradle.kts" if kotlin else "build.gradle"
    (root / "android/app" / gradle).write_text(FLUTTER_KTS if kotlin else FLUTTER_GROOVY_JAVA)
    shutil.copyfile(FIXTURES / "manifest_basic.xml", root / MANIFEST)
    shutil.copyfile(FIXTURES / "plist_basic.plist", root / "ios/Runner/Info.plist")
    return root


def capacitor(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    activity = root / "android/app/src/main/java/io/shop/web/MainActivity.java"
    activity.parent.mkdir(parents=True)
    activity.write_text(
        "package io.shop.web;\n\nimport com.getcapacitor.BridgeActivity;\n\n"
        "public class MainActivity extends BridgeActivity {}\n"
    )
    (root / "package.json").write_text('{"dependencies": {"@capacitor/core": "^7.0.0"}}\n')
    (root / "capacitor.config.ts").write_text("export default { appId: 'io.shop.web' };\n")
    (root / "android/app/build.gradle").write_text(CAPACITOR_GROOVY)
    shutil.copyfile(FIXTURES / "manifest_basic.xml", root / MANIFEST)
    return root


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def declared_package(path: Path) -> str:
    found = re.search(r"^package ([\w.]+);?$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert found is not None
    return found.group(1)


def written(root: Path, before: dict[str, bytes]) -> set[str]:
    return set(files(root)) - set(before)


def test_flutter_kotlin_app_gets_dart_in_lib_and_kotlin_next_to_main_activity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = flutter(tmp_path)
    before = files(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    captured = capsys.readouterr()
    assert written(root, before) == {
        "lib/payment/payment_urls.dart",
        "lib/payment/payment_webview.dart",
        f"{KOTLIN_DIR}/PaymentChannel.kt",
        f"{KOTLIN_DIR}/PaymentUrlLauncher.kt",
    }
    for name in ("PaymentChannel.kt", "PaymentUrlLauncher.kt"):
        assert declared_package(root / KOTLIN_DIR / name) == "com.shop.app.payment"
    assert "has no usual place" not in captured.err
    assert "paste into MainActivity:" in captured.err
    assert "com.shop.app.payment.PaymentChannel.register(flutterEngine, this)" in captured.out
    assert b'android:scheme="myshop"' in (root / MANIFEST).read_bytes()


def test_flutter_java_app_with_inappwebview_gets_java_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = flutter(tmp_path, webview="flutter_inappwebview", kotlin=False)
    before = files(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert written(root, before) == {
        "lib/payment/payment_urls.dart",
        "lib/payment/payment_inappwebview.dart",
        f"{JAVA_DIR}/PaymentChannel.java",
        f"{JAVA_DIR}/PaymentUrlLauncher.java",
    }
    assert declared_package(root / JAVA_DIR / "PaymentChannel.java") == "com.shop.app.payment"
    assert "super.configureFlutterEngine(flutterEngine);" in capsys.readouterr().out


def test_capacitor_app_gets_the_java_plugin_and_a_config_beside_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = capacitor(tmp_path)
    before = files(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    captured = capsys.readouterr()
    assert "framework: capacitor (detected: capacitor.config.ts)" in captured.err
    assert written(root, before) == {
        f"{CAPACITOR_DIR}/PaymentPlugin.java",
        f"{CAPACITOR_DIR}/PaymentUrlLauncher.java",
        "capacitor.payment.ts",
    }
    for name in ("PaymentPlugin.java", "PaymentUrlLauncher.java"):
        assert declared_package(root / CAPACITOR_DIR / name) == "io.shop.web.payment"
    assert files(root)["capacitor.config.ts"] == before["capacitor.config.ts"]
    assert "has no usual place" not in captured.err
    assert "registerPlugin(io.shop.web.payment.PaymentPlugin.class);" in captured.out


@pytest.mark.parametrize("make", [flutter, capacitor], ids=["flutter", "capacitor"])
def test_a_second_apply_changes_nothing(
    make: Callable[[Path], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(tmp_path)
    assert main(["apply", str(root), *OPTIONS]) == 0
    before = files(root)
    capsys.readouterr()
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "nothing to change" in capsys.readouterr().err
    assert files(root) == before
    assert main(["apply", str(root), *OPTIONS, "--check"]) == 0


def test_an_edited_glue_file_is_kept_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = flutter(tmp_path)
    assert main(["apply", str(root), *OPTIONS]) == 0
    channel = root / KOTLIN_DIR / "PaymentChannel.kt"
    channel.write_text(channel.read_text(encoding="utf-8") + "// mine\n", encoding="utf-8")
    assert main(["apply", str(root), *OPTIONS, "--pg", "nice"]) == 2
    assert "edited by hand" in capsys.readouterr().err
    assert channel.read_text(encoding="utf-8").endswith("// mine\n")
    assert main(["apply", str(root), *OPTIONS, "--pg", "nice", "--force"]) == 0
    assert not channel.read_text(encoding="utf-8").endswith("// mine\n")


def test_java_package_option_wins_over_the_namespace(tmp_path: Path) -> None:
    root = capacitor(tmp_path)
    assert main(["apply", str(root), *OPTIONS, "--java-package", "io.shop.pay"]) == 0
    plugin = root / "android/app/src/main/java/io/shop/pay/PaymentPlugin.java"
    assert declared_package(plugin) == "io.shop.pay"


def test_without_a_namespace_only_the_dart_files_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = flutter(tmp_path)
    (root / "android/app/build.gradle.kts").write_text("android {}\n")
    before = files(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "pass --java-package; the Android files are not written" in capsys.readouterr().err
    assert {name for name in written(root, before) if not name.startswith("lib/")} == set()


def test_only_unknown_keys_have_no_usual_place() -> None:
    places = {"dart": "lib/payment/payment_urls.dart"}
    keys = ("dart", "java-channel", "manifest", "brand-new")
    placed, unplaced = handlers.placements(Path("app"), keys, places)
    assert [(p.key, p.path) for p in placed] == [
        ("dart", Path("app/lib/payment/payment_urls.dart"))
    ]
    assert unplaced == ("brand-new",)


def test_no_snippet_without_a_placed_channel_or_plugin() -> None:
    assert handlers.snippet("flutter", {"dart": "// no doc comment\n"}) is None
    assert handlers.snippet("native", {}) is None
