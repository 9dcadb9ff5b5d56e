"""`schemegen apply --framework`: framework files at their places, Expo's app.json, reruns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schemegen.apply import handlers
from schemegen.cli.main import main
from schemegen.core.header import read_header

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
OPTIONS = ["--app-scheme", "myshop", "--pg", "kcp", "--methods", "card"]
RN_FILES = ("src/payment/paymentUrls.ts", "src/payment/PaymentWebView.tsx")


def react_native(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "android/app/src/main").mkdir(parents=True)
    (root / "ios/Shop").mkdir(parents=True)
    (root / "package.json").write_text('{"dependencies": {"react-native": "0.86.3"}}\n')
    shutil.copyfile(FIXTURES / "manifest_basic.xml", root / MANIFEST)
    shutil.copyfile(FIXTURES / "plist_basic.plist", root / "ios/Shop/Info.plist")
    return root


def expo(
    tmp_path: Path, app_json: str | None = '{\n    "expo": {\n        "name": "shop"\n    }\n}\n'
) -> Path:
    root = tmp_path / "expo"
    root.mkdir()
    (root / "package.json").write_text('{"dependencies": {"expo": "^58.0.0"}}\n')
    if app_json is not None:
        (root / "app.json").write_text(app_json)
    return root


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_react_native_writes_its_files_and_patches_the_native_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = react_native(tmp_path)
    assert main(["apply", str(root), *OPTIONS]) == 0
    captured = capsys.readouterr()
    assert "framework: react-native (detected: react-native in package.json)" in captured.err
    assert captured.out == handlers.REACT_NATIVE_SNIPPET
    for name in RN_FILES:
        header = read_header((root / name).read_text(encoding="utf-8"))
        assert header is not None and not header.edited
    assert b'android:scheme="myshop"' in (root / MANIFEST).read_bytes()
    before = files(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "nothing to change" in capsys.readouterr().err
    assert files(root) == before
    assert main(["apply", str(root), *OPTIONS, "--check"]) == 0


def test_the_printed_snippet_is_in_the_component_header(tmp_path: Path) -> None:
    root = react_native(tmp_path)
    assert main(["apply", str(root), *OPTIONS]) == 0
    component = (root / "src/payment/PaymentWebView.tsx").read_text(encoding="utf-8")
    for line in handlers.REACT_NATIVE_SNIPPET.splitlines():
        assert (f"//   {line}" if line else "//\n") in component


def test_a_hand_edited_framework_file_needs_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = react_native(tmp_path)
    assert main(["apply", str(root), *OPTIONS]) == 0
    urls = root / RN_FILES[0]
    urls.write_text(urls.read_text(encoding="utf-8") + "// mine\n", encoding="utf-8")
    assert main(["apply", str(root), *OPTIONS, "--pg", "nice"]) == 2
    assert "edited by hand" in capsys.readouterr().err
    assert urls.read_text(encoding="utf-8").endswith("// mine\n")
    assert main(["apply", str(root), *OPTIONS, "--pg", "nice", "--force"]) == 0
    assert not urls.read_text(encoding="utf-8").endswith("// mine\n")


def test_native_framework_writes_no_framework_files(tmp_path: Path) -> None:
    root = react_native(tmp_path)
    assert main(["apply", str(root), *OPTIONS, "--framework", "native"]) == 0
    assert not (root / "src").exists()


def test_expo_adds_the_plugin_and_the_scheme_and_nothing_uninstalled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = expo(tmp_path)
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "framework: expo (detected: app.json)" in capsys.readouterr().err
    text = (root / "app.json").read_text()
    assert text.startswith('{\n    "expo": {\n        "name": "shop",')
    config = json.loads(text)["expo"]
    assert config["scheme"] == "myshop"
    assert config["plugins"] == [handlers.EXPO_PLUGIN_ENTRY]
    assert "expo-build-properties" not in text
    queries = config["ios"]["infoPlist"]["LSApplicationQueriesSchemes"]
    assert queries[:2] == ["ispmobile", "kb-acp"]  # the budgeted registry schemes, in order
    assert len(queries) == len(set(queries)) == 25
    plugin = root / "plugins/withSchemegenPayment.js"
    assert 'require("expo/config-plugins")' in plugin.read_text(encoding="utf-8")
    assert all((root / name).is_file() for name in RN_FILES)
    before = files(root)
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "nothing to change" in capsys.readouterr().err
    assert files(root) == before


def test_expo_keeps_an_existing_plugin_list_and_scheme_list(tmp_path: Path) -> None:
    root = expo(
        tmp_path,
        '{"expo": {"scheme": ["other"], "plugins": ["expo-router", '
        '["./plugins/withSchemegenPayment.js"]]}}\n',
    )
    assert main(["apply", str(root), *OPTIONS]) == 0
    text = (root / "app.json").read_text()
    assert text.startswith('{"expo": {"scheme": ["other", "myshop"], "plugins": ["expo-router", ')
    config = json.loads(text)["expo"]
    assert config["plugins"] == ["expo-router", ["./plugins/withSchemegenPayment.js"]]


def test_expo_js_config_gets_its_files_and_instructions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = expo(tmp_path, app_json=None)
    (root / "app.config.ts").write_text("export default {};\n")
    assert main(["apply", str(root), *OPTIONS]) == 0
    captured = capsys.readouterr()
    assert "app.config.ts is JavaScript" in captured.out
    assert f'"{handlers.EXPO_PLUGIN_ENTRY}"' in captured.out
    assert (root / "app.config.ts").read_text() == "export default {};\n"
    assert (root / "plugins/withSchemegenPayment.js").is_file()


def test_expo_with_native_folders_leaves_them_alone_unless_native(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = expo(tmp_path)
    (root / "android/app/src/main").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "manifest_basic.xml", root / MANIFEST)
    manifest = (root / MANIFEST).read_bytes()
    assert main(["apply", str(root), *OPTIONS]) == 0
    assert "`expo prebuild` regenerates android/ from app.json" in capsys.readouterr().err
    assert (root / MANIFEST).read_bytes() == manifest
    app_json = (root / "app.json").read_bytes()
    assert main(["apply", str(root), *OPTIONS, "--framework", "native"]) == 0
    assert (root / MANIFEST).read_bytes() != manifest
    assert (root / "app.json").read_bytes() == app_json


@pytest.mark.parametrize("framework", ["native", "react-native"])
def test_managed_expo_refuses_native_frameworks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], framework: str
) -> None:
    root = expo(tmp_path)
    before = files(root)
    assert main(["apply", str(root), *OPTIONS, "--framework", framework]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "use --framework expo" in err[0]
    assert files(root) == before


def test_expo_needs_an_app_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = react_native(tmp_path)
    assert main(["apply", str(root), *OPTIONS, "--framework", "expo"]) == 2
    assert "no app.json or app.config.*" in capsys.readouterr().err


def test_bad_app_json_is_one_line_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = expo(tmp_path, '{"expo": {\n  "plugins": {}\n}}\n')
    assert main(["apply", str(root), *OPTIONS]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "app.json:2: `plugins` in app.json is not an array; nothing was changed"
    )
