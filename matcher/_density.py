"""How many posts lie in a latitude/longitude box, roughly and in constant time: a
summed-area table of counts over a 64 x 64 grid spanning the posts' bounding box.

It only tells a query whether its region is full enough to walk its category newest
first instead of gathering grid cells; a wrong guess costs time, never an answer.
"""

import math

import numpy as np
from numpy.typing import NDArray

GRID = 64


class Density:
    """Counts of posts per cell of a ``GRID x GRID`` grid over their bounding box."""

    def __init__(self, lats: NDArray[np.float64], lons: NDArray[np.float64]) -> None:
        self.size = len(lats)
        if self.size == 0:
            lats = lons = np.zeros(1)
        self.south, self.west = float(lats.min()), float(lons.min())
        self.lat_step = max((float(lats.max()) - self.south) / GRID, 1e-9)
        self.lon_step = max((float(lons.max()) - self.west) / GRID, 1e-9)
        i = np.minimum(((lats - self.south) / self.lat_step).astype(np.int64), GRID - 1)
        j = np.minimum(((lons - self.west) / self.lon_step).astype(np.int64), GRID - 1)
        counts = np.bincount(i * GRID + j, minlength=GRID * GRID).reshape(GRID, GRID)
        table = np.zeros((GRID + 1, GRID + 1), dtype=np.int64)
        table[1:, 1:] = counts.cumsum(axis=0).cumsum(axis=1)
        # nested lists: four lookups in plain Python beat any numpy call
        self._table: list[list[int]] = table.tolist() if self.size else [[0] * (GRID + 1)] * 2

    def estimate(self, box: tuple[float, float, float, float], area_deg2: float) -> float:
        """About how many posts lie in a region of ``area_deg2`` square degrees inside
        ``box = (south, west, north, east)`` (no wrap): the count of the cells the box
        touches, scaled by the share of their area the region fills."""
        if self.size == 0:
            return 0.0
        south, west, north, east = box
        i0 = min(max(math.floor((south - self.south) / self.lat_step), 0), GRID)
        i1 = min(max(math.floor((north - self.south) / self.lat_step) + 1, 0), GRID)
        j0 = min(max(math.floor((west - self.west) / self.lon_step), 0), GRID)
        j1 = min(max(math.floor((east - self.west) / self.lon_step) + 1, 0), GRID)
        if i1 <= i0 or j1 <= j0:
            return 0.0
        t = self._table
        count = t[i1][j1] - t[i0][j1] - t[i1][j0] + t[i0][j0]
        cells_deg2 = (i1 - i0) * self.lat_step * (j1 - j0) * self.lon_step
        return count * min(1.0, area_deg2 / cells_deg2)
