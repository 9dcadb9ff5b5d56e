"""Inputs that took minutes on quadratic paths finish inside a watchdog (not a timed test).

The 30-second watchdog turns a hang or a relapse into a failure and measures nothing else.
The apply and registry-check cases run at sizes where the quadratic code took minutes; the
duplicate and near-miss cases at a size the suite affords (their old cost grew with the
input times the registry), while benchmarks/linear.py measures the full sizes. The inputs come from
benchmarks/linear.py, which measures the same cases at two sizes.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
WATCHDOG = 30
MAIN = "import sys; from schemegen.cli.main import main; raise SystemExit(main(sys.argv[1:]))"


def _linear() -> ModuleType:
    spec = importlib.util.spec_from_file_location("linear", ROOT / "benchmarks" / "linear.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


linear = _linear()


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-c", MAIN, *argv],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=WATCHDOG,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`schemegen {' '.join(argv[:3])} …` did not finish within {WATCHDOG} s")


def test_apply_on_a_parent_with_thousands_of_children(tmp_path: Path) -> None:
    # 1 MB of spaces before <manifest> and 4000 children: 302 s on the quadratic code.
    done = run(linear._apply_children(tmp_path, 4000), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "added the return intent-filter" in done.stderr


def test_apply_fix_removes_a_hundred_thousand_duplicates(tmp_path: Path) -> None:
    # 40,000 duplicates took 5.8 s (176,778: 88 s) when every removal copied the rest.
    done = run(linear._apply_fix(tmp_path, 40_000), tmp_path)
    assert done.returncode == 0, done.stderr
    removed = [line for line in done.stdout.splitlines() if "com.hanaskard.paycla" in line]
    assert len(removed) == 40_000
    assert all(line.startswith("-") for line in removed)


@pytest.mark.parametrize("command", ["lint", "registry scan"])
def test_near_miss_packages_in_a_large_manifest(tmp_path: Path, command: str) -> None:
    # 157,313 unique near misses took 84 s (lint) and 114 s (scan): every value was compared
    # with every registry value.
    build = linear._lint if command == "lint" else linear._scan
    done = run(build(tmp_path, 20_000), tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr


def test_registry_check_on_an_overlay_of_thousands_of_apps(tmp_path: Path) -> None:
    # 2000 apps took 187 s and printed 631,766 notes: each value now gets a bounded report.
    done = run(linear._check(tmp_path, 2000), tmp_path)
    assert done.returncode == 0, done.stderr
    notes = done.stdout.count("\n")
    assert 0 < notes < 8 * 2000
    assert "resembles many other values" in done.stdout
