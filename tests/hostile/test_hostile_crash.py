"""All or nothing across a crash: SIGKILL at every rename of a multi-file apply."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hostile_support import APPLY, flutter, litter, run, snapshot

# The kill comes from inside the process, at the n-th os.replace (pathlib's replace calls it
# too): before that rename is made, or right after it.
KILL_AT_RENAME = """
import os, signal
_replace, _count = os.replace, [0]
_at, _after = int(os.environ["KILL_AT"]), os.environ["KILL_AFTER"] == "1"
def _killing(*args, **kwargs):
    _count[0] += 1
    if _count[0] == _at and not _after:
        os.kill(os.getpid(), signal.SIGKILL)
    result = _replace(*args, **kwargs)
    if _count[0] == _at and _after:
        os.kill(os.getpid(), signal.SIGKILL)
    return result
os.replace = _killing
"""

COMMAND = (*APPLY, "--handler", "kotlin")


def without_litter(state: dict[str, tuple[str, int, int, int]]) -> dict[str, object]:
    return {k: v for k, v in state.items() if "schemegen-" not in k}


@pytest.mark.parametrize("after", [False, True], ids=["before-rename", "after-rename"])
def test_a_kill_at_every_rename_is_rolled_back_or_forward(tmp_path: Path, after: bool) -> None:
    pristine = flutter(tmp_path / "pristine")
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference, symlinks=True)
    assert run(*COMMAND, cwd=reference)[0] == 0
    original, final = snapshot(pristine), snapshot(reference)
    assert original != final
    kills = 0
    for at in range(1, 50):
        top = tmp_path / f"run{at}"
        shutil.copytree(pristine, top, symlinks=True)
        env = {"KILL_AT": str(at), "KILL_AFTER": "1" if after else "0"}
        code, _, _ = run(*COMMAND, cwd=top, prelude=KILL_AT_RENAME, env=env, killed=True)
        if code != -9:
            assert code == 0
            assert snapshot(top) == final
            break
        kills += 1
        # the next run first restores a whole state: every file old, or every file new
        run(*APPLY, "--handler", "kotlin", "--check", cwd=top)
        assert litter(top) == []
        assert snapshot(top) in (original, final)
        assert run(*COMMAND, cwd=top)[0] == 0
        assert snapshot(top) == final
        assert litter(top) == []
        shutil.rmtree(top)
    # the journal, three files (manifest, plist, handler) and the commit mark: five renames
    assert kills >= 5
