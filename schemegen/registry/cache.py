"""A content-addressed cache of parsed registry YAML.

Parsing schemes.yaml costs far more than validating it, and every command needs it. The
cache holds only data (JSON: the parsed values and their line numbers), keyed by the text's
length and checksums and the tool version; what comes out of it is validated like a fresh
parse, so a stale or damaged entry can at worst cost time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zlib
from pathlib import Path
from typing import Any

from schemegen import __version__
from schemegen.registry.load import Located, Path_, parse_yaml

_FORMAT = 2


def cache_dir() -> Path | None:
    """Where cached parses live, or None when caching is switched off."""
    if os.environ.get("SCHEMEGEN_NO_CACHE"):
        return None
    explicit = os.environ.get("SCHEMEGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "schemegen"


def cache_key(text: str) -> str:
    # zlib's checksums, not hashlib: loading OpenSSL would cost more than the whole lookup.
    data = text.encode("utf-8", "surrogatepass")
    return f"{_FORMAT}-{__version__}-{len(data)}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"


def parse_cached(text: str, origin: str) -> Located:
    """`registry.parse_yaml`, served from the cache when the same text was parsed before."""
    folder = cache_dir()
    if folder is None:
        return parse_yaml(text, origin)
    path = folder / f"{cache_key(text)}.json"
    try:
        return _decode(path.read_bytes(), origin)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    located = parse_yaml(text, origin)
    encoded = _encode(located)
    if encoded is not None:
        _store(path, encoded)
    return located


def _store(path: Path, data: bytes) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        Path(name).replace(path)
    except OSError:
        pass  # a cache that cannot be written only costs time


MAX_NESTING = 64  # registry values are a few levels deep; deeper ones are never cached


class _NotJson(Exception):
    pass


def _plain(value: Any, path: Path_, dates: list[Path_]) -> Any:
    """`value` as JSON data, dates as ISO strings whose paths go to `dates`."""
    if len(path) > MAX_NESTING:
        raise _NotJson  # validation reports what is wrong with it; the cache only skips it
    if isinstance(value, dt.datetime):
        raise _NotJson
    if isinstance(value, dt.date):
        dates.append(path)
        return value.isoformat()
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _NotJson
        return {k: _plain(v, (*path, k), dates) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, (*path, i), dates) for i, v in enumerate(value)]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise _NotJson


def _encode(located: Located) -> bytes | None:
    dates: list[Path_] = []
    try:
        data = _plain(located.data, (), dates)
    except _NotJson:
        return None
    lines = [[*path, line] for path, line in located.lines.items()]
    stored = {"data": data, "dates": [list(p) for p in dates], "lines": lines}
    return json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode()


def _decode(raw: bytes, origin: str) -> Located:
    stored = json.loads(raw)
    data = stored["data"]
    for path in stored["dates"]:
        *parents, last = path
        holder = data
        for step in parents:
            holder = holder[step]
        holder[last] = dt.date.fromisoformat(holder[last])
    lines = {tuple(entry[:-1]): int(entry[-1]) for entry in stored["lines"]}
    return Located(data, origin, lines)
