"""Each project-level promise on the fixture project modelled on the case it describes."""

from __future__ import annotations

import functools
import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import require_tool
from hypothesis import given, settings
from hypothesis import strategies as st

from schemegen.cli.main import main
from schemegen.core.gradle import target_sdk
from schemegen.lint import run as lint
from schemegen.lint.rules import LintContext, check_document
from schemegen.registry.validate import load

FIXTURES = Path(__file__).parent / "fixtures"


def copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def codes(root: Path, scheme: str, **options: object) -> list[tuple[str, int | None, str]]:
    context = LintContext(load([]), app_scheme=scheme, **options)  # type: ignore[arg-type]
    return [
        (Path(d.path).relative_to(root).as_posix(), d.line, d.code)
        for d in lint.run([root], context).diagnostics
    ]


# --- 1. one return filter ------------------------------------------------------------------------


def test_the_payment_activity_keeps_the_only_return_filter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("native-payment-activity", tmp_path)
    manifest = root / "app/src/main/AndroidManifest.xml"
    assert main(["apply", str(root), "--app-scheme", "cafeorder"]) == 0
    err = capsys.readouterr().err
    assert 'set android:exported="true" on `.PaymentActivity`' in err
    assert "SplashActivity" not in err
    text = manifest.read_text()
    assert text.count('android:scheme="cafeorder"') == 1
    assert text.count("<intent-filter>") == 2  # the launcher's and the payment activity's


def test_activity_option_still_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy("native-payment-activity", tmp_path)
    options = ["--app-scheme", "cafeorder", "--activity", ".MainActivity", "--diff"]
    assert main(["apply", str(root), *options]) == 0
    assert "added the return intent-filter for `cafeorder` to `.MainActivity`" in (
        capsys.readouterr().err
    )


def test_an_incomplete_filter_is_completed_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("native-payment-activity", tmp_path)
    manifest = root / "app/src/main/AndroidManifest.xml"
    manifest.write_text(
        manifest.read_text().replace(
            '<category android:name="android.intent.category.BROWSABLE" />\n', "", 1
        )
    )
    assert main(["apply", str(root), "--app-scheme", "cafeorder"]) == 0
    assert "added BROWSABLE to the `cafeorder` intent-filter of `.PaymentActivity`" in (
        capsys.readouterr().err
    )
    assert manifest.read_text().count('android:scheme="cafeorder"') == 1


# --- 3. apply's output passes lint; the iOS list --------------------------------------------


def test_other_entries_leave_the_budget_to_registry_schemes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("ios-native-queries", tmp_path)
    plist = root / "Shop/Info.plist"
    before = plistlib.loads(plist.read_bytes())["LSApplicationQueriesSchemes"]
    assert main(["apply", str(root), "--app-scheme", "petmall"]) == 0
    after = plistlib.loads(plist.read_bytes())["LSApplicationQueriesSchemes"]
    assert after[: len(before)] == before  # without --fix nothing moves
    assert "SG207" not in {code for *_, code in codes(root, "petmall")}
    assert main(["apply", str(root), "--app-scheme", "petmall", "--fix"]) == 0
    err = capsys.readouterr().err
    fixed = plistlib.loads(plist.read_bytes())["LSApplicationQueriesSchemes"]
    others = before[: before.index("ispmobile")]  # the fixture's 18 non-registry entries
    assert fixed[-len(others) :] == others  # last, in their order
    assert fixed[:3] == ["ispmobile", "kb-acp", "shinhan-sr-ansimclick"]
    assert "ISPMobile" not in fixed  # the case duplicate
    assert len(fixed) == len(after) - 1
    # entries 26-50 stay (iOS 26 and Xcode 26 builds honour them) and are named
    assert "sit past --ios-query-limit 25 (honoured by iOS 26" in err
    late = next(line for line in err.splitlines() if "sit past" in line)
    assert late.endswith(": " + ", ".join(fixed[25:]))


