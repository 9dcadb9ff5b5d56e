"""Atheris harness: any text as a registry overlay through `registry check` and `generate`.

python fuzz/fuzz_registry.py -max_total_time=3600 fuzz/corpus-registry   # fuzz/README.md
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
    from schemegen.generate import render, views  # noqa: F401
    from schemegen.registry import model, tools  # noqa: F401

OVERLAY = Path(tempfile.mkdtemp(prefix="schemegen-fuzz-registry-")) / "overlay.yaml"


def run(argv: list[str]) -> None:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    if code not in (0, 1, 2) or "internal error" in err.getvalue():
        raise RuntimeError(f"schemegen {' '.join(argv)} -> {code}: {err.getvalue()}")


def test_one_input(data: bytes) -> None:
    OVERLAY.write_bytes(data)
    run(["registry", "check", str(OVERLAY)])
    run(["generate", "--app-scheme", "myshop", "--registry", str(OVERLAY), "--stdout", "plist"])


def main_() -> None:
    os.environ.setdefault("SCHEMEGEN_DEBUG", "1")
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main_()
