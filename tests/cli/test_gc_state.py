"""main turns garbage collection off for start-up and gives the caller its state back."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from schemegen.cli.main import main

MANIFEST = '<manifest xmlns:android="http://schemas.android.com/apk/res/android"/>'


@pytest.mark.parametrize("enabled", [True, False])
def test_main_restores_the_callers_collection_state(enabled: bool, tmp_path: Path) -> None:
    (tmp_path / "AndroidManifest.xml").write_text(MANIFEST)
    was, thresholds = gc.isenabled(), gc.get_threshold()
    (gc.enable if enabled else gc.disable)()
    try:
        main(["lint", str(tmp_path / "AndroidManifest.xml")])
        assert gc.isenabled() is enabled
        assert gc.get_threshold() == thresholds
        assert gc.get_freeze_count() == 0  # nothing of the caller's is left uncollectable
    finally:
        (gc.enable if was else gc.disable)()


def test_python_m_schemegen_exits_with_mains_code(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "schemegen", "lint", "--jobs", "0", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "--jobs 0" in run.stderr