def test_entries_past_fifty_are_removed_by_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("ios-native-queries", tmp_path)
    plist = root / "Shop/Info.plist"
    extra = "".join(f"\t\t<string>other{i}</string>\n" for i in range(30))
    plist.write_text(
        plist.read_text().replace(
            "\t</array>\n\t<key>LSRequiresIPhoneOS", extra + "\t</array>\n\t<key>LSRequiresIPhoneOS"
        )
    )
    assert main(["apply", str(root), "--app-scheme", "petmall", "--fix"]) == 0
    fixed = plistlib.loads(plist.read_bytes())["LSApplicationQueriesSchemes"]
    assert len(fixed) == 50
    assert "past the 50 that iOS honours" in capsys.readouterr().err


def test_budget_notice_is_one_line_and_only_news(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("flutter-subfolder", tmp_path)
    assert main(["apply", str(root), "--app-scheme", "dosirak"]) == 0
    notices = [line for line in capsys.readouterr().err.splitlines() if "notice" in line]
    assert len(notices) == 1
    assert (
        "--ios-query-limit 25 leaves out 58 selected iOS schemes; `schemegen list --ios-left-out`"
        in (notices[0])
    )
    assert len(notices[0]) < 200
    assert main(["apply", str(root), "--app-scheme", "dosirak"]) == 0
    assert "notice" not in capsys.readouterr().err


# --- 4. discovery and errors match lint ----------------------------------------------------------


def test_apply_finds_the_nested_app_lint_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("flutter-subfolder", tmp_path)
    linted = {Path(p).relative_to(root).as_posix() for p in lint.discover([root])[0]}
    assert main(["apply", str(root), "--app-scheme", "dosirak", "--diff"]) == 0
    err = capsys.readouterr().err
    assert "project: Flutter (mobile/android/app/src/main/AndroidManifest.xml, " in err
    assert linted == {
        "mobile/android/app/src/main/AndroidManifest.xml",
        "mobile/ios/Runner/Info.plist",
    }


def test_a_plist_without_xcode_project_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("ios-native-queries", tmp_path)
    shutil.rmtree(root / "Shop.xcodeproj")
    assert main(["apply", str(root), "--app-scheme", "petmall", "--diff"]) == 0
    assert "project: native (Shop/Info.plist)" in capsys.readouterr().err


def test_a_malformed_manifest_is_named_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("native-payment-activity", tmp_path)
    manifest = root / "app/src/main/AndroidManifest.xml"
    manifest.write_text(manifest.read_text().replace("</application>", "</aplication>"))
    before = manifest.read_bytes()
    assert main(["apply", str(root), "--app-scheme", "cafeorder"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("schemegen: app/src/main/AndroidManifest.xml:40: ")
    assert "no AndroidManifest.xml or Info.plist found" not in err[0]
    assert manifest.read_bytes() == before


# --- 7. nothing to lint --------------------------------------------------------------------------


def test_nothing_to_lint_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.md").write_text("no app here\n")
    assert main(["lint", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "schemegen: nothing to lint: no AndroidManifest.xml, Info.plist or Expo app config "
        f"in {tmp_path}"
    ]


# --- 8. counts are raw ---------------------------------------------------------------------------


def test_budget_counts_case_duplicates_and_lists_every_ignored_entry(tmp_path: Path) -> None:
    root = copy("ios-native-queries", tmp_path)
    context = LintContext(load([]), app_scheme="petmall")
    found = [d for d in lint.run([root], context).diagnostics if d.code == "SG201"]
    assert len(found) == 1
    values = plistlib.loads((root / "Shop/Info.plist").read_bytes())["LSApplicationQueriesSchemes"]
    assert len(values) == 31
    assert "has 31 entries" in found[0].message
    ignored = found[0].message.split("ignored: ", 1)[1].split(";", 1)[0]
    assert ignored == ", ".join(f"`{v}`" for v in values[25:])


# --- 10. targetSdk from Gradle -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("android {\n  defaultConfig {\n    targetSdk = 34\n  }\n}\n", 34),
        ("defaultConfig {\n    targetSdkVersion 30\n}\n", 30),
        ("defaultConfig {\n    targetSdkVersion(28)\n}\n", 28),
        ("defaultConfig {\n    targetSdkVersion flutter.targetSdkVersion\n}\n", None),
        ("defaultConfig { targetSdkVersion rootProject.ext.targetSdkVersion }\n", None),
        ("// targetSdk = 21\ndefaultConfig { targetSdk 33 }\n", 33),
        ("/* targetSdk 21 */ defaultConfig { minSdk 24 }\n", None),
        ("free { targetSdk 33 }\npaid { targetSdk 34 }\n", None),
    ],
)
def test_gradle_target_sdk(text: str, expected: int | None) -> None:
    assert target_sdk(text) == expected


def test_gradle_target_sdk_decides_exported_and_visibility(tmp_path: Path) -> None:
    root = copy("native-payment-activity", tmp_path)
    context = LintContext(load([]), app_scheme="cafeorder")
    found = {d.code: d for d in lint.run([root], context).diagnostics}
    assert found["SG104"].severity == "error"
    assert "(targetSdk 34)" in found["SG104"].message
    gradle = root / "app/build.gradle.kts"
    gradle.write_text(gradle.read_text().replace("targetSdk = 34", "targetSdk = 29"))
    found = {d.code: d for d in lint.run([root], context).diagnostics}
    assert found["SG104"].severity == "warning"
    assert "SG109" not in found  # below API 30 every package is visible
    gradle.write_text(gradle.read_text().replace("targetSdk = 29", "targetSdk = libs.versions.sdk"))
    found = {d.code: d for d in lint.run([root], context).diagnostics}
    assert "an unknown targetSdk" in found["SG104"].message
    assert found["SG109"].severity == "warning"


def test_flutter_target_sdk_stays_unknown(tmp_path: Path) -> None:
    root = copy("flutter-subfolder", tmp_path)
    assert main(["apply", str(root), "--app-scheme", "dosirak"]) == 0
    (root / "mobile/android/app/src/main/AndroidManifest.xml").write_text(
        (root / "mobile/android/app/src/main/AndroidManifest.xml")
        .read_text()
        .replace(' android:exported="true"', "")
    )
    context = LintContext(load([]), app_scheme="dosirak")
    found = [d for d in lint.run([root], context).diagnostics if d.code == "SG104"]
    assert [d.severity for d in found] == ["warning"]
    assert "an unknown targetSdk" in found[0].message


# --- smaller things ------------------------------------------------------------------------------


def test_a_flag_typo_gets_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", ".", "--app_scheme", "shop"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "(did you mean `--app-scheme`?)" in err[0]
    assert main(["lint", "--ignroe", "SG1", "."]) == 2
    assert "(did you mean `--ignore`?)" in capsys.readouterr().err


@pytest.mark.parametrize("tool", ["patch", "git"])
def test_diff_applies_with_absolute_paths(
    tool: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    executable = require_tool(tool)
    root = copy("native-payment-activity", tmp_path)
    manifest = root / "app/src/main/AndroidManifest.xml"
    options = ["--app-scheme", "cafeorder", "--android-manifest", str(manifest.absolute())]
    assert main(["apply", str(root.absolute()), *options, "--diff"]) == 0
    diff = capsys.readouterr().out
    assert "--- a/app/src/main/AndroidManifest.xml\n" in diff
    command = [executable, "-p1", "--quiet"] if tool == "patch" else [executable, "apply"]
    subprocess.run(command, input=diff, text=True, cwd=root, check=True)
    assert main(["apply", str(root), "--app-scheme", "cafeorder", "--check"]) == 0


# --- 2. Expo is edited where its truth lives ---------------------------------------------------


def test_expo_with_prebuild_folders_is_edited_through_app_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("expo-monorepo", tmp_path)
    native = sorted(p for p in root.rglob("*") if p.is_file() and "/android/" in p.as_posix())
    before = {p: p.read_bytes() for p in native}
    assert main(["apply", str(root), "--app-scheme", "marketapp", "--fix"]) == 0
    err = capsys.readouterr().err
    assert "project: Expo (prebuild) (apps/market/app.json)" in err
    assert "`expo prebuild` regenerates android/ and ios/ from app.json" in err
    assert "--framework native" in err
    assert "apps/market/app.config.ts may override app.json" in err
    assert {p: p.read_bytes() for p in native} == before
    text = (root / "apps/market/app.json").read_text()
    assert "nhappvardansimclick" not in text
    assert "com.hanaskcard.paycla" in text
    assert main(["apply", str(root), "--app-scheme", "marketapp", "--framework", "native"]) == 0
    err = capsys.readouterr().err
    assert "project: React Native (apps/market/android/app/src/main/AndroidManifest.xml" in err
    assert {p: p.read_bytes() for p in native} != before


def test_expo_without_build_properties_gets_only_the_local_plugin(tmp_path: Path) -> None:
    root = copy("expo-managed", tmp_path)
    assert main(["apply", str(root), "--app-scheme", "bloomshop"]) == 0
    text = (root / "app.json").read_text(encoding="utf-8-sig")
    assert "expo-build-properties" not in text  # not installed: prebuild would fail on it
    assert '"./plugins/withSchemegenPayment"' in text
    assert (root / "plugins/withSchemegenPayment.js").is_file()
    assert '"scheme": "bloomshop"' in text
    assert "// Expo reads this file with JSON5" in text  # comments survive the splices
    assert (root / "app.json").read_bytes().startswith(b"\xef\xbb\xbf")  # and so does the BOM


def test_what_expo_rejects_is_an_error_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("expo-managed", tmp_path)
    app_json = root / "app.json"
    app_json.write_text(
        app_json.read_text().replace('"slug": "bloom-shop",', '"slug": bloom shop,')
    )
    assert main(["apply", str(root), "--app-scheme", "bloomshop"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"schemegen: {app_json}:5: not valid JSON: ")
    context = LintContext(load([]), app_scheme="bloomshop")
    found = lint.run([root], context).diagnostics
    assert [(d.code, d.line) for d in found] == [("SG001", 5)]


# --- 6. Expo config is linted --------------------------------------------------------------------


def test_expo_managed_app_without_payment_config_gets_the_bare_findings(tmp_path: Path) -> None:
    root = copy("expo-managed", tmp_path)
    assert codes(root, "bloomshop") == [
        ("app.json", 3, "SG101"),
        ("app.json", 3, "SG109"),
        ("app.json", 3, "SG207"),
        ("app.json", 3, "SG210"),
    ]


def test_expo_findings_are_at_their_json_lines(tmp_path: Path) -> None:
    root = copy("expo-monorepo", tmp_path)
    found = [c for c in codes(root, "marketapp") if c[0].endswith("app.json")]
    assert ("apps/market/app.json", 13, "SG203") in found  # nhappvardansimclick
    assert ("apps/market/app.json", 15, "SG204") in found  # KB-ACP after kb-acp
    assert ("apps/market/app.json", 31, "SG107") in found  # com.hanaskard.paycla
    assert not any(code in ("SG101", "SG210") for *_, code in found)  # expo.scheme returns
    assert ("apps/market/app.config.ts", None, "SG401") in codes(root, "marketapp")


def test_expo_intent_filters_and_url_types_are_return_schemes(tmp_path: Path) -> None:
    root = copy("expo-managed", tmp_path)
    app_json = root / "app.json"
    app_json.write_text(
        app_json.read_text()
        .replace(
            '"bundleIdentifier": "kr.bloomshop.app",',
            '"bundleIdentifier": "kr.bloomshop.app",\n      "infoPlist": {"CFBundleURLTypes": '
            '[{"CFBundleURLSchemes": ["bloomshop"]}]},',
        )
        .replace(
            '"package": "kr.bloomshop.app",',
            '"package": "kr.bloomshop.app",\n      "intentFilters": [{"action": "VIEW", '
            '"category": ["BROWSABLE", "DEFAULT"], "data": [{"scheme": "bloomshop"}]}],',
        )
    )
    assert [c for c in codes(root, "bloomshop") if c[2] in ("SG101", "SG210")] == []


# --- 5. placeholders are refused -----------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["example", "myapp", "iamporttest", "yourscheme"])
@pytest.mark.parametrize("command", ["apply", "generate"])
def test_placeholder_app_scheme_is_refused(
    scheme: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy("flutter-subfolder", tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    args = [str(root)] if command == "apply" else ["--out", str(tmp_path / "out")]
    assert main([command, *args, "--app-scheme", scheme]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"schemegen: --app-scheme `{scheme}` looks like a placeholder from sample code: other "
        "apps use it too; use your app's own scheme (or --allow-placeholder for a demo)"
    ]
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "out").exists()
    assert main([command, *args, "--app-scheme", scheme, "--allow-placeholder"]) == 0


def test_the_readme_sample_is_not_a_placeholder(tmp_path: Path) -> None:
    registry = load([])
    assert "myshop" not in registry.placeholders
    assert {"example", "myapp", "iamporttest", "yourscheme"} <= set(registry.placeholders)
    assert main(["generate", "--app-scheme", "myshop", "--out", str(tmp_path)]) == 0


def test_placeholders_on_every_platform(tmp_path: Path) -> None:
    root = copy("expo-managed", tmp_path)
    app_json = root / "app.json"
    app_json.write_text(app_json.read_text().replace('"slug"', '"scheme": "myapp",\n    "slug"'))
    assert ("app.json", 5, "SG206") in codes(root, "bloomshop")
    root = copy("native-payment-activity", tmp_path)
    manifest = root / "app/src/main/AndroidManifest.xml"
    manifest.write_text(manifest.read_text().replace('scheme="cafeorder"', 'scheme="iamporttest"'))
    assert ("app/src/main/AndroidManifest.xml", 37, "SG206") in codes(root, "cafeorder")


def test_an_overlay_adds_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overlay = tmp_path / "extra.yaml"
    overlay.write_text("placeholders: [shopdemo]\n")
    args = ["generate", "--app-scheme", "shopdemo", "--registry", str(overlay), "--stdout", "js"]
    assert main(args) == 2
    assert "`shopdemo` looks like a placeholder" in capsys.readouterr().err
    overlay.write_text("placeholders: [ShopDemo]\n")
    assert main(args) == 2
    assert f"{overlay}:1: placeholders: a placeholder is a non-empty lower-case string" in (
        capsys.readouterr().err
    )


# --- 11. one return scheme everywhere -----------------------------------------------------


def source_findings(root: Path, scheme: str | None = None) -> list[tuple[str, int | None, str]]:
    context = LintContext(load([]), app_scheme=scheme)
    return [
        (Path(d.path).relative_to(root).as_posix(), d.line, d.severity.value)
        for d in lint.run([root], context).diagnostics
        if d.code == "SG402"
    ]


@pytest.mark.parametrize(
    ("name", "source", "line", "old", "new"),
    [
        ("expo-managed", "src/Payment.tsx", 15, "app_scheme: 'bloomshop'", "app_scheme: 'bloom'"),
        (
            "expo-monorepo",
            "packages/checkout/src/index.tsx",
            15,
            "appScheme: 'marketapp://'",
            "appScheme: 'market://'",
        ),
        (
            "flutter-subfolder",
            "mobile/lib/payment/payment_page.dart",
            27,
            "appScheme: 'dosirak'",
            "appScheme: 'dosirak-pay'",
        ),
        (
            "native-payment-activity",
            "app/src/main/assets/payment.html",
            19,
            "app_scheme: 'cafeorder'",
            "app_scheme: 'cafe'",
        ),
        (
            "native-payment-activity",
            "app/src/main/java/kr/cafeorder/app/PaymentActivity.java",
            10,
            'APP_SCHEME = "cafeorder"',
            'APP_SCHEME = "cafe"',
        ),
        (
            "ios-native-queries",
            "Shop/PaymentViewController.swift",
            6,
            'appScheme = "petmall"',
            'appScheme = "pet"',
        ),
    ],
)
def test_source_app_scheme_must_be_registered(  # noqa: PLR0917 - one parametrised case
    name: str, source: str, line: int, old: str, new: str, tmp_path: Path
) -> None:
    root = copy(name, tmp_path)
    scheme = {"expo-managed": "bloomshop", "expo-monorepo": "marketapp"}.get(name)
    if name == "ios-native-queries":
        assert main(["apply", str(root), "--app-scheme", "petmall"]) == 0
    if name == "flutter-subfolder":
        assert main(["apply", str(root), "--app-scheme", "dosirak"]) == 0
    if name == "expo-managed":
        assert main(["apply", str(root), "--app-scheme", "bloomshop"]) == 0
    assert source_findings(root, scheme) == []  # the fixture's scheme is registered
    path = root / source
    path.write_text(path.read_text().replace(old, new))
    found = source_findings(root, scheme)
    assert (source, line, "error") in found
    context = LintContext(load([]), app_scheme=scheme)
    message = next(d.message for d in lint.run([root], context).diagnostics if d.code == "SG402")
    assert "registered: `" in message  # and where: the other location
    assert ".xml:" in message or ".plist:" in message or "app.json:" in message


def test_source_discovery_skips_dependency_and_tool_folders(tmp_path: Path) -> None:
    root = copy("expo-managed", tmp_path)
    assert main(["apply", str(root), "--app-scheme", "bloomshop"]) == 0
    # node_modules/iamport-react-native/example.js passes `example`: not the app's source
    assert source_findings(root, "bloomshop") == []
    root = copy("flutter-subfolder", tmp_path)
    assert main(["apply", str(root), "--app-scheme", "dosirak"]) == 0
    assert source_findings(root, "dosirak") == []  # mobile/.dart_tool passes `example`


def test_without_the_extra_one_info_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from schemegen.lint import sources

    def missing(suffix: str) -> object:
        raise sources.MissingGrammar("No module named 'tree_sitter_javascript'")

    monkeypatch.setattr(sources, "_parser", missing)
    root = copy("native-payment-activity", tmp_path)
    found = source_findings(root)
    assert [severity for *_, severity in found] == ["info"]
    context = LintContext(load([]))
    info = next(d for d in lint.run([root], context).diagnostics if d.code == "SG402")
    assert "not scanned" in info.message
    assert info.fix == "pip install 'schemegen[sources]'"


@pytest.mark.parametrize(
    ("suffix", "text", "expected"),
    [
        (".kt", 'object Pay {\n    const val APP_SCHEME = "shop"\n}\n', [("shop", 2)]),
        (".kt", 'fun f() {\n    request(appScheme = "shop")\n}\n', [("shop", 2)]),
        (".js", "IMP.request_pay({\n  app_scheme: `shop://`,\n});\n", [("shop://", 2)]),
        (".js", "IMP.request_pay({ app_scheme: `${scheme}://` });\n", []),
        (".ts", "const o = { appScheme: SCHEME };\nconst SCHEME = 'shop';\n", [("shop", 1)]),
        (".swift", 'request.app_scheme = "shop"\n', [("shop", 1)]),
        (".java", 'class A { void f() { data.put("app_scheme", "shop"); } }\n', [("shop", 1)]),
        (".dart", "// appScheme: 'old'\nPaymentData(appScheme: \"shop\")\n", [("shop", 2)]),
        (
            ".dart",
            "const kScheme = 'shop';\nPaymentData(\n  appScheme: kScheme,\n)\n",
            [("shop", 3)],
        ),
        (".dart", "PaymentData(appScheme: '$prefix-pay')\n", []),
    ],
)
def test_app_scheme_extraction(
    suffix: str, text: str, expected: list[tuple[str, int]], tmp_path: Path
) -> None:
    from schemegen.lint import sources

    path = tmp_path / f"source{suffix}"
    path.write_text(text)
    found, _ = sources.scan(str(path))
    assert [(f.value, f.line) for f in found] == expected


def test_missing_return_filter_names_a_near_miss(tmp_path: Path) -> None:
    root = copy("native-payment-activity", tmp_path)
    context = LintContext(load([]), app_scheme="cafeordr")
    found = next(d for d in lint.run([root], context).diagnostics if d.code == "SG101")
    assert "has a filter for `cafeorder` (line 37), a near miss" in found.message


def test_source_scanning_is_imported_lazily(tmp_path: Path) -> None:
    import subprocess
    import sys

    manifest = FIXTURES / "native-payment-activity/app/src/main/AndroidManifest.xml"
    code = (
        "import sys\nfrom schemegen.cli.main import main\n"
        f"main(['lint', {str(manifest)!r}])\n"
        "print('tree_sitter' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False"


# --- 12. declare <queries> always, depend on them never ----------------------------------


def queries_findings(root: Path, scheme: str) -> list[str]:
    context = LintContext(load([]), app_scheme=scheme)
    return [d.severity.value for d in lint.run([root], context).diagnostics if d.code == "SG109"]


def test_missing_queries_is_an_error_when_the_app_asks_the_package_manager(
    tmp_path: Path,
) -> None:
    root = copy("native-payment-activity", tmp_path)
    assert queries_findings(root, "cafeorder") == ["warning"]
    source = root / "app/src/main/java/kr/cafeorder/app/PaymentActivity.java"
    source.write_text(
        source.read_text().replace(
            "        setContentView(webView);",
            "        setContentView(webView);\n"
            '        getPackageManager().getLaunchIntentForPackage("kvp.jjy.MispAndroid320");',
        )
    )
    assert queries_findings(root, "cafeorder") == ["error"]
    context = LintContext(load([]), app_scheme="cafeorder")
    found = next(d for d in lint.run([root], context).diagnostics if d.code == "SG109")
    assert "this app asks the PackageManager: `getLaunchIntentForPackage` (" in found.message
    assert "the generated handler never needs them" in found.message


def test_dependencies_that_ask_the_package_manager(tmp_path: Path) -> None:
    root = copy("flutter-subfolder", tmp_path)  # url_launcher in pubspec.yaml
    assert queries_findings(root, "dosirak") == ["error"]
    pubspec = root / "mobile/pubspec.yaml"
    pubspec.write_text(pubspec.read_text().replace("  url_launcher: ^6.3.0\n", ""))
    assert queries_findings(root, "dosirak") == ["warning"]


# --- 13. apps that do not come back --------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["list"], ["generate", "--app-scheme", "shop", "--stdout", "js"]]
)
def test_list_and_generate_name_the_apps_that_do_not_return(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--methods", "easypay,auth"]) == 0
    notices = [line for line in capsys.readouterr().err.splitlines() if "does not return" in line]
    assert any(
        "(kakaotalk_kakaopay) does not return to the app through the app scheme on Android and "
        "iOS: the payment page finishes through `m_redirect_url`" in line
        for line in notices
    )
    assert any(
        "(pass_skt) does not return to the app through the app scheme on iOS:" in n for n in notices
    )


def test_lint_names_them_where_the_project_selects_them(tmp_path: Path) -> None:
    root = copy("expo-monorepo", tmp_path)
    found = [c for c in codes(root, "marketapp") if c[2] in ("SG114", "SG216")]
    assert found == [
        ("apps/market/android/app/src/main/AndroidManifest.xml", 11, "SG114"),
        ("apps/market/app.json", 11, "SG216"),
        ("apps/market/app.json", 31, "SG114"),
        ("apps/market/ios/market/Info.plist", 31, "SG216"),
    ]


# --- readers of input that lint did not write never crash -----------------------------------------


@functools.cache
def shop_context() -> LintContext:
    return LintContext(load([]), app_scheme="shop")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_expo_reader_never_crashes(text: str) -> None:
    import tempfile

    from schemegen.lint import expo

    with tempfile.TemporaryDirectory() as folder:
        for name in ("app.json", "app.config.js"):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            docs, _ = expo.read(str(path), str(path))
            for doc in docs:
                list(check_document(doc, shop_context()))


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=12),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "expo",
                        "scheme",
                        "ios",
                        "infoPlist",
                        "android",
                        "intentFilters",
                        "data",
                        "action",
                        "category",
                        "plugins",
                        "LSApplicationQueriesSchemes",
                        "CFBundleURLTypes",
                        "CFBundleURLSchemes",
                        "package",
                        "manifestQueries",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_expo_documents_of_any_shape(value: object) -> None:
    import json

    from schemegen.core import jsonc
    from schemegen.lint import expo

    tree = jsonc.parse(json.dumps(value))
    for doc in expo.documents(tree, "app.json"):
        list(check_document(doc, shop_context()))


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=300),
    st.sampled_from([".dart", ".js", ".tsx", ".kt", ".swift", ".java", ".html"]),
)
def test_source_scan_never_crashes(text: str, suffix: str) -> None:
    import tempfile

    from schemegen.lint import sources

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"source{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        sources.scan(str(path))


def test_discovery_names_match_the_readers() -> None:
    from schemegen.lint import expo, sources

    assert {expo.APP_JSON, *expo.JS_CONFIGS} == lint.EXPO_CONFIGS
    assert sources.SUFFIXES == lint.SOURCE_SUFFIXES


def test_lint_of_one_file_does_not_import_the_project_readers() -> None:
    import subprocess
    import sys

    manifest = FIXTURES / "native-payment-activity/app/src/main/AndroidManifest.xml"
    code = (
        "import sys\nfrom schemegen.cli.main import main\n"
        f"main(['lint', {str(manifest)!r}])\n"
        "print(sorted(m for m in ('schemegen.core.jsonc', 'schemegen.lint.sources',"
        " 'schemegen.lint.expo') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_named_app_json_of_another_tool_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "app.json").write_text('{"name": "Shop", "displayName": "Shop"}\n')
    (tmp_path / "package.json").write_text('{"dependencies": {"react-native": "0.76.3"}}\n')
    context = LintContext(load([]), app_scheme="shop")
    assert lint.run([tmp_path / "app.json"], context).diagnostics == ()


def our_plugin(packages: tuple[str, ...], schemes: tuple[str, ...], header: bool = True) -> str:
    """A config plugin in the form `schemegen generate` writes it (its string-array lists)."""
    listed = "".join(f'  "{p}",\n' for p in packages)
    queried = "".join(f'  "{s}",\n' for s in schemes)
    return (
        ("// generated by schemegen from schemes.yaml 2026.11.0 — do not edit\n" if header else "")
        + 'const APP_SCHEME = "bloomshop";\nconst QUERY_LIMIT = 25;\n\n'
        + f"/** @type {{readonly string[]}} */\nconst PACKAGES = [\n{listed}];\n\n"
        + f"/** @type {{readonly string[]}} */\nconst QUERY_SCHEMES = [\n{queried}];\n"
    )


@pytest.mark.parametrize("header", [True, False])
def test_our_expo_plugin_declares_what_it_adds(header: bool, tmp_path: Path) -> None:
    root = copy("expo-managed", tmp_path)
    context = LintContext(load([]), app_scheme="bloomshop")
    (root / "plugins").mkdir()
    (root / "plugins/withSchemegenPayment.js").write_text(
        our_plugin(context.expected_packages, context.expected_query_schemes, header)
    )
    app_json = root / "app.json"
    app_json.write_text(
        app_json.read_text(encoding="utf-8-sig").replace(
            '"plugins": ["expo-router"],',
            '"plugins": ["expo-router", "./plugins/withSchemegenPayment"],',
        )
    )
    found = {code for *_, code in codes(root, "bloomshop")}
    if header:
        assert not found & {"SG109", "SG207"}  # the plugin declares them at prebuild
    else:
        assert {"SG109", "SG207"} <= found  # a hand-written plugin is not read
