"""`generate --framework`: which files each framework gets, auto detection, --stdout, --check."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemegen.cli.main import main
from schemegen.generate import render
from schemegen.generate import views as generate
from schemegen.registry import selection, validate

REG = validate.load()


def keys(framework: str, **options: object) -> set[str]:
    chosen = generate.Options(app_scheme="myshop", framework=framework, **options)  # type: ignore[arg-type]
    return set(generate.generate(REG, selection.Criteria(), chosen).by_key)


def test_every_target_names_known_frameworks() -> None:
    for target in render.TARGETS:
        assert target.frameworks
        assert target.frameworks <= render.EVERY_FRAMEWORK


def test_fragments_come_with_every_framework_but_expo() -> None:
    for framework in render.FRAMEWORKS:
        fragments = {"manifest", "plist"} <= keys(framework)
        assert fragments == (framework != "expo")
        assert "js" in keys(framework)


def test_native_handlers_only_for_native() -> None:
    native = {"java", "kotlin", "swift", "objc-header", "objc"}
    assert native <= keys("native")
    for framework in set(render.FRAMEWORKS) - {"native"}:
        assert not native & keys(framework)


def test_native_output_is_the_same_as_before_any_framework() -> None:
    default = generate.Options(app_scheme="myshop")
    native = generate.Options(app_scheme="myshop", framework="native")
    criteria = selection.Criteria()
    assert (
        generate.generate(REG, criteria, default).files
        == generate.generate(REG, criteria, native).files
    )


def test_expo_gets_the_plugin_and_the_react_native_files() -> None:
    assert keys("expo") == {"js", "ts", "tsx", "expo-plugin"}
    assert keys("react-native") == {"manifest", "plist", "js", "ts", "tsx"}


def test_lang_filters_native_handlers_only() -> None:
    assert keys("react-native", langs=("swift",)) == keys("react-native")
    assert keys("native", langs=("swift",)) == {"manifest", "plist", "swift", "js"}


def test_platform_filter_keeps_app_files_for_either_app_platform() -> None:
    assert keys("react-native", platforms=("android",)) == {"manifest", "ts", "tsx"}
    assert keys("react-native", platforms=("web",)) == {"js"}


@pytest.mark.parametrize(
    ("files", "framework"),
    [
        ({"package.json": '{"dependencies": {"react-native": "0.86.3"}}'}, "react-native"),
        ({"app.json": '{"expo": {"name": "shop"}}'}, "expo"),
        ({"pubspec.yaml": "name: shop\n"}, "flutter"),
        ({"capacitor.config.ts": "export default {};\n"}, "capacitor"),
        ({"README.md": "shop\n"}, "native"),
    ],
)
def test_auto_detects_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], framework: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text)
    out = tmp_path / "out"
    argv = ["generate", "--app-scheme", "myshop", "--framework", "auto", "--project", str(project)]
    assert main([*argv, "--out", str(out)]) == 0
    assert f"framework: {framework} (detected: " in capsys.readouterr().err
    wanted = keys(framework)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    targets = {render.target_path(t, "") for t in render.TARGETS if t.key in wanted}
    assert written == targets


def test_auto_on_a_missing_folder_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "generate",
        "--app-scheme",
        "myshop",
        "--framework",
        "auto",
        "--project",
        "/nonexistent",
    ]
    assert main([*argv, "--stdout", "js"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "is not a directory" in err


def test_without_auto_the_folder_does_not_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pubspec.yaml").write_text("name: shop\n")
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--app-scheme", "myshop", "--stdout", "java"]) == 0
    assert "detected" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("framework", "key"), [("react-native", "ts"), ("react-native", "tsx"), ("expo", "expo-plugin")]
)
def test_stdout_prints_a_framework_target(
    capsys: pytest.CaptureFixture[str], framework: str, key: str
) -> None:
    assert (
        main(["generate", "--app-scheme", "myshop", "--framework", framework, "--stdout", key]) == 0
    )
    assert (
        capsys.readouterr().out
        == generate.generate(
            REG, selection.Criteria(), generate.Options(app_scheme="myshop", framework=framework)
        ).by_key[key]
    )


def test_stdout_of_another_frameworks_target_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--app-scheme", "myshop", "--stdout", "tsx"]) == 2
    assert "unknown or unselected target `tsx`" in capsys.readouterr().err


@pytest.mark.parametrize("framework", ["react-native", "expo"])
def test_check_reports_drift_in_framework_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], framework: str
) -> None:
    argv = ["generate", "--app-scheme", "myshop", "--framework", framework, "--out", str(tmp_path)]
    assert main(argv) == 0
    assert main([*argv, "--check"]) == 0
    capsys.readouterr()
    name = "expo/withSchemegenPayment.js" if framework == "expo" else "react-native/paymentUrls.ts"
    path = tmp_path / name
    path.write_text(path.read_text().replace("ispmobile", "ispmobil", 1))
    assert main([*argv, "--check"]) == 1
    assert name in capsys.readouterr().out


def test_unknown_framework_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--app-scheme", "myshop", "--framework", "cordova"]) == 2
    assert "Traceback" not in capsys.readouterr().err
