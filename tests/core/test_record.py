"""`record`: frozen value classes with the semantics of `@dataclass(frozen=True)`."""

from __future__ import annotations

import pickle
from functools import cached_property

import pytest

from schemegen.core.record import field, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    where: str = field(default="", compare=False)

    @cached_property
    def norm(self) -> int:
        return abs(self.x) + abs(self.y)


@record(order=True)
class Ranked:
    rank: int
    name: str


@record
class Bag:
    items: list[int] = field(default_factory=list)


def test_fields_positional_keyword_and_defaults() -> None:
    assert Point(1) == Point(x=1, y=0, tags=())
    assert Point(1, 2).y == 2
    assert Point(1, tags=("a",)).tags == ("a",)


def test_missing_and_unknown_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="missing argument 'x'"):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected arguments"):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="takes 4 arguments"):
        Point(1, 2, (), "", 5)  # type: ignore[call-arg]


def test_frozen() -> None:
    point = Point(1)
    with pytest.raises(AttributeError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.x


def test_equality_and_hash_skip_uncompared_fields_and_cached_values() -> None:
    first, second = Point(1, 2, where="a.yaml:3"), Point(1, 2, where="b.yaml:9")
    assert first.norm == 3
    assert first == second
    assert hash(first) == hash(second)
    assert first != Point(1, 3)
    assert first.__eq__((1, 2)) is NotImplemented
    assert len({first, second, Point(2)}) == 2


def test_order_and_repr() -> None:
    assert sorted([Ranked(2, "b"), Ranked(1, "z"), Ranked(2, "a")]) == [
        Ranked(1, "z"),
        Ranked(2, "a"),
        Ranked(2, "b"),
    ]
    assert repr(Ranked(1, "z")) == "Ranked(rank=1, name='z')"


def test_default_factory_gives_each_instance_its_own_value() -> None:
    first, second = Bag(), Bag()
    first.items.append(1)
    assert second.items == []


def test_replace_and_pickle_keep_the_value() -> None:
    point = Point(1, 2, ("t",), where="x")
    assert replace(point, y=5) == Point(1, 5, ("t",))
    assert replace(point, y=5).where == "x"
    restored = pickle.loads(pickle.dumps(point))
    assert restored == point
    assert restored.where == "x"
    with pytest.raises(AttributeError):
        restored.x = 0
