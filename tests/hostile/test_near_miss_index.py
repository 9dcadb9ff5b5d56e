"""The near-miss index and the banded edit distance agree with the textbook computation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemegen.registry.schemes import NearMissIndex, edit_distance

WORDS = st.text(alphabet="abcA.", max_size=10)


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@settings(max_examples=500, deadline=None)
@given(WORDS, WORDS, st.sampled_from([1, 2]))
def test_banded_edit_distance(a: str, b: str, limit: int) -> None:
    assert edit_distance(a, b, limit) == min(levenshtein(a, b), limit + 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=40), WORDS, st.sampled_from([1, 2]))
def test_index_finds_every_near_miss(known: list[str], value: str, limit: int) -> None:
    index = NearMissIndex(known)
    folded = value.lower()
    expected = [k for k in dict.fromkeys(known) if levenshtein(folded, k.lower()) <= limit]
    found = index.near_misses(value, limit)
    if folded in {k.lower() for k in known}:
        assert found == ()
    else:
        assert sorted(found) == sorted(expected)
    assert set(expected) <= set(index.candidates(value, limit))
