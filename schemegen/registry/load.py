"""The registry's YAML files read with the line number of every value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemegen.core.record import record
from schemegen.registry.model import (
    MAX_BYTES,
    SHIPPED,
    Problem,
    RegistryError,
)

Path_ = tuple[str | int, ...]


@record
class Located:
    """Plain YAML data plus the source line of every node, keyed by its path."""

    data: Any
    origin: str
    lines: Mapping[Path_, int]

    def line(self, path: Path_) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def _yaml_loader() -> type[Any]:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, origin: str) -> Located:
    """Parse YAML safely (no tags, no aliases) and index node lines."""
    import yaml

    if len(text) > MAX_BYTES:
        raise RegistryError([Problem(origin, 1, "file", f"larger than {MAX_BYTES} bytes")])
    loader = _yaml_loader()(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        if node is not None:
            _index(node, (), lines, set(), origin)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RegistryError([Problem(origin, line, "yaml", str(error.problem or error))]) from None
    except yaml.YAMLError as error:
        # A ReaderError (a control character in the text) knows its offset, not its line,
        # and adds a second line naming "<unicode string>"; report the first, located.
        offset = getattr(error, "position", None)
        line = text.count("\n", 0, offset) + 1 if isinstance(offset, int) else 1
        message = str(error).split("\n", 1)[0]
        raise RegistryError([Problem(origin, line, "yaml", message)]) from None
    finally:
        loader.dispose()
    return Located(data, origin, lines)


def _index(node: Any, path: Path_, lines: dict[Path_, int], seen: set[int], origin: str) -> None:
    import yaml

    # A node reached twice is an alias: refusing them rules out "billion laughs" expansions.
    if id(node) in seen:
        raise RegistryError(
            [
                Problem(
                    origin, node.start_mark.line + 1, "yaml", "anchors and aliases are not allowed"
                )
            ]
        )
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(len(lines))
            _index(value, (*path, name), lines, seen, origin)
            lines[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, index), lines, seen, origin)


class UnreadableFile(Exception):
    """A registry or overlay file that cannot be read: the message names it and says why."""


def read_text_file(name: str, what: str) -> str:
    """A registry file (`what` it is, for the message), refused before reading when larger
    than the registry's limit."""
    from schemegen.core.parsing import ReadError, read_limited

    try:
        return read_limited(name, MAX_BYTES).decode("utf-8")
    except ReadError as error:
        raise UnreadableFile(f"{name}: cannot read {what}: {error.reason}") from None
    except ValueError as error:  # embedded NUL in the name, or not UTF-8
        raise UnreadableFile(f"{name}: cannot read {what}: {error}") from None


def read_text_resource(name: str) -> str:
    from importlib import resources

    return resources.files("schemegen").joinpath(name).read_text(encoding="utf-8")


Parser = Callable[[str, str], Located]


def load_shipped(parse: Parser = parse_yaml) -> Located:
    return parse(read_text_resource(SHIPPED), SHIPPED)
