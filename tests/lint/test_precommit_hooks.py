"""The pre-commit hooks: their file filter against real paths, and their commands."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemegen.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in data}


@pytest.mark.parametrize(
    "path",
    [
        "android/app/src/main/AndroidManifest.xml",
        "AndroidManifest.xml",
        "ios/Runner/Info.plist",
        "Info.plist",
        "MyApp/Supporting Files/MyApp-Info.plist",
        "ios/MyApp/MyApp-Info.plist",
        "example/android/app/src/debug/AndroidManifest.xml",
        "app.json",
        "apps/shop/app.config.ts",
        "app.config.js",
    ],
)
def test_lint_hook_matches_manifests_and_plists(path: str) -> None:
    # pre-commit applies `files` with re.search to paths relative to the repository root.
    assert re.search(hooks()["schemegen-lint"]["files"], path)


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "Info.plist.bak",  # a backup, not a plist Xcode reads
        "MyInfo.plist",  # Xcode names target plists `<Target>-Info.plist`; discovery agrees
        "ios/Runner/GoogleService-Info.plist.orig",
        "android/app/src/main/AndroidManifest.xml~",
        "docs/AndroidManifest.xml.md",
        "ios/Runner/info.plist",  # Xcode's name is case-sensitive on the default setup
        "tsconfig.app.json",
        "app.config.json.bak",
    ],
)
def test_lint_hook_skips_other_files(path: str) -> None:
    assert not re.search(hooks()["schemegen-lint"]["files"], path)


def test_lint_hook_runs_serially_on_filenames() -> None:
    hook = hooks()["schemegen-lint"]
    assert hook["language"] == "python"
    assert shlex.split(hook["entry"]) == ["schemegen", "lint"]
    assert hook["require_serial"] is True
    assert hook.get("pass_filenames", True) is True


def test_generate_check_hook_takes_no_filenames() -> None:
    hook = hooks()["schemegen-generate-check"]
    assert shlex.split(hook["entry"]) == ["schemegen", "generate", "--check"]
    assert hook["pass_filenames"] is False
    assert hook["language"] == "python"


@pytest.mark.parametrize("hook_id", ["schemegen-lint", "schemegen-generate-check"])
def test_hook_entries_are_real_commands(hook_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = shlex.split(hooks()[hook_id]["entry"])[1:]
    assert main([*argv, "--help"]) == 0
    assert "usage: schemegen" in capsys.readouterr().out
