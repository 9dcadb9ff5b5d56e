"""`schemegen lint` and `schemegen rules` end to end: flags, config file, formats, exit codes."""

from __future__ import annotations

import json
import plistlib
import subprocess
import sys
from pathlib import Path

import pytest

from schemegen.cli.main import main

MANIFEST = """\
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">
    <uses-sdk android:minSdkVersion="24" android:targetSdkVersion="34" />
    <uses-permission android:name="android.permission.QUERY_ALL_PACKAGES" />
    <application android:label="Shop">
        <activity android:name=".MainActivity" android:exported="true">
            <intent-filter>
                <action android:name="android.intent.action.MAIN" />
                <category android:name="android.intent.category.LAUNCHER" />
            </intent-filter>
            <intent-filter>
                <action android:name="android.intent.action.VIEW" />
                <category android:name="android.intent.category.DEFAULT" />
                <category android:name="android.intent.category.BROWSABLE" />
                <data android:scheme="myshop" />
            </intent-filter>
            <intent-filter>
                <action android:name="android.intent.action.VIEW" />
                <category android:name="android.intent.category.DEFAULT" />
                <category android:name="android.intent.category.BROWSABLE" />
                <data android:scheme="@string/extra_scheme" />
            </intent-filter>
        </activity>
    </application>
</manifest>
"""
PLIST = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>CFBundleURLTypes</key>
\t<array>
\t\t<dict>
\t\t\t<key>CFBundleURLSchemes</key>
\t\t\t<array>
\t\t\t\t<string>myshop</string>
\t\t\t</array>
\t\t</dict>
\t</array>
\t<key>LSApplicationQueriesSchemes</key>
\t<array>
\t\t<string>ispmobile</string>
\t\t<string>nhappvardansimclick</string>
\t</array>
</dict>
</plist>
"""
ANDROID = "android/AndroidManifest.xml"
IOS = "ios/Info.plist"
# What the fixtures hold: SG106 (error, line 4) and SG111 (warning, line 6) and SG112 (info,
# line 21) in the manifest; SG203 (error, line 17: `nhappvardansimclick`) in the plist.


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "android").mkdir()
    (tmp_path / "ios").mkdir()
    (tmp_path / ANDROID).write_text(MANIFEST, encoding="utf-8")
    (tmp_path / IOS).write_text(PLIST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def codes(out: str) -> list[str]:
    return [line.split(": ", 1)[1].split(" ", 1)[0] for line in out.splitlines()]


def write_config(root: Path, text: str, name: str = ".schemegen.yaml") -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


# --- text output and exit codes ------------------------------------------------------------------


def test_text_output_summary_and_exit_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--app-scheme", "myshop", ".")
    assert code == 1
    lines = out.splitlines()
    assert lines == sorted(lines, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))
    assert any(
        line.startswith(f"{ANDROID}:4: SG106 [error] `android.permission.QUERY_ALL_PACKAGES`")
        for line in lines
    )
    assert any(
        line.startswith(f"{IOS}:17: SG203 [error] `nhappvardansimclick`")
        and line.endswith("(fix: use `nhappcardansimclick`)")
        for line in lines
    )
    assert {"SG106", "SG111", "SG112", "SG203"} <= set(codes(out))
    assert err.endswith(" in 2 files\n") and err.startswith("2 errors, ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "expected_codes", "exit_code"),
    [
        (["--select", "SG106"], ["SG106"], 1),
        (["--select", "SG111"], ["SG111"], 0),  # warnings alone pass...
        (["--select", "SG111", "--strict"], ["SG111"], 1),  # ...unless --strict
        (["--select", "SG112"], ["SG112"], 0),  # info only counts as clean
        (["--select", "SG112", "--strict"], ["SG112"], 0),
        (["--select", "SG106,SG2", "--ignore", "SG2"], ["SG106"], 1),  # a tie: ignore wins
        (["--select", "SG106,SG203", "--ignore", "SG2"], ["SG106", "SG203"], 1),  # specific wins
        (["--select", "SG1", "--ignore", "SG109,SG112"], ["SG106", "SG111"], 1),
        (["--select", "SG1", "--select", "SG203"], ["SG203"], 1),  # the last flag wins
        (["--select", "query-all-packages,query-scheme-typo"], ["SG106", "SG203"], 1),
        (["--ignore", "SG1,SG2,SG3"], [], 0),
        (["--select", "sg203"], ["SG203"], 1),
    ],
)
def test_select_ignore_strict_and_exit_codes(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected_codes: list[str],
    exit_code: int,
) -> None:
    code, out, err = lint(capsys, "--app-scheme", "myshop", *argv, ".")
    assert (codes(out), code) == (expected_codes, exit_code)
    assert err.endswith(" in 2 files\n")


def test_clean_run_prints_only_the_summary(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lint(capsys, "--select", "SG106", IOS)
    assert (code, out, err) == (0, "", "0 errors, 0 warnings in 1 file\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--select", "SG9"], "--select: `SG9` matches no rule"),
        (["--ignore", "no-such-rule"], "--ignore: `no-such-rule` matches no rule"),
        (["--ios-query-limit", "51"], "--ios-query-limit 51 is out of range"),
        (["--app-scheme", "my shop"], "app scheme"),
        (["--methods", "card,cash"], "unknown payment method(s) cash"),
        (["--format", "xml"], ""),
        (["--config", "missing.yaml"], "missing.yaml: cannot read config"),
        (["--registry", "nowhere.yaml"], "nowhere.yaml: cannot read registry overlay"),
    ],
)
def test_usage_errors_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = lint(capsys, *argv, ".")
    assert code == 2
    assert out == ""
    assert message in err


def test_missing_path_is_a_finding(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "ios/Info.plst")
    assert code == 1
    assert out.startswith("ios/Info.plst: SG001 [error] ")


def test_binary_plist_has_no_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"LSApplicationQueriesSchemes": ["ispmobile", "nhappvardansimclick"]}
    (project / "ios" / "Shop-Info.plist").write_bytes(plistlib.dumps(data, fmt=plistlib.FMT_BINARY))
    code, out, _ = lint(capsys, "--select", "SG203", "ios/Shop-Info.plist")
    assert code == 1
    assert out.startswith("ios/Shop-Info.plist: SG203 [error] `nhappvardansimclick`")


# --- the config file -----------------------------------------------------------------------------


def test_config_settings_apply(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, "select: [SG111]\nstrict: true\n")
    code, out, _ = lint(capsys, ".")
    assert (codes(out), code) == (["SG111"], 1)


def test_flags_win_over_the_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, "select: [SG111]\nstrict: true\nformat: json\n")
    code, out, _ = lint(capsys, "--no-strict", ".")
    assert code == 0
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["SG111"]
    code, out, _ = lint(capsys, "--select", "SG106", "--format", "text", ".")
    assert (codes(out), code) == (["SG106"], 1)


def test_app_scheme_from_config_and_flag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, "app-scheme: othershop\nselect: [SG101, SG210]\n")
    code, out, _ = lint(capsys, ".")
    assert (sorted(set(codes(out))), code) == (["SG101", "SG210"], 1)
    assert "othershop" in out
    code, out, _ = lint(capsys, "--app-scheme", "myshop://pay/done", ".")
    assert (out, code) == ("", 0)


def test_config_is_found_upward_from_the_paths(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(project, "select: [SG203]\n")
    monkeypatch.chdir(project / "ios")
    code, out, _ = lint(capsys, "Info.plist")
    assert (codes(out), code) == (["SG203"], 1)


def test_explicit_config_replaces_the_search(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project, "select: [SG203]\n")
    other = write_config(project, "select: [SG106]\n", name="ci.yaml")
    code, out, _ = lint(capsys, "--config", str(other), ".")
    assert (codes(out), code) == (["SG106"], 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("select: [SG1]\nbogus: 1\n", ".schemegen.yaml:2: unknown key `bogus`"),
        ("strict: maybe\n", ".schemegen.yaml:1: `strict` must be true or false"),
        ("pg: &a kcp\n", ".schemegen.yaml:1: anchors and aliases are not allowed"),
        ("\nselect: [SG9]\n", ".schemegen.yaml:2: `select`: `SG9` matches no rule"),
        ("per-file-ignores:\n  '*': [SG999]\n", ".schemegen.yaml:1: `per-file-ignores`: `SG999`"),
        ("format: xml\n", ".schemegen.yaml:1: `format` must be one of"),
    ],
)
def test_config_errors_name_file_and_line(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    write_config(project, text)
    code, out, err = lint(capsys, ".")
    assert code == 2
    assert out == ""
    assert err.startswith("schemegen: ")
    assert message in err
    assert str(project / ".schemegen.yaml") in err


def test_selector_error_from_a_flag_does_not_blame_the_config(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(project, "select: [SG1]\n")
    code, _, err = lint(capsys, "--select", "SG9", ".")
    assert code == 2
    assert "--select: `SG9` matches no rule" in err


def test_registry_overlays_are_relative_to_the_config(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(project, "registry: [overlays/extra.yaml]\n")
    monkeypatch.chdir(project / "ios")
    code, _, err = lint(capsys, ".")
    assert code == 2
    assert f"{project / 'overlays' / 'extra.yaml'}: cannot read registry overlay" in err


def test_per_file_ignores(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "examples" / "android").mkdir(parents=True)
    (project / "examples" / ANDROID).write_text(MANIFEST, encoding="utf-8")
    write_config(
        project,
        (
            "select: [SG106, SG111, SG203]\n"
            "per-file-ignores:\n"
            "  'examples/**': [SG1]\n"
            "  Info.plist: query-scheme-typo\n"
        ),
    )
    code, out, _ = lint(capsys, ".")
    assert out.splitlines() == [line for line in out.splitlines() if line.startswith(ANDROID)]
    assert (codes(out), code) == (["SG106", "SG111"], 1)
    # Globs are relative to the config file, wherever lint runs from.
    monkeypatch.chdir(project / "examples")
    code, out, _ = lint(capsys, ".", "../ios")
    assert (out, code) == ("", 0)


# --- formats -------------------------------------------------------------------------------------


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--format", "json", "--select", "SG106,SG203", ".")
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 1
    assert data["tool"]["name"] == "schemegen"
    assert data["files"] == [ANDROID, IOS]
    assert [
        (d["path"], d["line"], d["code"], d["name"], d["severity"]) for d in data["diagnostics"]
    ] == [
        (ANDROID, 4, "SG106", "query-all-packages", "error"),
        (IOS, 17, "SG203", "query-scheme-typo", "error"),
    ]
    assert err == "2 errors, 0 warnings in 2 files\n"


def test_github_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "--format", "github", "--select", "SG106,SG111,SG112", ANDROID)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        f"::error file={ANDROID},line=4,title=SG106 query-all-packages::`android.permission."
    )
    assert lines[1].startswith(
        f"::warning file={ANDROID},line=6,title=SG111 standard-launch-mode::"
    )
    assert lines[2].startswith(
        f"::notice file={ANDROID},line=21,title=SG112 unresolved-manifest-reference::"
    )


def test_sarif_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "--format", "sarif", "--select", "SG106,SG203", ".")
    assert code == 1
    run = json.loads(out)["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    locations = [(r["ruleId"], r["locations"][0]["physicalLocation"]) for r in run["results"]]
    assert locations == [
        (
            "SG106",
            {
                "artifactLocation": {"uri": ANDROID, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4},
            },
        ),
        (
            "SG203",
            {
                "artifactLocation": {"uri": IOS, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 17},
            },
        ),
    ]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


# --- rules ---------------------------------------------------------------------------------------


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from schemegen.lint.rules import RULES

    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        assert line.split()[:3] == [rule.code, rule.name, str(rule.severity)]
        assert line.endswith(rule.summary)


@pytest.mark.parametrize("name", ["SG203", "sg203", "query-scheme-typo"])
def test_rules_explains_one(capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert main(["rules", name]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SG203 query-scheme-typo (default severity: error)\n\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "## References"):
        assert f"\n{section}\n" in out


def test_rules_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "SG999"]) == 2
    assert "unknown rule `SG999`" in capsys.readouterr().err


# --- start-up ------------------------------------------------------------------------------------


def test_lint_start_up_stays_lean(project: Path) -> None:
    script = (
        "import sys\n"
        "from schemegen.cli.main import main\n"
        "main(['rules'])\n"
        "assert 'lxml' not in sys.modules, 'rules imported lxml'\n"
        "main(['lint', '--select', 'SG106', 'empty'])\n"
        "assert 'lxml' not in sys.modules, 'lint imported lxml without parsing a file'\n"
        f"main(['lint', {ANDROID!r}])\n"
        "assert 'lxml' in sys.modules\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'jinja2'], 'jinja2 imported'\n"
    )
    (project / "empty").mkdir()
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
