"""Atheris harness: any bytes, as a manifest or a plist, through `schemegen lint`.

    python fuzz/fuzz_lint.py -max_total_time=3600 fuzz/corpus-lint   # see fuzz/README.md

Fails on an exit code other than 0/1/2 and on an "internal error" (main's wrapper around
an uncaught exception); SCHEMEGEN_DEBUG=1 makes that a real traceback atheris can report.
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
    from schemegen.cli.main import main
    from schemegen.core import documents  # noqa: F401
    from schemegen.lint import report, rules, run  # noqa: F401

NAMES = ("AndroidManifest.xml", "Info.plist")
FOLDER = Path(tempfile.mkdtemp(prefix="schemegen-fuzz-lint-"))


def run(argv: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    if code not in (0, 1, 2) or "internal error" in err.getvalue():
        raise RuntimeError(f"schemegen {' '.join(argv)} -> {code}: {err.getvalue()}")


def test_one_input(data: bytes) -> None:
    if not data:
        return
    path = FOLDER / NAMES[data[0] % 2]
    path.write_bytes(data[1:])
    run(["lint", "--app-scheme", "myshop", "--format", "json", str(path)])


def main_() -> None:
    os.environ.setdefault("SCHEMEGEN_DEBUG", "1")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
