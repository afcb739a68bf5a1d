"""The compiled search's building blocks against numpy, at sizes the scene-based tests
never reach: the key directory has two levels only past 64 and 4,096 keys, and the
search of a million posts goes through both."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher import _query
from matcher.grid import insertion_sorted

# sorted keys with long runs of equal values, as many posts share a cell
sizes = st.sampled_from([1, 2, 63, 64, 65, 4_095, 4_096, 4_097, 64 * 4_096 + 1, 300_000])


@given(size=sizes, spread=st.integers(1, 1_000), seed=st.integers(0, 2**32 - 1))
def test_lower_bound_through_the_directory_is_searchsorted(size, spread, seed):
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.integers(0, spread * size, size)).astype(np.int64)
    index = _query.directory(keys)
    needles = np.concatenate(
        (rng.choice(keys, 20), rng.integers(-1, spread * size + 2, 20), [keys[0], keys[-1]])
    )
    for needle in needles.tolist():
        assert _query._lower_bound(keys, index, needle) == np.searchsorted(keys, needle)


@given(size=sizes, seed=st.integers(0, 2**32 - 1))
def test_galloping_from_any_start_is_searchsorted(size, seed):
    rng = np.random.default_rng(seed)
    keys = np.sort(rng.integers(0, 3 * size, size)).astype(np.int64)
    for needle in rng.integers(-1, 3 * size + 2, 10).tolist():
        expected = int(np.searchsorted(keys, needle))
        start = int(rng.integers(0, expected + 1))  # any start at or before the answer
        assert _query._gallop(keys, start, needle) == expected


@given(st.lists(st.integers(-(2**62), 2**62), max_size=80))
def test_insertion_sort_sorts(values):
    array = np.array(values, dtype=np.int64)
    assert insertion_sorted(array).tolist() == sorted(values)
    assert array.tolist() == values  # a sorted copy, the input untouched
