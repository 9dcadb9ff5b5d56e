"""A built wheel and an editable install both carry schemes.yaml and the templates."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def new_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def smoke(python: Path, workdir: Path) -> None:
    """Run the installed tool from a directory that holds no project files."""
    version = run(python, "-m", "schemegen", "--version", cwd=workdir)
    assert "registry 20" in version
    run(
        python, "-m", "schemegen", "generate", "--app-scheme", "myshop", "--out", "out", cwd=workdir
    )
    assert (workdir / "out" / "ios" / "PaymentWebViewHandler.swift").is_file()
    assert (workdir / "out" / "android" / "kotlin" / "PaymentWebViewClient.kt").is_file()
    listing = run(python, "-m", "schemegen", "list", "--format", "json", cwd=workdir)
    assert '"isp_paybooc"' in listing


def test_wheel_in_a_clean_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        dist,
        ROOT,
        cwd=tmp_path,
    )
    wheel = next(dist.glob("schemegen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "schemegen/schemes.yaml" in names
    assert "schemegen/schemes.schema.json" in names
    assert "schemegen/templates/android/handler.java.jinja" in names
    python = new_venv(tmp_path / "venv")
    run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    smoke(python, work)


def test_editable_install(tmp_path: Path) -> None:
    python = new_venv(tmp_path / "venv")
    run(python, "-m", "pip", "install", "-q", "hatchling", "editables", cwd=tmp_path)
    run(python, "-m", "pip", "install", "-q", "--no-build-isolation", "-e", ROOT, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    smoke(python, work)
