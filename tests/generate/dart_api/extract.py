"""Extract the declared names of the Flutter packages the generated Dart uses (run once).

Reads each package's Dart sources from a local git clone at one commit and writes names.json
with the repository, commit and paths it read. Regenerate with:

    python tests/generate/dart_api/extract.py --flutter-packages <git dir of flutter/packages> \\
        --inappwebview <git dir of pichillilorenzo/flutter_inappwebview>
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import dartnames

HERE = Path(__file__).resolve().parent
# package -> (repository, source folders inside it); the platform interfaces declare the
# types the app-facing packages re-export.
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "webview_flutter": (
        "flutter/packages",
        (
            "packages/webview_flutter/webview_flutter/lib",
            "packages/webview_flutter/webview_flutter_platform_interface/lib",
        ),
    ),
    "url_launcher": (
        "flutter/packages",
        (
            "packages/url_launcher/url_launcher/lib",
            "packages/url_launcher/url_launcher_platform_interface/lib",
        ),
    ),
    "flutter_inappwebview": (
        "pichillilorenzo/flutter_inappwebview",
        ("flutter_inappwebview/lib", "flutter_inappwebview_platform_interface/lib"),
    ),
}


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


def extract(git_dir: Path, folders: tuple[str, ...]) -> tuple[str, list[str], int]:
    """(commit, sorted declared names, number of files) of every .dart file under `folders`."""
    commit = git(git_dir, "rev-parse", "HEAD").strip()
    paths = [
        p
        for p in git(git_dir, "ls-tree", "-r", "--name-only", commit, "--", *folders).splitlines()
        if p.endswith(".dart")
    ]
    parser = dartnames.parser()
    names: set[str] = set()
    for path in paths:
        tree = parser.parse(git(git_dir, "show", f"{commit}:{path}").encode("utf-8"))
        names |= dartnames.declared(tree)
    return commit, sorted(names), len(paths)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flutter-packages", type=Path, required=True)
    parser.add_argument("--inappwebview", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=HERE / "names.json")
    args = parser.parse_args(argv)
    clones = {"flutter/packages": args.flutter_packages}
    clones["pichillilorenzo/flutter_inappwebview"] = args.inappwebview
    out: dict[str, object] = {}
    for package, (repository, folders) in PACKAGES.items():
        commit, names, files = extract(clones[repository], folders)
        out[package] = {
            "repository": f"https://github.com/{repository}",
            "commit": commit,
            "paths": list(folders),
            "files": files,
            "names": names,
        }
        print(f"{package}: {len(names)} names from {files} files at {commit}", file=sys.stderr)
    args.out.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
