"""Compile generated Android code against the real framework and run it under Robolectric."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, require_tool, skip_or_fail

JVM = Path(__file__).resolve().parent / "jvm"
# Maven's local repository, inside the checkout and git-ignored; .ci/run fills it.
M2 = Path(os.environ.get("SCHEMEGEN_M2", ROOT / ".m2"))
HARNESS_MAIN = "schemegen.harness.AndroidHarness"
# Java 8 and JVM target 1.8: generated code must build in any Android project.
JAVAC = ("--release", "8", "-encoding", "UTF-8", "-Xlint:all", "-Werror")
KOTLINC = ("-Werror", "-jvm-target", "1.8")


def run(command: list[str]) -> str:
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    if proc.returncode != 0:
        tool = Path(command[0]).name
        pytest.fail(f"{tool} exited {proc.returncode}:\n{proc.stdout[-6000:]}{proc.stderr[-6000:]}")
    return proc.stdout


def find_kotlinc() -> Path:
    configured = os.environ.get("KOTLINC")
    if configured:
        if not Path(configured).is_file():
            pytest.fail(f"KOTLINC={configured} does not exist")
        return Path(configured)
    found = shutil.which("kotlinc")
    if found is None:
        skip_or_fail(
            "kotlinc not found: set KOTLINC or put it on PATH "
            "(npm install --prefix <dir> kotlin-compiler@2.4.20 ships "
            "<dir>/node_modules/kotlin-compiler/bin/kotlinc)"
        )
    return Path(found)


def kotlin_stdlib(kotlinc: Path) -> Path:
    stdlib = kotlinc.resolve().parent.parent / "lib" / "kotlin-stdlib.jar"
    if not stdlib.is_file():
        pytest.fail(f"no kotlin-stdlib.jar next to {kotlinc}")
    return stdlib


@dataclass(frozen=True)
class Classpath:
    """The jars Maven resolved for tests/generate/jvm/pom.xml."""

    framework: Path  # android-all: what generated code compiles against
    run: tuple[Path, ...]  # Robolectric, its instrumented android-all, JUnit

    @property
    def sdk_dir(self) -> Path:
        """The folder Robolectric reads its android-all-instrumented jar from, offline."""
        return next(p.parent for p in self.run if p.name.startswith("android-all-instrumented"))


def resolve(tmp: Path) -> Classpath:
    mvn = require_tool("mvn")
    listing = tmp / "classpath.txt"
    run(
        [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            f"-Dmaven.repo.local={M2}",
            "-f",
            str(JVM / "pom.xml"),
            "dependency:build-classpath",
            f"-Dmdep.outputFile={listing}",
        ]
    )
    jars = [Path(p) for p in listing.read_text(encoding="utf-8").strip().split(os.pathsep)]
    framework = [
        p for p in jars if p.name.startswith("android-all-") and "instrumented" not in p.name
    ]
    assert len(framework) == 1, f"expected one plain android-all jar in {jars}"
    return Classpath(framework[0], tuple(p for p in jars if p != framework[0]))


def join(paths: list[Path] | tuple[Path, ...]) -> str:
    return os.pathsep.join(str(p) for p in paths)


def compile_java(classpath: Classpath, sources: list[Path], out: Path) -> None:
    javac = require_tool("javac")
    run([javac, *JAVAC, "-cp", str(classpath.framework), "-d", str(out), *map(str, sources)])


def compile_kotlin(classpath: Classpath, kotlinc: Path, sources: list[Path], out: Path) -> None:
    run(
        [
            str(kotlinc),
            *KOTLINC,
            "-cp",
            str(classpath.framework),
            "-d",
            str(out),
            *map(str, sources),
        ]
    )


def build_harness(classpath: Classpath, out: Path) -> Path:
    """Compiles the drivers and the androidx.test stand-ins; returns their class folder."""
    javac = require_tool("javac")
    sources = sorted(str(p) for p in JVM.rglob("*.java"))
    run(
        [
            javac,
            "-encoding",
            "UTF-8",
            "-nowarn",
            "-cp",
            join(classpath.run),
            "-d",
            str(out),
            *sources,
        ]
    )
    shutil.copytree(JVM / "resources", out, dirs_exist_ok=True)
    return out


def run_harness(
    classpath: Classpath, harness: Path, generated: list[Path], data: dict[str, Any], tmp: Path
) -> dict[str, Any]:
    """One JVM: every JUnit test of the harness; returns {output name: parsed JSON}."""
    java = require_tool("java")
    source = tmp / "input.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp / "results"
    out.mkdir()
    run(
        [
            java,
            "-Drobolectric.offline=true",
            f"-Drobolectric.dependency.dir={classpath.sdk_dir}",
            f"-Dschemegen.input={source}",
            f"-Dschemegen.output={out}",
            "-cp",
            join([harness, *generated, *classpath.run]),
            "org.junit.runner.JUnitCore",
            HARNESS_MAIN,
        ]
    )
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob("*.json"))}
