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
from typing import Any

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
    import pickletools

    shared = _shared(registry, {})
    data = pickle.dumps((key(yaml_bytes), shared), protocol=pickle.HIGHEST_PROTOCOL)
    return pickletools.optimize(data)


def _shared(value: Any, pool: dict[Any, Any]) -> Any:
    """`value` with equal records and tuples made one object, which pickle then stores once.

    Most of the registry's records are repeats (the same source reference on many apps); one
    object each makes the snapshot load in well under half the time. Records are immutable,
    so sharing them is invisible; equal means equal in every field, the uncompared ones too.
    """
    if hasattr(type(value), "__record_fields__"):
        names = value.__record_fields__
        built = type(value)(*(_shared(getattr(value, name), pool) for name in names))
    elif type(value) is tuple:
        built = tuple(_shared(item, pool) for item in value)
    elif isinstance(value, dict):
        return {name: _shared(item, pool) for name, item in value.items()}
    else:
        return value
    return pool.setdefault(_full_key(built), built)


def _full_key(value: Any) -> Any:
    if hasattr(type(value), "__record_fields__"):
        names = value.__record_fields__
        return (type(value), tuple(_full_key(getattr(value, name)) for name in names))
    if type(value) is tuple:
        return (tuple, tuple(_full_key(item) for item in value))
    if isinstance(value, dict):
        return (dict, tuple((name, _full_key(item)) for name, item in value.items()))
    return (type(value), value)


def restore(snapshot: bytes, yaml_bytes: bytes) -> Registry | None:
    """The registry in `snapshot` when it was built from `yaml_bytes`, else None."""
    try:
        # The C unpickler alone: importing pickle.py costs more than this whole load.
        from _pickle import loads
    except ImportError:  # an interpreter without the accelerator
        from pickle import loads
    try:
        stored, registry = loads(snapshot)
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
