"""Atheris harness: `schemegen apply` on a project whose manifest or plist is any bytes.

    python fuzz/fuzz_apply.py -max_total_time=3600 fuzz/corpus-apply   # see fuzz/README.md

Checks the promises of apply: exit code 0/1/2, no internal error, nothing written when it
fails, and a second run that has nothing to change when the first one succeeded.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

import atheris  # type: ignore[import-untyped]  # no stubs published

# schemegen imports most modules inside functions: import them here to instrument them.
with atheris.instrument_imports():
    from schemegen.apply import edit, project  # noqa: F401
    from schemegen.cli.main import main
    from schemegen.core import documents  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "apply"
MANIFEST = "android/app/src/main/AndroidManifest.xml"
PLIST = "ios/Runner/Info.plist"
TOP = Path(tempfile.mkdtemp(prefix="schemegen-fuzz-apply-"))
(TOP / MANIFEST).parent.mkdir(parents=True)
(TOP / PLIST).parent.mkdir(parents=True)
VALID = {
    MANIFEST: (FIXTURES / "manifest_basic.xml").read_bytes(),
    PLIST: (FIXTURES / "plist_basic.plist").read_bytes(),
}


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    if code not in (0, 1, 2) or "internal error" in err.getvalue():
        raise RuntimeError(f"schemegen {' '.join(argv)} -> {code}: {err.getvalue()}")
    return code, err.getvalue()


def state() -> dict[str, bytes]:
    return {name: (TOP / name).read_bytes() for name in VALID}


def test_one_input(data: bytes) -> None:
    if not data:
        return
    fuzzed = MANIFEST if data[0] % 2 else PLIST
    for name, valid in VALID.items():
        (TOP / name).write_bytes(data[1:] if name == fuzzed else valid)
    argv = ["apply", "--app-scheme", "myshop", *(["--fix"] if data[0] & 2 else []), str(TOP)]
    before = state()
    code, err = run(argv)
    if code != 0:
        if state() != before:
            raise RuntimeError(f"a failed apply changed files: {err}")
        return
    after = state()
    code, err = run(argv)
    if code != 0 or "nothing to change" not in err or state() != after:
        raise RuntimeError(f"the second apply was not a no-op: {err}")


def main_() -> None:
    os.environ.setdefault("SCHEMEGEN_DEBUG", "1")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
