"""The columns of ``Index.from_arrays``, checked and turned into arrays of codes."""

import numpy as np
from numpy.typing import NDArray

from matcher import validate
from matcher.errors import InvalidQuery
from matcher.post import KINDS

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def int64_column(values: object, name: str) -> I64:
    array = np.asarray(values)
    if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise InvalidQuery(f"{name} must be a 1-d array of integers, got {array.dtype}")
    if array.dtype == np.uint64 and array.size and array.max() > validate.INT64_MAX:
        raise InvalidQuery(f"{name} must hold signed 64-bit integers")
    return array.astype(np.int64)


def float_column(values: object, name: str, n: int, low: float, high: float) -> F64:
    array = np.asarray(values)
    if array.shape != (n,):
        raise InvalidQuery(f"{name} must have {n} rows like id, got shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) or array.size == 0):
        raise InvalidQuery(f"{name} must be numbers, got {array.dtype}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise InvalidQuery(f"{name} must be finite everywhere")
    if array.size and (array.min() < low or array.max() > high):
        raise InvalidQuery(f"{name} must be in [{low}, {high}]")
    return array


def category_column(values: object, n: int) -> tuple[list[object], NDArray[np.int16]]:
    """The distinct values of the category column (unchecked, in any order) and each
    row's position among them. Raises InvalidQuery if the column is not ``n`` rows."""
    array = np.asarray(values)
    if array.ndim == 1 and len(array) == n and array.dtype.kind == "U" and n:
        return distinct_strings(array)
    names = array.tolist()
    if len(names) != n:
        raise InvalidQuery(f"category must have {n} rows like id, got {len(names)}")
    distinct: list[object] = list(set(names))
    position = {name: i for i, name in enumerate(distinct)}
    return distinct, np.fromiter(map(position.__getitem__, names), dtype=np.int16, count=n)


def distinct_strings(array: NDArray[np.str_]) -> tuple[list[object], NDArray[np.int16]]:
    """``category_column`` of a string array, vectorised and without sorting the rows
    (turning a million rows into Python strings and looking each up costs 0.2-0.3 s): the
    distinct values of a sample, sorted, then each row's place among them by binary
    search; a row is one of them when its leftmost and rightmost places differ. The
    values the sample missed (rare ones) are added from the rows not found, once."""
    table = np.unique(array[:: max(1, len(array) // 1024)])
    while True:
        left = np.searchsorted(table, array, side="left")
        missing = left == np.searchsorted(table, array, side="right")
        if not missing.any():
            return table.tolist(), left.astype(np.int16)
        table = np.union1d(table, array[missing])


def kind_column(values: object, n: int) -> NDArray[np.int8]:
    array = np.asarray(values)
    if array.shape != (n,):
        raise InvalidQuery(f"kind must have {n} rows like id, got shape {array.shape}")
    is_request = array == "request"
    if not (is_request | (array == "offer")).all():
        raise InvalidQuery(f"kind must be one of {', '.join(KINDS)} in every row")
    return np.asarray(is_request, dtype=np.int8)
