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

import numpy as np
from numpy.typing import NDArray

UNITS_PER_DEG = 10_000_000
FINEST_SHIFT = 6
LAT_OFFSET = 90 * UNITS_PER_DEG
LON_OFFSET = 180 * UNITS_PER_DEG
KEY_BITS = 52  # 26 bits of latitude and 26 of longitude, interleaved
MAX_CELLS_PER_AXIS = 4
_EVEN_BITS = int("01" * 26, 2)  # where latitude bits live
_ODD_BITS = _EVEN_BITS << 1
_SPREAD_BYTE = [sum(((b >> k) & 1) << (2 * k) for k in range(8)) for b in range(256)]

IntArray = NDArray[np.int64]


def to_units(degrees: NDArray[np.float64]) -> NDArray[np.int32]:
    """Degrees as int32 units of 1e-7 degree (rounded to nearest)."""
    return np.rint(degrees * UNITS_PER_DEG).astype(np.int32)


def _spread_array(values: IntArray) -> IntArray:
    """Insert a zero bit above each of the 26 low bits (vectorised)."""
    x = values & 0x3FFFFFF
    x = (x | (x << 16)) & 0x0000FFFF0000FFFF
    x = (x | (x << 8)) & 0x00FF00FF00FF00FF
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0F
    x = (x | (x << 2)) & 0x3333333333333333
    x = (x | (x << 1)) & 0x5555555555555555
    return x


def _spread(value: int) -> int:
    t = _SPREAD_BYTE
    return (
        t[value & 255]
        | t[(value >> 8) & 255] << 16
        | t[(value >> 16) & 255] << 32
        | t[value >> 24] << 48
    )


def keys(lat_units: NDArray[np.int32], lon_units: NDArray[np.int32]) -> IntArray:
    """The finest cell key of each position (52 bits, as int64)."""
    i = (lat_units.astype(np.int64) + LAT_OFFSET) >> FINEST_SHIFT
    j = (lon_units.astype(np.int64) + LON_OFFSET) >> FINEST_SHIFT
    return _spread_array(i) | (_spread_array(j) << 1)


class Covering:
    """The sorted, disjoint key ranges of the cells covering one or two boxes, as one
    array ``bounds = [start0, stop0, start1, stop1, ...]`` (ready to search in one call),
    and the number and size of those cells, from which callers estimate how full the
    region is."""

    __slots__ = ("bounds", "cell_units", "cells")

    def __init__(self, bounds: IntArray, cell_units: int, cells: int) -> None:
        self.bounds = bounds
        self.cell_units = cell_units  # side of a cell, in units of 1e-7 degree
        self.cells = cells

    @property
    def starts(self) -> IntArray:
        return self.bounds[0::2]

    @property
    def stops(self) -> IntArray:
        return self.bounds[1::2]


def _cell_index(units: int, offset: int) -> int:
    return (units + offset) >> FINEST_SHIFT


def cover_boxes(lat_range: tuple[int, int], lon_ranges: list[tuple[int, int]]) -> Covering:
    """Cells covering the boxes ``lat_range x lon_range`` (inclusive unit bounds, already
    clamped to [-90, 90] and [-180, 180] degrees), at the finest level where each box
    spans at most ``MAX_CELLS_PER_AXIS`` cells per axis."""
    i0, i1 = _cell_index(lat_range[0], LAT_OFFSET), _cell_index(lat_range[1], LAT_OFFSET)
    j_ranges = [(_cell_index(lo, LON_OFFSET), _cell_index(hi, LON_OFFSET)) for lo, hi in lon_ranges]
    widest = max([i1 - i0] + [j1 - j0 for j0, j1 in j_ranges])
    level = max(0, widest.bit_length() - 2)
    while (i1 >> level) - (i0 >> level) >= MAX_CELLS_PER_AXIS or any(
        (j1 >> level) - (j0 >> level) >= MAX_CELLS_PER_AXIS for j0, j1 in j_ranges
    ):
        level += 1
    lat_bits = _dilated_run(_spread(i0 >> level), (i1 >> level) - (i0 >> level), _ODD_BITS)
    cells = [
        lat | (lon << 1)
        for j0, j1 in j_ranges
        for lon in _dilated_run(_spread(j0 >> level), (j1 >> level) - (j0 >> level), _ODD_BITS)
        for lat in lat_bits
    ]
    cells = sorted(set(cells))  # two boxes may share a cell
    # Z-order neighbours are often consecutive: one range instead of several
    bounds = [cells[0], cells[0] + 1]
    for cell in cells[1:]:
        if cell == bounds[-1]:
            bounds[-1] = cell + 1
        else:
            bounds += (cell, cell + 1)
    return Covering(
        np.array(bounds, dtype=np.int64) << (2 * level), 1 << (level + FINEST_SHIFT), len(cells)
    )


def _dilated_run(first: int, count: int, holes: int) -> list[int]:
    """``first`` and the next ``count`` spread integers: adding 1 to a spread integer
    carries through the holes once they are filled with ones."""
    run = [first]
    for _ in range(count):
        run.append(((run[-1] | holes) + 1) & ~holes)
    return run


def box_units(
    south: float, west: float, north: float, east: float
) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """Inclusive unit bounds holding every stored position of points in the box (one unit
    of slack for rounding); a box with ``west > east`` crosses the antimeridian and
    becomes two longitude ranges."""
    lat_range = (
        max(math.floor(south * UNITS_PER_DEG) - 1, -LAT_OFFSET),
        min(math.ceil(north * UNITS_PER_DEG) + 1, LAT_OFFSET),
    )
    lo = max(math.floor(west * UNITS_PER_DEG) - 1, -LON_OFFSET)
    hi = min(math.ceil(east * UNITS_PER_DEG) + 1, LON_OFFSET)
    if west <= east:
        return lat_range, [(lo, hi)]
    return lat_range, [(lo, LON_OFFSET), (-LON_OFFSET, hi)]


def circle_box_units(
    lat: float, lon: float, dlat: float, dlon: float | None
) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """Unit bounds of the box ``lat +- dlat`` x ``lon +- dlon`` (``dlon`` None: every
    longitude), split at the antimeridian when it crosses it."""
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    if dlon is None or dlon >= 180.0:
        return box_units(south, -180.0, north, 180.0)
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        west += 360.0
    if east > 180.0:
        east -= 360.0
    return box_units(south, west, north, east)
