"""Linear-time benchmark: four hostile inputs at two sizes each, and the ratio of their times.

    python benchmarks/linear.py              # prints the table and writes benchmarks/RESULTS.md
    python benchmarks/linear.py --no-write

Each case runs the CLI in a child process on an input built here, at a base size and at four
times that size; the time is the median of `--repeat` runs. Linear code takes about four
times as long on the larger input (a ratio near 4, start-up pulls it lower); quadratic code
takes sixteen. Times are the child's CPU time, which other load on the machine disturbs
less than wall time. `python benchmarks/run.py --section linear` runs the same table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Linear time on hostile inputs"
ANDROID = "http://schemas.android.com/apk/res/android"
LAUNCHER = (
    '<application><activity android:name=".M" android:exported="true"><intent-filter>'
    '<action android:name="android.intent.action.MAIN"/>'
    '<category android:name="android.intent.category.LAUNCHER"/>'
    "</intent-filter></activity></application>\n"
)


def manifest(body: str, lead: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'{lead}<manifest xmlns:android="{ANDROID}" package="com.example.shop">\n'
        f"{body}{LAUNCHER}</manifest>\n"
    )


def flutter_project(folder: Path, text: str) -> Path:
    """A Flutter project holding `text` as its AndroidManifest.xml; returns its root."""
    (folder / "pubspec.yaml").write_text("name: shop\n")
    target = folder / "android" / "app" / "src" / "main" / "AndroidManifest.xml"
    target.parent.mkdir(parents=True)
    target.write_text(text, encoding="utf-8")
    return folder


def many_children(size: int) -> str:
    """Leading spaces before `<manifest>` and `size` children: per-child work on the parent."""
    return manifest("<uses-feature/>\n" * size, lead=" " * (250 * size))


def duplicate_packages(size: int) -> str:
    """`size` copies of one registry package in `<queries>`, which `apply --fix` removes."""
    package = '<package android:name="com.hanaskard.paycla" />\n'
    return manifest(f"<queries>\n{package * size}</queries>\n")


def near_misses(size: int) -> str:
    """`size` unique packages, each a registry package with one letter changed."""
    base = "com.kbcard.cxh.appcard"
    lines = []
    for index in range(size):
        spot = 4 + index % (len(base) - 4)
        letter = "q" if base[spot] != "q" else "z"
        lines.append(f'<package android:name="{base[:spot]}{letter}{base[spot + 1 :]}{index}" />\n')
    return manifest(f"<queries>\n{''.join(lines)}</queries>\n")


def overlay(size: int) -> str:
    """An overlay of `size` minimal, valid apps with similar names (near-miss candidates)."""
    lines = ["sources: [{id: s, where: 'https://example.com', commit: null, date: '2026-12'}]\n"]
    lines.append("apps:\n")
    for index in range(size):
        lines.append(
            f"- {{id: app_{index}, name_ko: a{index}, name_en: a{index}, category: card,"
            f" status: active, priority: {{tier: 3, order: {index}}}, methods: [card],"
            f" ios_schemes: [zzapp{index}], android_packages: [com.zz.app{index}],"
            " sources: [{id: s, seen: '2026-12', verified: published}]}\n"
        )
    return "".join(lines)


@dataclass(frozen=True)
class Case:
    name: str
    base: int
    build: Callable[[Path, int], list[str]]  # writes the input below a folder, returns argv


def _apply_children(folder: Path, size: int) -> list[str]:
    project = flutter_project(folder, many_children(size))
    return ["apply", "--app-scheme", "myshop", "--category", "card", "--diff", str(project)]


def _apply_fix(folder: Path, size: int) -> list[str]:
    project = flutter_project(folder, duplicate_packages(size))
    return ["apply", "--app-scheme", "myshop", "--fix", "--diff", str(project)]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _lint(folder: Path, size: int) -> list[str]:
    path = _write(folder, "AndroidManifest.xml", near_misses(size))
    return ["lint", "--app-scheme", "myshop", str(path)]


def _scan(folder: Path, size: int) -> list[str]:
    path = _write(folder, "AndroidManifest.xml", near_misses(size))
    return ["registry", "scan", "--no-config", str(path)]


def _check(folder: Path, size: int) -> list[str]:
    return ["registry", "check", str(_write(folder, "overlay.yaml", overlay(size)))]


CASES = (
    Case("apply, manifest with many children", 2000, _apply_children),
    Case("apply --fix, duplicate packages", 25_000, _apply_fix),
    Case("lint, near-miss packages", 40_000, _lint),
    Case("registry scan, near-miss packages", 40_000, _scan),
    Case("registry check, large overlay", 2000, _check),
)


def command(argv: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "schemegen", *argv]


def timed(argv: Sequence[str], cwd: Path) -> float:
    """CPU seconds (user + system) of one run: steadier than wall time on a shared machine."""
    child = subprocess.Popen(
        command(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped above; keeps Popen from waiting again
    return usage.ru_utime + usage.ru_stime


def measure(case: Case, factor: int, repeat: int) -> tuple[float, float, int]:
    times = []
    for size in (case.base, case.base * factor):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            argv = case.build(folder, size)
            bytes_in = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            runs = [timed(argv, folder) for _ in range(repeat)]
            times.append((statistics.median(runs), bytes_in))
    (small, _), (large, large_bytes) = times
    return small, large, large_bytes


def table(factor: int = 4, repeat: int = 3) -> list[str]:
    rows = [
        SECTION,
        "",
        f"Each case at a base size and {factor}x that size; median CPU time of {repeat} runs"
        " of the CLI (`python benchmarks/linear.py`).",
        f"Linear code gives a ratio near {factor} (start-up lowers it), quadratic code"
        f" {factor * factor}.",
        "",
        "| case | base size | small | large | large input | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for case in CASES:
        small, large, large_bytes = measure(case, factor, repeat)
        rows.append(
            f"| {case.name} | {case.base:,} | {small:.2f} s | {large:.2f} s |"
            f" {large_bytes / 1_000_000:.1f} MB | {large / small:.2f}x |"
        )
    return rows


def write(rows: Sequence[str]) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    head, found, _ = text.partition(SECTION)
    body = "\n".join(rows) + "\n"
    RESULTS.write_text((head.rstrip("\n") + "\n\n" if found or head else "") + body)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=4, help="large size / base size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (the median counts)")
    parser.add_argument("--no-write", action="store_true", help="print only; keep RESULTS.md")
    args = parser.parse_args(argv)
    rows = table(args.factor, args.repeat)
    print("\n".join(rows))
    if not args.no_write:
        write(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
