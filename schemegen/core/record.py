"""Frozen records for the start-up path: dataclass semantics without dataclass's code generation.

`@dataclass` compiles six or so functions per class with `exec`; on the lint path (about thirty
classes) that alone cost more than importing lxml (benchmarks/RESULTS.md, start-up). `record`
gives the same frozen value semantics from functions shared by all records, so defining a class
is cheap. mypy sees it as a dataclass through `dataclass_transform`. Use it only where the
start-up benchmark shows the cost; frozen dataclasses stay the model everywhere else.
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


# The value methods are shared by every record class (each reads its class's field names), so
# defining a class builds one function, its __init__, instead of seven.
def _key(self: Any) -> tuple[Any, ...]:
    values = self.__dict__
    return tuple([values[name] for name in self.__record_compared__])


def _eq(self: Any, other: object) -> Any:  # a bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    return bool(_key(self) == _key(other))


def _lt(self: Any, other: Any) -> Any:  # a bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    return bool(_key(self) < _key(other))


def _hash(self: Any) -> int:
    return hash(_key(self))


def _repr(self: Any) -> str:
    values = self.__dict__
    shown = ", ".join(f"{name}={values[name]!r}" for name in self.__record_fields__)
    return f"{type(self).__qualname__}({shown})"


def _setattr(self: Any, name: str, value: object) -> None:
    raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _delattr(self: Any, name: str) -> None:
    raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


_VALUE_METHODS = {
    "__eq__": _eq,
    "__hash__": _hash,
    "__repr__": _repr,
    "__setattr__": _setattr,
    "__delattr__": _delattr,
}


def _install(cls: type[_T], order: bool) -> type[_T]:
    specs = _specs(cls)
    init = _initialiser(cls, specs)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    methods = {"__init__": init, **_VALUE_METHODS, **({"__lt__": _lt} if order else {})}
    for name, function in methods.items():
        setattr(cls, name, function)
    cls.__record_fields__ = tuple(specs)  # type: ignore[attr-defined]
    cls.__record_compared__ = tuple(name for name, spec in specs.items() if spec.compare)  # type: ignore[attr-defined]
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
