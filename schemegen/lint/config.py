"""`.schemegen.yaml`: lint settings found upward from the linted paths, and code selection."""

# ruff: noqa: PTH109, PTH112, PTH113, PTH118, PTH120, PTH123  # str paths: pathlib costs lint start-up

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from schemegen.core import paths
from schemegen.core.record import field, record
from schemegen.core.regex import lazy

FILENAME = ".schemegen.yaml"
MAX_BYTES = 1_000_000

# key -> kind; the keys mirror the `schemegen lint` flags.
KEYS: Mapping[str, str] = {
    "app-scheme": "str",
    "pg": "str",
    "methods": "list",
    "include": "list",
    "exclude": "list",
    "category": "list",
    "target-sdk": "int",
    "ios-query-limit": "int",
    "select": "selectors",
    "ignore": "selectors",
    "registry": "paths",
    "strict": "bool",
    "format": "format",
    "require-queries": "bool",
    "per-file-ignores": "per-file-ignores",
}
SELECTOR = lazy(r"SG\d{0,3}|[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class ConfigError(Exception):
    """A problem in a config file, located by file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


@record
class Config:
    """The settings one config file holds; None means "not set here"."""

    path: str
    app_scheme: str | None = None
    pg: str | None = None
    methods: tuple[str, ...] | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    category: tuple[str, ...] | None = None
    target_sdk: int | None = None
    ios_query_limit: int | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    registry: tuple[str, ...] | None = None
    strict: bool | None = None
    format: str | None = None
    require_queries: bool | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # key -> line, for errors found later (an unknown rule code in `select`, ...)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False)


# --- parsing (pure) ------------------------------------------------------------------------------


def _loader(text: str) -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)


def _refuse_anchors(text: str, origin: str) -> None:
    import yaml

    loader = _loader(text)
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ConfigError(
                    origin, event.start_mark.line + 1, "anchors and aliases are not allowed"
                )
            if isinstance(event, yaml.StreamEndEvent):
                break
    finally:
        loader.dispose()


def _strings(value: Any, key: str, origin: str, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise ConfigError(
        origin, line, f"`{key}` must be a list of strings or a comma-separated string"
    )


def _selectors(value: Any, key: str, origin: str, line: int) -> tuple[str, ...]:
    found = _strings(value, key, origin, line)
    for item in found:
        if not SELECTOR.fullmatch(item):
            raise ConfigError(origin, line, f"`{key}`: `{item}` is not a rule code, prefix or name")
    return found


def _str(value: Any, key: str, origin: str, line: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(origin, line, f"`{key}` must be a non-empty string")
    return value.strip()


def _int(value: Any, key: str, origin: str, line: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(origin, line, f"`{key}` must be an integer")
    return value


def _bool(value: Any, key: str, origin: str, line: int) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(origin, line, f"`{key}` must be true or false")
    return value


def _format(value: Any, key: str, origin: str, line: int) -> str:
    from schemegen.lint.report import FORMATS

    if value not in FORMATS:
        raise ConfigError(origin, line, f"`{key}` must be one of {', '.join(FORMATS)}")
    return str(value)


_CHECKS = {
    "str": _str,
    "int": _int,
    "bool": _bool,
    "list": _strings,
    "selectors": _selectors,
    "format": _format,
}


# Checked here, where the line is known, rather than when the value is used.
ID_LIKE = lazy(r"[A-Za-z0-9_.+-]+")
TARGET_SDK_RANGE = (1, 10_000)


def _value(key: str, value: Any, node: Any, origin: str) -> Any:
    kind = KEYS[key]
    if kind == "per-file-ignores":
        return _per_file_ignores(value, node, origin)
    line = node.start_mark.line + 1
    if kind == "paths":  # relative to the config file, as written in it
        base = paths.parent(origin)
        named = _paths(value, key, origin, line)
        return tuple(paths.normalised(os.path.join(base, path)) for path in named)
    checked = _CHECKS[kind](value, key, origin, line)
    _check_value(key, checked, origin, line)
    return checked


def _paths(value: Any, key: str, origin: str, line: int) -> tuple[str, ...]:
    found = _strings(value, key, origin, line)
    for path in found:
        if not path.isprintable():
            raise ConfigError(origin, line, f"`{key}`: `{_shown(path)}` is not a usable path")
    return found


def _check_value(key: str, value: Any, origin: str, line: int) -> None:
    """Refuse values the command would refuse later, naming this file and line."""
    from schemegen.registry import schemes
    from schemegen.registry.selection import IOS_QUERY_HARD_LIMIT

    if key == "app-scheme":
        try:
            schemes.parse_app_scheme(value)
        except schemes.AppSchemeError as error:
            raise ConfigError(origin, line, f"`{key}`: {_shown(str(error))}") from None
    elif key == "ios-query-limit" and not 1 <= value <= IOS_QUERY_HARD_LIMIT:
        raise ConfigError(origin, line, f"`{key}` must be between 1 and {IOS_QUERY_HARD_LIMIT}")
    elif key == "target-sdk" and not TARGET_SDK_RANGE[0] <= value <= TARGET_SDK_RANGE[1]:
        raise ConfigError(origin, line, f"`{key}` must be an API level such as 34")
    elif key in ("pg", "methods", "include", "exclude", "category"):
        items = (value,) if isinstance(value, str) else value
        for item in items:
            if not ID_LIKE.fullmatch(item):
                raise ConfigError(origin, line, f"`{key}`: `{_shown(item)}` is not an id")


def _shown(text: str) -> str:
    from schemegen.core.terminal import printable

    return printable(text[:200])


def _per_file_ignores(
    value: Any, node: Any, origin: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(
            origin, node.start_mark.line + 1, "`per-file-ignores` must map globs to rule codes"
        )
    if len(node.value) != len(value):
        raise ConfigError(origin, node.start_mark.line + 1, "`per-file-ignores` repeats a glob")
    found = []
    for (key_node, _), (glob, codes) in zip(node.value, value.items(), strict=True):
        line = key_node.start_mark.line + 1
        if not isinstance(glob, str) or not glob:
            raise ConfigError(origin, line, "`per-file-ignores` keys must be glob strings")
        found.append((glob, _selectors(codes, f"per-file-ignores: {glob}", origin, line)))
    return tuple(found)


def parse(text: str, origin: str) -> Config:
    """A config file's text -> Config. Paths in it are relative to the file's directory."""
    import yaml

    if len(text) > MAX_BYTES:
        raise ConfigError(origin, None, f"larger than {MAX_BYTES} bytes")
    try:
        _refuse_anchors(text, origin)
        loader = _loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ConfigError(
            origin, mark.line + 1 if mark else None, f"invalid YAML: {error.problem or error}"
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(origin, None, f"invalid YAML: {error}") from None
    if data is None:
        return Config(origin)
    if not isinstance(data, dict):
        raise ConfigError(origin, node.start_mark.line + 1, "expected a mapping of settings")
    settings: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if not isinstance(key, str) or key not in KEYS:
            raise ConfigError(origin, line, f"unknown key `{key}`; use {', '.join(KEYS)}")
        if key in lines:
            raise ConfigError(origin, line, f"duplicate key `{key}` (first on line {lines[key]})")
        lines[key] = line
        settings[key.replace("-", "_")] = _value(key, data[key], value_node, origin)
    return Config(origin, **settings, lines=lines)


# --- code selection (pure) -----------------------------------------------------------------------


def resolve_selectors(selectors: Iterable[str], names: Mapping[str, str]) -> tuple[str, ...]:
    """Rule names -> codes; codes and prefixes must match a known code (ValueError otherwise)."""
    codes = set(names.values())
    resolved = []
    for selector in selectors:
        prefix = selector.upper()
        if selector in names:
            resolved.append(names[selector])
        elif prefix.startswith("SG") and any(code.startswith(prefix) for code in codes):
            resolved.append(prefix)
        else:
            raise ValueError(f"`{selector}` matches no rule; see `schemegen rules`")
    return tuple(resolved)


def is_selected(code: str, select: Sequence[str] | None, ignore: Sequence[str]) -> bool:
    """Whether a code survives --select/--ignore: the longest matching prefix decides,
    and on a tie `ignore` wins. No `select` means every rule."""
    chosen = max((len(p) for p in (select or ("",)) if code.startswith(p)), default=-1)
    dropped = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    return chosen > dropped


def glob_matches(pattern: str, path: str) -> bool:
    """Whether `path` (relative, with forward slashes) matches a per-file-ignores glob.

    `*` also matches `/`; a pattern without a slash matches the file name too; a trailing
    slash matches everything below a directory; a leading `**/` also matches at the top.
    """
    if pattern.endswith("/"):
        pattern += "*"
    if fnmatchcase(path, pattern):
        return True
    if "/" not in pattern:
        return fnmatchcase(path.rsplit("/", 1)[-1], pattern)
    return pattern.startswith("**/") and glob_matches(pattern[3:], path)


def per_file_ignored(
    code: str, path: str, per_file_ignores: Sequence[tuple[str, Sequence[str]]]
) -> bool:
    """Whether `code` is ignored for `path` (relative to the config file's directory)."""
    return any(
        glob_matches(glob, path) and any(code.startswith(prefix) for prefix in codes)
        for glob, codes in per_file_ignores
    )


# --- the reading edge ----------------------------------------------------------------------------


def find(linted: Sequence[str]) -> str | None:
    """The first `.schemegen.yaml` walking up from the linted paths' common parent."""
    absolute = [os.path.normpath(paths.absolute(path)) for path in linted] or [os.getcwd()]
    # normpath, not resolve(): walk up the paths as the user sees them, not symlink targets
    directory = os.path.commonpath(absolute)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, FILENAME)
        if os.path.isfile(candidate):
            return candidate
        above = os.path.dirname(directory)
        if above == directory:
            return None
        directory = above


def read(path: str) -> Config:
    """Read and parse one config file (ConfigError when unreadable or invalid)."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read(MAX_BYTES + 1)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), None, f"cannot read config: {error}") from None
    return parse(text, str(path))
