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
    assert (workdir / "out" / "ios" / "swift" / "PaymentWebViewHandler.swift").is_file()
    assert (workdir / "out" / "android" / "PaymentWebViewClient.kt").is_file()
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
    assert "schemegen/_registry.pickle" in names
    python = new_venv(tmp_path / "venv")
    run(python, "-m", "pip", "install", "-q", wheel, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    smoke(python, work)
    snapshot_is_used_until_the_yaml_changes(python, work)


LINT_AND_REPORT = """
import sys
from schemegen.cli.main import main
code = main(["lint", "--format", "json", sys.argv[1]])
print("validated" if "yaml" in sys.modules else "snapshot", code)
"""


def snapshot_is_used_until_the_yaml_changes(python: Path, work: Path) -> None:
    manifest = work / "AndroidManifest.xml"
    manifest.write_text(
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="a.b">'
        "<application/></manifest>\n",
        encoding="utf-8",
    )
    first = run(python, "-c", LINT_AND_REPORT, manifest, cwd=work).splitlines()[-1]
    assert first.startswith("snapshot")
    site = run(
        python, "-c", "import schemegen, os; print(os.path.dirname(schemegen.__file__))", cwd=work
    )
    shipped = Path(site.strip()) / "schemes.yaml"
    shipped.write_text(shipped.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    second = run(python, "-c", LINT_AND_REPORT, manifest, cwd=work).splitlines()[-1]
    assert second == first.replace("snapshot", "validated")


def test_editable_install(tmp_path: Path) -> None:
    python = new_venv(tmp_path / "venv")
    run(python, "-m", "pip", "install", "-q", "hatchling", "editables", cwd=tmp_path)
    run(python, "-m", "pip", "install", "-q", "--no-build-isolation", "-e", ROOT, cwd=tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    smoke(python, work)
