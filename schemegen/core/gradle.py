"""The `targetSdk` a Gradle module sets, read from its build.gradle(.kts) without running it."""

# Called once per linted manifest: plain `os` calls, as in documents.py.
# ruff: noqa: PTH116, PTH118, PTH119, PTH120, PTH123

from __future__ import annotations

import os
import re
import stat

from schemegen.core.regex import lazy

BUILD_FILES = ("build.gradle.kts", "build.gradle")
MAX_BYTES = 1_000_000  # a module's build script is a few kB; anything larger is not read

_COMMENT = lazy(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
# `targetSdk = 34`, `targetSdk 34`, `targetSdkVersion 30`, `targetSdkVersion(30)`,
# `targetSdkVersion = 30`, `setTargetSdkVersion(30)`; the value is whatever follows.
_SETTING = lazy(
    r"(?<![\w.])(?:set)?(?:targetSdkVersion|targetSdk)\b\s*(?:=\s*|\(\s*|\s+)([^\s)]+)",
    re.IGNORECASE,
)


def target_sdk(text: str) -> int | None:
    """The module's targetSdk, or None when it is absent or not a literal everywhere.

    `targetSdkVersion flutter.targetSdkVersion` or `rootProject.ext.targetSdkVersion` are
    decided by the build, so they stay unknown; so do values that differ between flavours.
    """
    values = {raw.strip("\"'") for raw in _SETTING.findall(_COMMENT.sub("", text))}
    if len(values) != 1:
        return None
    value = values.pop()
    return int(value) if value.isdigit() else None


def module_dir(manifest: str) -> str:
    """The Gradle module of a manifest: above `src/<source set>/`, else its own folder."""
    folder = os.path.dirname(manifest)
    source_sets = os.path.dirname(folder)
    if os.path.basename(source_sets) == "src":
        return os.path.dirname(source_sets)
    return folder


def read_target_sdk(manifest: str) -> int | None:
    """The targetSdk of the build file next to `manifest`, or None when there is none."""
    folder = module_dir(manifest)
    for name in BUILD_FILES:
        path = os.path.join(folder, name) if folder else name
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                continue
            with open(path, "rb") as handle:
                text = handle.read(MAX_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
        return target_sdk(text)
    return None
