"""The grid that buckets posts: a quadtree over latitude and longitude, numbered in
Z-order (Morton) so that every cell of every level is one contiguous range of keys.

Positions are stored as int32 units of 1e-7 degree (about 1 cm). The finest cell is
2**6 units (about 70 cm of latitude); a cell of level ``l`` is ``2**l`` finest cells on a
side. One sorted array of finest keys therefore answers a query at any level: the cells
covering a box at level ``l`` are ``searchsorted`` ranges, chosen so a box spans at most
four cells per axis.

Why not H3, which the design sketch names: h3-py converts one point at a time (0.5 us,
half the build budget of 1 s per million posts on its own), and proving that a ring of
hexagons covers a geodesic circle needs the local cell size and shape, which vary over
the globe. Z-order keys are computed for a million points in a few milliseconds with
numpy, and the cells covering a latitude/longitude box are exact by construction
(``geodesy.extent_deg`` gives the box that holds a circle), at the poles and across the
antimeridian too.
"""

import math
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from matcher._jit import compiled

UNITS_PER_DEG = 10_000_000
FINEST_SHIFT = 6
LAT_OFFSET = 90 * UNITS_PER_DEG
LON_OFFSET = 180 * UNITS_PER_DEG
KEY_BITS = 52  # 26 bits of latitude and 26 of longitude, interleaved
MAX_CELLS_PER_AXIS = 4

IntArray = NDArray[np.int64]
Bits = TypeVar("Bits", int, IntArray)


def to_units(degrees: NDArray[np.float64]) -> NDArray[np.int32]:
    """Degrees as int32 units of 1e-7 degree (rounded to nearest)."""
    return np.rint(degrees * UNITS_PER_DEG).astype(np.int32)


@compiled
def _spread(values: Bits) -> Bits:
    """Insert a zero bit above each of the 26 low bits (of an integer or an array)."""
    x = values & 0x3FFFFFF
    x = (x | (x << 16)) & 0x0000FFFF0000FFFF
    x = (x | (x << 8)) & 0x00FF00FF00FF00FF
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0F
    x = (x | (x << 2)) & 0x3333333333333333
    x = (x | (x << 1)) & 0x5555555555555555
    return x


def keys(lat_units: NDArray[np.int32], lon_units: NDArray[np.int32]) -> IntArray:
    """The finest cell key of each position (52 bits, as int64)."""
    i = (lat_units.astype(np.int64) + LAT_OFFSET) >> FINEST_SHIFT
    j = (lon_units.astype(np.int64) + LON_OFFSET) >> FINEST_SHIFT
    return _spread(i) | (_spread(j) << 1)


@compiled
def insertion_sorted(values: IntArray) -> IntArray:
    """A sorted copy of a few values: an insertion sort, a few lines of machine code
    where a quicksort is kilobytes that a query with cold caches has to load."""
    result = values.copy()
    for k in range(1, len(result)):
        value = result[k]
        j = k
        while j and result[j - 1] > value:
            result[j] = result[j - 1]
            j -= 1
        result[j] = value
    return result


@compiled
def cover(boxes: IntArray) -> tuple[IntArray, int, int]:
    """The cells covering unit boxes (rows ``lat_lo, lat_hi, lon_lo, lon_hi``, inclusive,
    clamped to the globe; every row has the same latitudes) at the finest level where
    each box spans at most ``MAX_CELLS_PER_AXIS`` cells per axis: their sorted, disjoint
    key ranges as one array ``[start0, stop0, start1, stop1, ...]``, the side of a cell
    in units, and the number of cells (from which callers tell how full the region is).
    Z-order neighbours are often consecutive: they make one range."""
    i0 = (boxes[0, 0] + LAT_OFFSET) >> FINEST_SHIFT
    i1 = (boxes[0, 1] + LAT_OFFSET) >> FINEST_SHIFT
    j0 = (boxes[:, 2] + LON_OFFSET) >> FINEST_SHIFT
    j1 = (boxes[:, 3] + LON_OFFSET) >> FINEST_SHIFT
    level = 0
    while (i1 >> level) - (i0 >> level) >= MAX_CELLS_PER_AXIS or np.any(
        (j1 >> level) - (j0 >> level) >= MAX_CELLS_PER_AXIS
    ):
        level += 1
    cells = np.empty(MAX_CELLS_PER_AXIS**2 * len(boxes), dtype=np.int64)
    count = 0
    for box in range(len(boxes)):
        for j in range(j0[box] >> level, (j1[box] >> level) + 1):
            lon_bits = _spread(j) << 1
            for i in range(i0 >> level, (i1 >> level) + 1):
                cells[count] = _spread(i) | lon_bits
                count += 1
    cells = insertion_sorted(cells[:count])
    bounds = np.empty(2 * count, dtype=np.int64)
    used = distinct = 0
    for cell in cells:
        if used and cell < bounds[used - 1]:
            continue  # two boxes may share a cell
        distinct += 1
        if used and cell == bounds[used - 1]:
            bounds[used - 1] = cell + 1
        else:
            bounds[used] = cell
            bounds[used + 1] = cell + 1
            used += 2
    return bounds[:used] << (2 * level), 1 << (level + FINEST_SHIFT), distinct


@compiled
def box_units(south: float, west: float, north: float, east: float) -> IntArray:
    """Inclusive unit bounds holding every stored position of points in the box (one unit
    of slack for rounding), as rows ``lat_lo, lat_hi, lon_lo, lon_hi``; a box with
    ``west > east`` crosses the antimeridian and becomes two rows."""
    lat_lo = max(math.floor(south * UNITS_PER_DEG) - 1, -LAT_OFFSET)
    lat_hi = min(math.ceil(north * UNITS_PER_DEG) + 1, LAT_OFFSET)
    lo = max(math.floor(west * UNITS_PER_DEG) - 1, -LON_OFFSET)
    hi = min(math.ceil(east * UNITS_PER_DEG) + 1, LON_OFFSET)
    boxes = np.empty((1 if west <= east else 2, 4), dtype=np.int64)
    boxes[:, 0], boxes[:, 1] = lat_lo, lat_hi
    boxes[0, 2], boxes[-1, 3] = lo, hi
    if west > east:
        boxes[0, 3], boxes[1, 2] = LON_OFFSET, -LON_OFFSET
    return boxes


@compiled
def circle_box_units(lat: float, lon: float, dlat: float, dlon: float) -> IntArray:
    """Unit bounds of the box ``lat +- dlat`` x ``lon +- dlon`` (``dlon`` 180 or more:
    every longitude), split at the antimeridian when it crosses it."""
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    if dlon >= 180.0:
        return box_units(south, -180.0, north, 180.0)
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        west += 360.0
    if east > 180.0:
        east -= 360.0
    return box_units(south, west, north, east)
