"""Frozen records for the start-up path: dataclass semantics without dataclass's code generation.

`@dataclass` compiles six or so functions per class with `exec`; on the lint path (about thirty
classes) that alone cost more than importing lxml (benchmarks/RESULTS.md, start-up). `record`
gives the same frozen value semantics from shared closures, so defining a class is cheap. mypy
sees it as a dataclass through `dataclass_transform`. Use it only where the start-up benchmark
shows the cost; frozen dataclasses stay the model everywhere else.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_MISSING: Any = object()


class _Field:
    __slots__ = ("compare", "default", "default_factory")

    def __init__(self, default: Any, default_factory: Callable[[], Any] | None, compare: bool):
        self.default = default
        self.default_factory = default_factory
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
) -> Any:
    """Like `dataclasses.field`, for the options records use."""
    return _Field(default, default_factory, compare)


def _specs(cls: type[Any]) -> dict[str, _Field]:
    """The fields of `cls` in order, inherited ones first, with their defaults."""
    specs: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):
        specs.update(getattr(base, "__record_specs__", {}))
    for name in inspect.get_annotations(cls):
        raw = cls.__dict__.get(name, _MISSING)
        specs[name] = raw if isinstance(raw, _Field) else _Field(raw, None, True)
        if raw is not _MISSING:
            delattr(cls, name)
    return specs


def _initialiser(cls: type[Any], specs: dict[str, _Field]) -> Callable[..., None]:
    names = tuple(specs)
    count = len(names)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) == count and not kwargs:  # the common call on hot paths: every field
            self.__dict__.update(zip(names, args, strict=True))
            return
        if len(args) > count:
            raise TypeError(f"{cls.__name__}() takes {count} arguments, {len(args)} given")
        values = self.__dict__
        for name, value in zip(names, args, strict=False):
            values[name] = value
        for name in names[len(args) :]:
            if name in kwargs:
                values[name] = kwargs.pop(name)
                continue
            spec = specs[name]
            if spec.default_factory is not None:
                values[name] = spec.default_factory()
            elif spec.default is not _MISSING:
                values[name] = spec.default
            else:
                raise TypeError(f"{cls.__name__}() missing argument {name!r}")
        if kwargs:
            raise TypeError(f"{cls.__name__}() got unexpected arguments {sorted(kwargs)}")

    return __init__


def _value_methods(cls: type[Any], specs: dict[str, _Field], order: bool) -> dict[str, Any]:
    names = tuple(specs)
    compared = tuple(name for name, spec in specs.items() if spec.compare)

    def key(self: Any) -> tuple[Any, ...]:
        values = self.__dict__
        return tuple(values[name] for name in compared)

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(key(self) == key(other))

    def __lt__(self: Any, other: Any) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(key(self) < key(other))

    def __hash__(self: Any) -> int:
        return hash(key(self))

    def __repr__(self: Any) -> str:
        values = self.__dict__
        shown = ", ".join(f"{name}={values[name]!r}" for name in names)
        return f"{cls.__qualname__}({shown})"

    def __setattr__(self: Any, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {cls.__name__}")

    def __delattr__(self: Any, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {cls.__name__}")

    methods: dict[str, Any] = {
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__repr__": __repr__,
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
    }
    if order:
        methods["__lt__"] = __lt__
    return methods


def _install(cls: type[_T], order: bool) -> type[_T]:
    specs = _specs(cls)
    methods = {"__init__": _initialiser(cls, specs), **_value_methods(cls, specs, order)}
    for name, function in methods.items():
        function.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, function)
    cls.__record_fields__ = tuple(specs)  # type: ignore[attr-defined]
    cls.__record_specs__ = specs  # type: ignore[attr-defined]
    return cls


@overload
def record(cls: type[_T], /) -> type[_T]: ...
@overload
def record(*, order: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(
    cls: type[_T] | None = None, /, *, order: bool = False
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make `cls` a frozen value class of its annotated fields, like `@dataclass(frozen=True)`."""
    if cls is None:
        return lambda inner: _install(inner, order)
    return _install(cls, order)


def replace(obj: _T, **changes: Any) -> _T:
    """A copy of the record `obj` with some fields changed, like `dataclasses.replace`."""
    names: tuple[str, ...] = obj.__record_fields__  # type: ignore[attr-defined]
    values = obj.__dict__
    return type(obj)(**{name: changes.get(name, values[name]) for name in names})
