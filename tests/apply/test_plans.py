"""The apply planner without argparse: each framework branch's plans, notices and errors."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from schemegen.apply import handlers, placement, plans, project
from schemegen.apply.handlers import Snippet
from schemegen.apply.plans import ApplyError, Notice, Planned, Request, Survey
from schemegen.core.header import read_header
from schemegen.registry.model import Registry
from schemegen.registry.selection import Criteria
from schemegen.registry.validate import load

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
CRITERIA = Criteria(pg="kcp", methods=("card",))
RN_FILES = ("src/payment/paymentUrls.ts", "src/payment/PaymentWebView.tsx")
EXPO_FILES = (*RN_FILES, "plugins/withSchemegenPayment.js")
KOTLIN_DIR = "android/app/src/main/kotlin/com/shop/app/payment"
CAPACITOR_DIR = "android/app/src/main/java/io/shop/web/payment"
FLUTTER_KTS = (
    'plugins {\n    id("kotlin-android")\n}\n\nandroid {\n    namespace = "com.shop.app"\n}\n'
)
WROTE = ("wrote the generated file",)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load([])


def native(root: Path, plist_folder: str = "ios/Shop") -> Path:
    (root / "android/app/src/main").mkdir(parents=True)
    (root / plist_folder).mkdir(parents=True)
    shutil.copyfile(FIXTURES / "manifest_basic.xml", root / MANIFEST)
    shutil.copyfile(FIXTURES / "plist_basic.plist", root / plist_folder / "Info.plist")
    return root


def react_native(root: Path) -> Path:
    native(root)
    (root / "package.json").write_text('{"dependencies": {"react-native": "0.86.3"}}\n')
    return root


def expo(root: Path, config: str = "app.json") -> Path:
    root.mkdir()
    (root / "package.json").write_text('{"dependencies": {"expo": "^58.0.0"}}\n')
    app_json = '{\n  "expo": {\n    "name": "shop"\n  }\n}\n'
    (root / config).write_text(app_json if config == "app.json" else "export {};\n")
    return root


def flutter(root: Path, gradle: str = FLUTTER_KTS) -> Path:
    native(root, "ios/Runner")
    activity = root / "android/app/src/main/kotlin/com/shop/app/MainActivity.kt"
    activity.parent.mkdir(parents=True)
    activity.write_text("package com.shop.app\n\nclass MainActivity : FlutterActivity()\n")
    (root / "android/app/build.gradle.kts").write_text(gradle)
    (root / "pubspec.yaml").write_text("name: shop\ndependencies:\n  webview_flutter: any\n")
    return root


def capacitor(root: Path) -> Path:
    native(root, "ios/App/App")
    activity = root / "android/app/src/main/java/io/shop/web/MainActivity.java"
    activity.parent.mkdir(parents=True)
    activity.write_text("package io.shop.web;\n\nclass MainActivity extends BridgeActivity {}\n")
    (root / "package.json").write_text('{"dependencies": {"@capacitor/core": "^7.0.0"}}\n')
    (root / "capacitor.config.ts").write_text("export default {};\n")
    (root / "android/app/build.gradle").write_text('android {\n    namespace "io.shop.web"\n}\n')
    return root


def request(root: Path, **options: Any) -> Request:
    return Request(root=root, app_scheme="myshop", scheme="myshop", **options)


def surveyed(registry: Registry, root: Path, **options: Any) -> Survey:
    return plans.survey(request(root, **options), registry, CRITERIA)


def planned(registry: Registry, root: Path, framework: str, **options: Any) -> Planned:
    found = surveyed(registry, root, **options)
    return plans.plan(request(root, **options), found, framework)


def relative(planned: Planned, root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in planned.plans]


def test_native_patches_the_manifest_and_the_plist_and_writes_nothing_else(
    registry: Registry, tmp_path: Path
) -> None:
    root = native(tmp_path / "shop")
    found = surveyed(registry, root)
    assert (found.framework, found.app_folder, found.notices) == (None, root, ())
    assert found.manifest.app_scheme == found.plist.app_scheme == "myshop"
    result = planned(registry, root, "native")
    assert relative(result, root) == [MANIFEST, "ios/Shop/Info.plist"]
    assert result.originals == {path: path.read_bytes() for path in result.plans}
    manifest = result.plans[root / MANIFEST]
    assert "added the return intent-filter for `myshop` to `.MainActivity`" in manifest.changes
    assert b'android:scheme="myshop"' in manifest.new
    assert result.notices == (Notice(f"project: cross-platform ({MANIFEST}, ios/Shop/Info.plist)"),)
    assert result.snippet is None


def test_a_given_framework_is_not_detected(registry: Registry, tmp_path: Path) -> None:
    root = react_native(tmp_path / "shop")
    assert surveyed(registry, root, framework="native").framework == "native"


def test_a_native_handler_goes_next_to_the_manifest_in_its_package(
    registry: Registry, tmp_path: Path
) -> None:
    root = native(tmp_path / "shop")
    result = planned(registry, root, "native", handler="java")
    folder = "android/app/src/main/java/com/example/shop/payment"
    assert relative(result, root)[2:] == [
        f"{folder}/PaymentWebViewClient.java",
        f"{folder}/PaymentUrlLauncher.java",
    ]
    handler = result.plans[root / folder / "PaymentWebViewClient.java"]
    assert handler.changes == ("wrote the generated handler",)
    assert b"package com.example.shop.payment;" in handler.new


def test_react_native_writes_its_files_at_the_root_and_gives_the_component_snippet(
    registry: Registry, tmp_path: Path
) -> None:
    root = react_native(tmp_path / "shop")
    result = planned(registry, root, "react-native")
    assert relative(result, root) == [MANIFEST, "ios/Shop/Info.plist", *RN_FILES]
    for name in RN_FILES:
        assert result.originals[root / name] is None
        assert result.plans[root / name].changes == WROTE
        header = read_header(result.plans[root / name].new.decode("utf-8"))
        assert header is not None and not header.edited
    assert result.snippet == Snippet(
        "the screen that shows the payment page", handlers.REACT_NATIVE_SNIPPET
    )


def test_expo_app_json_gets_the_scheme_and_the_plugin_next_to_it(
    registry: Registry, tmp_path: Path
) -> None:
    root = expo(tmp_path / "app")
    found = surveyed(registry, root)
    assert found.framework == "expo"
    assert found.notices == (Notice("framework: expo (detected: app.json)"),)
    result = plans.plan(request(root), found, "expo")
    assert relative(result, root) == ["app.json", *EXPO_FILES]
    app_json = result.plans[root / "app.json"].new.decode("utf-8")
    assert '"scheme": "myshop"' in app_json
    assert handlers.EXPO_PLUGIN_ENTRY in app_json
    assert [result.originals[root / name] for name in EXPO_FILES] == [None] * 3
    assert result.notices == (Notice("project: Expo (managed) (app.json)"),)
    assert result.snippet is not None
    assert result.snippet.code == handlers.REACT_NATIVE_SNIPPET


def test_an_expo_js_config_is_never_edited_but_says_what_to_paste(
    registry: Registry, tmp_path: Path
) -> None:
    root = expo(tmp_path / "app", config="app.config.js")
    found = surveyed(registry, root, framework="expo")
    assert found.notices == ()  # given, not detected
    result = plans.plan(request(root, framework="expo"), found, "expo")
    assert relative(result, root) == list(EXPO_FILES)
    instructions = project.expo_js_instructions(
        "app.config.js", "myshop", handlers.EXPO_PLUGIN_ENTRY
    )
    assert result.notices == (
        Notice("project: Expo (app.config) (app.config.js)"),
        Notice(instructions, paste=True),
        Notice(
            "app.config.js: notice: add the settings above by hand "
            "(schemegen never edits JavaScript)"
        ),
    )


def test_flutter_puts_dart_in_lib_and_kotlin_next_to_main_activity(
    registry: Registry, tmp_path: Path
) -> None:
    root = flutter(tmp_path / "shop")
    result = planned(registry, root, "flutter")
    assert relative(result, root)[2:] == [  # in the order of the target table
        f"{KOTLIN_DIR}/PaymentUrlLauncher.kt",
        "lib/payment/payment_urls.dart",
        "lib/payment/payment_webview.dart",
        f"{KOTLIN_DIR}/PaymentChannel.kt",
    ]
    assert result.notices == (
        Notice(f"project: Flutter ({MANIFEST}, ios/Runner/Info.plist)"),
        Notice("Flutter WebView: webview_flutter (pubspec.yaml)"),
    )
    assert result.snippet is not None and result.snippet.where == "MainActivity"


def test_flutter_without_a_namespace_writes_only_the_dart_files_and_says_why(
    registry: Registry, tmp_path: Path
) -> None:
    root = flutter(tmp_path / "shop", gradle="android {}\n")
    result = planned(registry, root, "flutter")
    assert relative(result, root)[2:] == [
        "lib/payment/payment_urls.dart",
        "lib/payment/payment_webview.dart",
    ]
    assert result.notices[-1] == Notice(
        "notice: android/app/build.gradle has no `namespace` or `applicationId`; "
        "pass --java-package; the Android files are not written"
    )


def test_capacitor_gets_the_plugin_the_launcher_and_a_config_of_its_own(
    registry: Registry, tmp_path: Path
) -> None:
    root = capacitor(tmp_path / "web")
    result = planned(registry, root, "capacitor")
    assert relative(result, root)[2:] == [
        f"{CAPACITOR_DIR}/PaymentUrlLauncher.java",
        f"{CAPACITOR_DIR}/PaymentPlugin.java",
        "capacitor.payment.ts",
    ]
    assert all(result.plans[path].changes == WROTE for path in list(result.plans)[2:])
    assert result.notices == (
        Notice(f"project: Capacitor/Ionic ({MANIFEST}, ios/App/App/Info.plist)"),
    )
    assert result.snippet is not None and result.snippet.where == "MainActivity"


def test_an_error_carries_what_was_said_before_it(registry: Registry, tmp_path: Path) -> None:
    root = flutter(tmp_path / "shop")
    dart = root / "lib/payment/payment_urls.dart"
    dart.parent.mkdir(parents=True)
    dart.write_text("// mine\n")
    with pytest.raises(ApplyError) as caught:
        planned(registry, root, "flutter")
    assert str(caught.value) == (
        f"{dart}: exists without a schemegen header; not overwritten (use --force)"
    )
    assert caught.value.notices == (
        Notice(f"project: Flutter ({MANIFEST}, ios/Runner/Info.plist)"),
        Notice("Flutter WebView: webview_flutter (pubspec.yaml)"),
    )
    forced = planned(registry, root, "flutter", force=True)
    assert forced.plans[dart].changes == ("updated the generated file",)
    assert forced.originals[dart] == b"// mine\n"


def test_an_expo_js_error_keeps_the_text_to_paste(registry: Registry, tmp_path: Path) -> None:
    root = expo(tmp_path / "app", config="app.config.js")
    (root / "plugins").mkdir()
    (root / "plugins/withSchemegenPayment.js").write_text("mine\n")
    found = surveyed(registry, root)
    with pytest.raises(ApplyError) as caught:
        plans.plan(request(root), found, "expo")
    assert [notice.paste for notice in caught.value.notices] == [False, True, False]


def test_framework_expo_needs_an_expo_config(registry: Registry, tmp_path: Path) -> None:
    root = native(tmp_path / "shop")
    found = surveyed(registry, root, framework="expo")
    with pytest.raises(ApplyError, match=r"--framework expo: no app\.json or app\.config"):
        plans.plan(request(root, framework="expo"), found, "expo")


def test_an_expo_app_refuses_another_framework(registry: Registry, tmp_path: Path) -> None:
    root = expo(tmp_path / "app")
    with pytest.raises(ApplyError) as caught:
        surveyed(registry, root, framework="flutter")
    assert str(caught.value).startswith(
        "--framework flutter: app.json configures an Expo app without android/ or ios/ folders"
    )


def test_a_handler_needs_a_project_or_a_folder(registry: Registry, tmp_path: Path) -> None:
    root = native(tmp_path / "shop")
    shutil.rmtree(root / "ios")
    with pytest.raises(ApplyError, match="--handler swift: no iOS project found"):
        planned(registry, root, "native", handler="swift")
    result = planned(registry, root, "native", handler="swift", handler_dir=str(tmp_path / "h"))
    assert [path.parent for path in list(result.plans)[1:]] == [tmp_path / "h"]


def test_the_scheme_of_a_registry_app_is_refused(registry: Registry) -> None:
    with pytest.raises(ApplyError, match=r"--app-scheme `kb-acp` belongs to .*\(kb_pay\)"):
        plans.refuse_registry_scheme(registry, "kb-acp")
    plans.refuse_registry_scheme(registry, "myshop")


def test_the_folders_named_on_the_command_line() -> None:
    given = request(Path("app"), android_manifest="a/AndroidManifest.xml", ios_plist="b/Info.plist")
    assert given.given_folders == [Path("a"), Path("b")]
    assert request(Path("app"), handler_dir="h").given_folders == [Path("h")]


def test_the_flutter_webview_comes_from_the_option_then_pubspec(tmp_path: Path) -> None:
    assert placement.chosen_flutter_webview("inappwebview", tmp_path, "flutter") == (
        "inappwebview",
        (),
    )
    assert placement.chosen_flutter_webview(None, tmp_path, "capacitor") == ("webview_flutter", ())
    assert placement.chosen_flutter_webview(None, tmp_path, "flutter") == (
        "webview_flutter",
        ("Flutter WebView: webview_flutter (no pubspec.yaml here)",),
    )
    (tmp_path / "pubspec.yaml").write_text(
        "dependencies:\n  webview_flutter: any\n  flutter_inappwebview: any\n"
    )
    webview, lines = placement.chosen_flutter_webview(None, tmp_path, "flutter")
    assert webview == "inappwebview"
    assert lines[0].startswith("notice: pubspec.yaml lists both")
    assert lines[1] == "Flutter WebView: inappwebview (pubspec.yaml)"
    (tmp_path / "pubspec.yaml").write_bytes(b"\xff")
    with pytest.raises(placement.PlacementError, match=r"pubspec\.yaml: cannot read"):
        placement.chosen_flutter_webview(None, tmp_path, "flutter")
