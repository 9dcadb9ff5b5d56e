"""A content-addressed cache of parsed registry YAML.

Parsing schemes.yaml costs far more than validating it, and every command needs it. The
cache holds only data (JSON: the parsed values and their line numbers), keyed by a hash of
the text and the tool version; what comes out of it is validated like a fresh parse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from schemegen import __version__
from schemegen.registry import Located, parse_yaml

_FORMAT = 1


def cache_dir() -> Path | None:
    """Where cached parses live, or None when caching is switched off."""
    if os.environ.get("SCHEMEGEN_NO_CACHE"):
        return None
    explicit = os.environ.get("SCHEMEGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "schemegen"


def parse_cached(text: str, origin: str) -> Located:
    """`registry.parse_yaml`, served from the cache when the same text was parsed before."""
    folder = cache_dir()
    if folder is None:
        return parse_yaml(text, origin)
    key = hashlib.sha256(f"{_FORMAT}\0{__version__}\0{text}".encode()).hexdigest()[:32]
    path = folder / f"{key}.json"
    try:
        return _decode(path.read_bytes(), origin)
    except (OSError, ValueError, KeyError, TypeError):
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


class _NotJson(Exception):
    pass


def _plain(value: Any) -> Any:
    """`value` as JSON data with dates tagged; _NotJson when JSON could not keep it exactly."""
    if isinstance(value, dt.datetime):
        raise _NotJson
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        if "$date" in value or not all(isinstance(k, str) for k in value):
            raise _NotJson
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise _NotJson


def _encode(located: Located) -> bytes | None:
    try:
        data = _plain(located.data)
    except _NotJson:
        return None
    lines = [[list(path), line] for path, line in located.lines.items()]
    return json.dumps({"data": data, "lines": lines}, ensure_ascii=False).encode()


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return dt.date.fromisoformat(value["$date"])
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value


def _decode(raw: bytes, origin: str) -> Located:
    stored = json.loads(raw)
    lines = {tuple(path): int(line) for path, line in stored["lines"]}
    return Located(_revive(stored["data"]), origin, lines)
