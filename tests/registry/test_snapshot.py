"""The build-time snapshot gives back the validated registry, field for field."""

from __future__ import annotations

from typing import Any

from schemegen.registry import model, snapshot, validate
from schemegen.registry.load import read_text_resource


def _fields(value: Any) -> Any:
    """Every field of every record, the uncompared ones (origin, line) too."""
    if hasattr(type(value), "__record_fields__"):
        names = value.__record_fields__
        return (type(value), tuple((name, _fields(getattr(value, name))) for name in names))
    if isinstance(value, tuple):
        return tuple(_fields(item) for item in value)
    if isinstance(value, dict):
        return {name: _fields(item) for name, item in value.items()}
    return value


def _yaml() -> bytes:
    return read_text_resource(model.SHIPPED).encode("utf-8")


def test_restore_gives_back_every_field_of_the_validated_registry() -> None:
    registry = validate.load()
    restored = snapshot.restore(snapshot.dump(registry, _yaml()), _yaml())
    assert restored == registry
    assert _fields(restored) == _fields(registry)


def test_equal_records_are_stored_once() -> None:
    restored = snapshot.restore(snapshot.dump(validate.load(), _yaml()), _yaml())
    assert restored is not None
    references = [ref for app in restored.apps for ref in app.sources]
    assert len({id(ref) for ref in references}) == len(set(references)) < len(references)


def test_a_snapshot_of_another_yaml_is_not_used() -> None:
    data = snapshot.dump(validate.load(), _yaml())
    assert snapshot.restore(data, _yaml() + b"\n# edited\n") is None
    assert snapshot.restore(b"not a pickle", _yaml()) is None
