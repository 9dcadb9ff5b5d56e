"""Placement of the Flutter and Capacitor files: project facts in, relative paths out."""

from __future__ import annotations

import pytest
from conftest import sample_view

from schemegen.apply import placement
from schemegen.apply.placement import AndroidFacts, PlacementError
from schemegen.generate.render import TARGETS, render_body

FLUTTER_KTS = """plugins {
    id("com.android.application")
    id("kotlin-android")
    id("dev.flutter.flutter-gradle-plugin")
}

android {
    namespace = "com.shop.app"
    defaultConfig {
        applicationId = "com.shop.app.store"
    }
}
"""
# The default app module of `npx cap add android` (Capacitor 7): Java, Groovy DSL.
CAPACITOR_GROOVY = """apply plugin: 'com.android.application'

android {
    namespace "io.ionic.starter"
    compileSdk rootProject.ext.compileSdkVersion
    defaultConfig {
        applicationId "io.ionic.starter"
    }
}
"""
OLD_GROOVY = """apply plugin: 'com.android.application'
apply plugin: 'kotlin-android'

android {
    defaultConfig {
        applicationId 'kr.co.shop'
    }
}
"""
FLUTTER_ACTIVITY = "android/app/src/main/kotlin/com/shop/app/MainActivity.kt"
CAPACITOR_ACTIVITY = "android/app/src/main/java/io/ionic/starter/MainActivity.java"


@pytest.mark.parametrize(
    ("gradle", "namespace", "kotlin"),
    [
        (FLUTTER_KTS, "com.shop.app", True),
        (CAPACITOR_GROOVY, "io.ionic.starter", False),
        (OLD_GROOVY, "kr.co.shop", True),
        ("android {}\n", None, False),
        ('plugins {\n    kotlin("android")\n}\n', None, True),
    ],
    ids=["flutter-kts", "capacitor-groovy", "application-id", "none", "kotlin-dsl"],
)
def test_gradle_facts(gradle: str, namespace: str | None, kotlin: bool) -> None:
    facts = placement.gradle_facts(gradle, None)
    assert facts.namespace == namespace
    assert facts.kotlin is kotlin


def test_flutter_places_dart_in_lib_and_kotlin_next_to_main_activity() -> None:
    facts = placement.gradle_facts(FLUTTER_KTS, FLUTTER_ACTIVITY)
    placed = placement.flutter(facts, "webview_flutter")
    assert placed.lang == "kotlin"
    assert placed.java_package == "com.shop.app.payment"
    assert dict(placed.files) == {
        "dart": "lib/payment/payment_urls.dart",
        "dart-webview": "lib/payment/payment_webview.dart",
        "kotlin-channel": "android/app/src/main/kotlin/com/shop/app/payment/PaymentChannel.kt",
        "kotlin-launcher": "android/app/src/main/kotlin/com/shop/app/payment/PaymentUrlLauncher.kt",
    }


def test_flutter_java_module_with_inappwebview() -> None:
    facts = AndroidFacts("android/app/src/main/java/com/shop/MainActivity.java", "com.shop", False)
    placed = placement.flutter(facts, "inappwebview")
    assert dict(placed.files) == {
        "dart": "lib/payment/payment_urls.dart",
        "dart-inappwebview": "lib/payment/payment_inappwebview.dart",
        "java-channel": "android/app/src/main/java/com/shop/payment/PaymentChannel.java",
        "java-launcher": "android/app/src/main/java/com/shop/payment/PaymentUrlLauncher.java",
    }


def test_capacitor_default_app_is_java() -> None:
    facts = placement.gradle_facts(CAPACITOR_GROOVY, CAPACITOR_ACTIVITY)
    placed = placement.capacitor(facts)
    assert placed.lang == "java"
    assert placed.java_package == "io.ionic.starter.payment"
    folder = "android/app/src/main/java/io/ionic/starter/payment"
    assert dict(placed.files) == {
        "capacitor-plugin": f"{folder}/PaymentPlugin.java",
        "java-launcher": f"{folder}/PaymentUrlLauncher.java",
        "capacitor-config": "capacitor.payment.ts",
    }


def test_kotlin_sources_in_the_java_folder_stay_there() -> None:
    facts = AndroidFacts("android/app/src/main/java/com/shop/MainActivity.kt", "com.shop", True)
    placed = placement.capacitor(facts)
    assert dict(placed.files)["capacitor-plugin-kotlin"] == (
        "android/app/src/main/java/com/shop/payment/PaymentPlugin.kt"
    )


def test_without_main_activity_the_language_folder_is_used() -> None:
    placed = placement.flutter(AndroidFacts(None, "com.shop", True), "webview_flutter")
    assert dict(placed.files)["kotlin-channel"] == (
        "android/app/src/main/kotlin/com/shop/payment/PaymentChannel.kt"
    )


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (AndroidFacts(None, None, False), "no `namespace` or `applicationId`; pass --java-package"),
        (AndroidFacts(None, "com.class.app", False), "is not a Java package name"),
    ],
)
def test_no_usable_namespace_is_an_error(facts: AndroidFacts, message: str) -> None:
    with pytest.raises(PlacementError, match=message):
        placement.capacitor(facts)


@pytest.mark.parametrize(
    ("pubspec", "choice", "noted"),
    [
        (None, "webview_flutter", False),
        ("name: shop\ndependencies:\n  flutter:\n    sdk: flutter\n", "webview_flutter", False),
        ("dependencies:\n  webview_flutter: ^4.13.0\n", "webview_flutter", False),
        ("dependencies:\n  flutter_inappwebview: ^6.1.5\n", "inappwebview", False),
        (
            "dependencies:\n  webview_flutter: ^4.13.0\n  flutter_inappwebview: ^6.1.5\n",
            "inappwebview",
            True,
        ),
        # Only the app's own dependencies count, not dev_dependencies or overrides.
        ("dev_dependencies:\n  flutter_inappwebview: ^6.1.5\n", "webview_flutter", False),
        ("dependencies:\n  # flutter_inappwebview: ^6.1.5\n", "webview_flutter", False),
    ],
)
def test_flutter_webview_default_from_pubspec(
    pubspec: str | None, choice: str, noted: bool
) -> None:
    webview, note = placement.flutter_webview(pubspec)
    assert webview == choice
    assert (note is not None) is noted
    if note:
        assert "flutter_inappwebview" in note


@pytest.mark.parametrize(
    "key", ["kotlin-channel", "java-channel", "capacitor-plugin", "capacitor-plugin-kotlin"]
)
def test_activity_snippet_names_the_generated_class(key: str) -> None:
    target = next(t for t in TARGETS if t.key == key)
    snippet = placement.activity_snippet(render_body(target, sample_view()))
    assert snippet is not None
    assert "com.example.shop.payment.Payment" in snippet
    assert " * " not in snippet
    assert "&#64;" not in snippet


def test_every_placed_key_is_a_target_or_the_launcher() -> None:
    keys = {t.key for t in TARGETS} | set(placement.LAUNCHER_KEYS.values())
    facts = AndroidFacts(None, "com.shop", True)
    for placed in (
        placement.flutter(facts, "webview_flutter"),
        placement.flutter(facts, "inappwebview"),
        placement.capacitor(facts),
    ):
        assert {key for key, _ in placed.files} <= keys
