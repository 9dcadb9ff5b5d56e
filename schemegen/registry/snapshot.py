"""The shipped registry as validated when the wheel was built, keyed by its YAML's checksum.

Validating schemes.yaml costs more than the rest of a one-file lint. The wheel build validates
it once and pickles the result next to it; at run time the pickle is used only while the
installed schemes.yaml still has the checksum it was built from (an edited file, or an editable
install, which has no snapshot, goes through validation as before). Overlays never come from
here. The pickle is package data, as trusted as the package's code.
"""

from __future__ import annotations

import os
import zlib

from schemegen import __version__
from schemegen.registry.model import SHIPPED, Registry

FILENAME = "_registry.pickle"
_FORMAT = 1


def key(yaml_bytes: bytes) -> str:
    """The snapshot key of a schemes.yaml: zlib checksums, since hashlib costs more to import."""
    return (
        f"{_FORMAT}-{__version__}-{len(yaml_bytes)}"
        f"-{zlib.crc32(yaml_bytes):08x}-{zlib.adler32(yaml_bytes):08x}"
    )


def dump(registry: Registry, yaml_bytes: bytes) -> bytes:
    """The snapshot of `registry`, validated from `yaml_bytes`."""
    import pickle

    return pickle.dumps((key(yaml_bytes), registry), protocol=pickle.HIGHEST_PROTOCOL)


def restore(snapshot: bytes, yaml_bytes: bytes) -> Registry | None:
    """The registry in `snapshot` when it was built from `yaml_bytes`, else None."""
    import pickle

    try:
        stored, registry = pickle.loads(snapshot)
    except Exception:
        return None
    if stored != key(yaml_bytes) or not isinstance(registry, Registry):
        return None
    return registry


def _package_file(name: str) -> bytes | None:
    # The package loader's get_data (the ResourceLoader protocol, which zipimport implements
    # too) instead of importlib.resources: importing that costs more than this whole lookup.
    import schemegen

    spec = schemegen.__spec__
    get_data = getattr(spec.loader, "get_data", None)
    if get_data is None or not spec.submodule_search_locations:
        return None
    try:
        data: bytes = get_data(os.path.join(spec.submodule_search_locations[0], name))  # noqa: PTH118 - pathlib costs more to import than this lookup
    except OSError:
        return None
    return data


def shipped() -> Registry | None:
    """The shipped registry from the build-time snapshot, or None when there is none to trust."""
    if os.environ.get("SCHEMEGEN_NO_SNAPSHOT"):
        return None
    snapshot = _package_file(FILENAME)
    yaml_bytes = _package_file(SHIPPED) if snapshot is not None else None
    if snapshot is None or yaml_bytes is None:
        return None
    return restore(snapshot, yaml_bytes)
