"""The pinned npm checkers (.ci/run installs them): TypeScript, react-native types, Expo."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import ROOT, require_tool, skip_or_fail


def node_modules(*packages: str) -> Path:
    """The node_modules folder holding `packages`, or skip (fail under CI) when one is absent."""
    tools = Path(os.environ.get("SCHEMEGEN_TOOLS", ROOT / ".tools"))
    folder = tools / "node_modules"
    for package in packages:
        if not (folder / package / "package.json").is_file():
            skip_or_fail(
                f"npm package {package} is not installed in {folder} (.ci/run installs it)"
            )
    return folder


def link_node_modules(project: Path, *packages: str) -> None:
    """Make `packages` resolvable from every file under `project`."""
    (project / "node_modules").symlink_to(node_modules(*packages), target_is_directory=True)


def tsc(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the pinned TypeScript compiler in `project` (its node_modules must be linked)."""
    node = require_tool("node")
    compiler = project / "node_modules" / "typescript" / "bin" / "tsc"
    return subprocess.run(
        [node, str(compiler), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def node(project: Path, script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_tool("node"), str(script), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
