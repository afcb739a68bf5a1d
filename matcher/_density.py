"""How many posts lie in a latitude/longitude box, roughly and in constant time: a
summed-area table of counts over a 64 x 64 grid spanning the posts' bounding box.

It only tells a query whether its region is full enough to walk its category newest
first instead of gathering grid cells; a wrong guess costs time, never an answer.
"""

import math

import numpy as np
from numpy.typing import NDArray

from matcher._jit import compiled

GRID = 64


class Density:
    """Counts of posts per cell of a ``GRID x GRID`` grid over their bounding box: the
    summed-area ``table`` and its ``frame`` (south, west, lat_step, lon_step), the two
    arrays the compiled query reads."""

    def __init__(self, lats: NDArray[np.float64], lons: NDArray[np.float64]) -> None:
        size = len(lats)
        if size == 0:
            lats = lons = np.zeros(1)
        self.south, self.west = float(lats.min()), float(lons.min())
        self.lat_step = max((float(lats.max()) - self.south) / GRID, 1e-9)
        self.lon_step = max((float(lons.max()) - self.west) / GRID, 1e-9)
        i = np.minimum(((lats - self.south) / self.lat_step).astype(np.int64), GRID - 1)
        j = np.minimum(((lons - self.west) / self.lon_step).astype(np.int64), GRID - 1)
        counts = np.bincount(i * GRID + j, minlength=GRID * GRID).reshape(GRID, GRID)
        self.table = np.zeros((GRID + 1, GRID + 1), dtype=np.int64)
        if size:
            self.table[1:, 1:] = counts.cumsum(axis=0).cumsum(axis=1)
        self.frame = np.array([self.south, self.west, self.lat_step, self.lon_step])

    @property
    def nbytes(self) -> int:
        return self.table.nbytes + self.frame.nbytes

    def estimate(self, box: tuple[float, float, float, float], area_deg2: float) -> float:
        return estimate(self.table, self.frame, *box, area_deg2)


@compiled
def estimate(
    table: NDArray[np.int64],
    frame: NDArray[np.float64],
    south: float,
    west: float,
    north: float,
    east: float,
    area_deg2: float,
) -> float:
    """About how many posts lie in a region of ``area_deg2`` square degrees inside the
    box ``south, west, north, east`` (no wrap): the count of the cells the box touches,
    scaled by the share of their area the region fills."""
    grid_south, grid_west, lat_step, lon_step = frame[0], frame[1], frame[2], frame[3]
    i0 = min(max(math.floor((south - grid_south) / lat_step), 0), GRID)
    i1 = min(max(math.floor((north - grid_south) / lat_step) + 1, 0), GRID)
    j0 = min(max(math.floor((west - grid_west) / lon_step), 0), GRID)
    j1 = min(max(math.floor((east - grid_west) / lon_step) + 1, 0), GRID)
    if i1 <= i0 or j1 <= j0:
        return 0.0
    count = table[i1, j1] - table[i0, j1] - table[i1, j0] + table[i0, j0]
    cells_deg2 = (i1 - i0) * lat_step * (j1 - j0) * lon_step
    return float(count * min(1.0, area_deg2 / cells_deg2))
