"""Shared pieces of the hostile suite: a child-process runner with a watchdog, and projects."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
APPLY_FIXTURES = TESTS / "apply" / "fixtures"
# A watchdog, not a measurement: a hang becomes a failure, a slow machine does not.
TIMEOUT = 30
SECRET = "TOP-SECRET-9f3a77"
MAIN = "import sys; from schemegen.cli.main import main; raise SystemExit(main(sys.argv[1:]))"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
PLIST = "ios/Runner/Info.plist"
APPLY = ("apply", "--app-scheme", "myshop", "--category", "card", "--methods", "card")
LITTER = (".schemegen-tmp", ".schemegen-backup", ".schemegen-journal")


def run(
    *args: str | Path,
    cwd: Path,
    prelude: str = "",
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    killed: bool = False,
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `schemegen args` in a child process.

    `prelude` is Python run first (the fault injected); `killed` allows death by SIGKILL.
    """
    done = subprocess.run(
        [sys.executable, "-c", prelude + "\n" + MAIN, *map(str, args)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT,
        check=False,
        cwd=cwd,
        env={**os.environ, "SCHEMEGEN_DEBUG": "", **(env or {})},
        preexec_fn=preexec,
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert SECRET not in output, output
    if killed and done.returncode == -9:
        return done.returncode, done.stdout, done.stderr
    assert done.returncode in (0, 1, 2), output
    if str(args[0]) in ("apply", "generate"):
        for line in done.stderr.splitlines():
            assert line.startswith("schemegen: "), output  # one line per message
    return done.returncode, done.stdout, done.stderr


def snapshot(top: Path) -> dict[str, tuple[str, int, int, int]]:
    """Every file and folder under `top`: content hash (files), mode, owner, group."""
    found: dict[str, tuple[str, int, int, int]] = {}
    for path in sorted(top.rglob("*")):
        info = path.lstat()
        digest = ""
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_symlink():
            digest = f"-> {path.readlink()}"
        found[str(path.relative_to(top))] = (digest, info.st_mode, info.st_uid, info.st_gid)
    return found


def litter(top: Path) -> list[str]:
    return [str(p) for p in top.rglob("*") if any(mark in p.name for mark in LITTER)]


def flutter(top: Path) -> Path:
    """A Flutter-style project with a valid manifest and plist."""
    (top / MANIFEST).parent.mkdir(parents=True)
    (top / PLIST).parent.mkdir(parents=True)
    (top / "pubspec.yaml").write_text("name: shop\n")
    (top / MANIFEST).write_bytes((APPLY_FIXTURES / "manifest_basic.xml").read_bytes())
    (top / PLIST).write_bytes((APPLY_FIXTURES / "plist_basic.plist").read_bytes())
    return top
