"""Wheel build hook: validate schemes.yaml and ship the validated registry as a snapshot."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class RegistrySnapshotHook(BuildHookInterface):  # type: ignore[misc]
    """Fails the build on an invalid registry; adds `schemegen/_registry.pickle` to the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, self.root)
        try:
            from schemegen.registry import model, snapshot, validate
        finally:
            sys.path.remove(self.root)
        yaml_bytes = (Path(self.root) / model.SHIPPED).read_bytes()
        try:
            registry = validate.load()
        except model.RegistryError as error:
            raise SystemExit(f"schemes.yaml is invalid; the wheel is not built:\n{error}") from None
        folder = Path(tempfile.mkdtemp(prefix="schemegen-snapshot-"))
        target = folder / snapshot.FILENAME
        target.write_bytes(snapshot.dump(registry, yaml_bytes))
        build_data["force_include"][str(target)] = f"schemegen/{snapshot.FILENAME}"
