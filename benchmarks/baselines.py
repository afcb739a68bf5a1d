"""The obvious ways to answer "the newest posts of a category within r of a point",
against which the engine must prove itself. Each has the engine's semantics exactly
(WGS84 geodesic, inclusive, newest first, ties by id desc) and its ``search`` signature,
and each is written as a competent engineer would write it on a first day: vectorised
where numpy makes that natural, no tricks from the engine.

- ``NumpyScan``: per category, columns sorted newest first; scan in growing chunks with
  a bounding-box prefilter and the exact geodesic on the survivors; stop at ``limit``.
- ``RTreeBox``: one R-tree of points; bounding-box query, category filter, exact
  geodesic filter, sort by recency.
- ``H3Buckets``: buckets per (H3 cell, category) at one fixed resolution, newest first;
  the cells of a ``grid_disk`` around the centre merged newest first with a heap.
"""

from __future__ import annotations

import heapq
import math

import h3
import h3.api.numpy_int as h3_int
import numpy as np
from rtree import index as rtree_index

from benchmarks.city import CATEGORIES, Dataset
from benchmarks.oracle import bounding_box, geodesic_m, newest_first
from matcher.post import Match

BOX_MARGIN = 1.01  # safe below 80 degrees of latitude (see bounding_box)


class _NewestFirst:
    """The dataset's columns in newest-first order: row ``r`` is the ``r``-th newest."""

    name = ""

    def __init__(self, dataset: Dataset) -> None:
        order = newest_first(dataset.id, dataset.created_at)
        self.id = dataset.id[order]
        self.lat = np.ascontiguousarray(dataset.lat[order])
        self.lon = np.ascontiguousarray(dataset.lon[order])
        self.created_at = dataset.created_at[order]
        self.category_code = dataset.category_code[order]
        self.code_of = {name: code for code, name in enumerate(CATEGORIES)}

    def _matches(self, rows: np.ndarray, distance_m: np.ndarray) -> list[Match]:
        return [
            Match(i, d, t)
            for i, d, t in zip(
                self.id[rows].tolist(),
                distance_m.tolist(),
                self.created_at[rows].tolist(),
                strict=True,
            )
        ]


class NumpyScan(_NewestFirst):
    name = "numpy scan"
    first_chunk = 256  # a wide radius finds its 20 posts in the first chunk or two
    max_chunk = 1 << 18

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        every_row = np.arange(len(self.id))
        self.rows_of: dict[int | None, np.ndarray] = {None: every_row}
        for code in range(len(self.code_of)):
            self.rows_of[code] = np.flatnonzero(self.category_code == code)
        self.lat_of = {code: self.lat[rows] for code, rows in self.rows_of.items()}
        self.lon_of = {code: self.lon[rows] for code, rows in self.rows_of.items()}

    def search(
        self,
        lat: float,
        lon: float,
        radius_m: float,
        *,
        category: str | None = None,
        limit: int = 20,
    ) -> list[Match]:
        code = None if category is None else self.code_of[category]
        lats, lons, rows_of = self.lat_of[code], self.lon_of[code], self.rows_of[code]
        south, west, north, east = bounding_box(lat, lon, radius_m, BOX_MARGIN)
        found_rows: list[np.ndarray] = []
        found_m: list[np.ndarray] = []
        count, start, chunk = 0, 0, self.first_chunk
        while start < len(lats) and count < limit:
            la, lo = lats[start : start + chunk], lons[start : start + chunk]
            candidates = start + np.flatnonzero(
                (la >= south) & (la <= north) & (lo >= west) & (lo <= east)
            )
            distance_m = geodesic_m(lat, lon, lats[candidates], lons[candidates])
            inside = distance_m <= radius_m
            found_rows.append(rows_of[candidates[inside]])
            found_m.append(distance_m[inside])
            count += int(inside.sum())
            start += chunk
            chunk = min(2 * chunk, self.max_chunk)
        if not found_rows:
            return []
        return self._matches(np.concatenate(found_rows)[:limit], np.concatenate(found_m)[:limit])


class RTreeBox(_NewestFirst):
    name = "rtree box"

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        points = np.column_stack([self.lon, self.lat])
        self.tree = rtree_index.Index((np.arange(len(self.id), dtype=np.int64), points, points))

    def search(
        self,
        lat: float,
        lon: float,
        radius_m: float,
        *,
        category: str | None = None,
        limit: int = 20,
    ) -> list[Match]:
        south, west, north, east = bounding_box(lat, lon, radius_m, BOX_MARGIN)
        rows, _ = self.tree.intersection_v(np.array([[west, south]]), np.array([[east, north]]))
        if category is not None:
            rows = rows[self.category_code[rows] == self.code_of[category]]
        distance_m = geodesic_m(lat, lon, self.lat[rows], self.lon[rows])
        inside = distance_m <= radius_m
        rows, distance_m = rows[inside], distance_m[inside]
        newest = np.argsort(rows, kind="stable")[:limit]  # row order is recency order
        return self._matches(rows[newest], distance_m[newest])


class H3Buckets(_NewestFirst):
    name = "h3 buckets"
    resolution = 9
    merge_batch = 64

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        to_cell = h3_int.latlng_to_cell
        cells = np.fromiter(
            (to_cell(la, lo, self.resolution) for la, lo in zip(self.lat, self.lon, strict=True)),
            dtype=np.uint64,
            count=len(self.lat),
        )
        # (cell, category code) -> span in rows_by_cell_category; (cell, None) -> span
        # in rows_by_cell (every category).
        self.spans: dict[tuple[int, int | None], tuple[int, int]] = {}
        self.rows_by_cell = self._bucket(cells, None)
        self.rows_by_cell_category = self._bucket(cells, self.category_code)
        edge_m = h3.average_hexagon_edge_length(self.resolution, unit="m")
        # Cells vary in size; these bounds hold for H3 hexagons at mid latitudes.
        self.max_edge_m, self.min_centre_spacing_m = 1.4 * edge_m, 0.6 * math.sqrt(3) * edge_m

    def _bucket(self, cells: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
        """Rows grouped by (cell[, category]), newest first inside a group; the span of
        each group recorded under (cell, code or None)."""
        keys = (cells,) if codes is None else (codes, cells)
        order = np.lexsort((np.arange(len(cells)), *keys))
        sorted_cells = cells[order]
        sorted_codes = None if codes is None else codes[order]
        boundaries = np.flatnonzero(
            (sorted_cells[1:] != sorted_cells[:-1])
            | (False if sorted_codes is None else sorted_codes[1:] != sorted_codes[:-1])
        )
        starts = np.concatenate([[0], boundaries + 1]).tolist()
        stops = np.concatenate([boundaries + 1, [len(cells)]]).tolist()
        for start, stop in zip(starts, stops, strict=True):
            code = None if sorted_codes is None else int(sorted_codes[start])
            self.spans[(int(sorted_cells[start]), code)] = (start, stop)
        return order

    def search(
        self,
        lat: float,
        lon: float,
        radius_m: float,
        *,
        category: str | None = None,
        limit: int = 20,
    ) -> list[Match]:
        centre = h3_int.latlng_to_cell(lat, lon, self.resolution)
        k = math.ceil((radius_m + 2 * self.max_edge_m) / self.min_centre_spacing_m)
        code = None if category is None else self.code_of[category]
        bucket_rows = self.rows_by_cell if code is None else self.rows_by_cell_category
        heap = []
        for cell in h3_int.grid_disk(centre, k).tolist():
            span = self.spans.get((cell, code))
            if span is not None:
                heap.append((int(bucket_rows[span[0]]), span[0], span[1]))
        heapq.heapify(heap)
        found_rows: list[int] = []
        found_m: list[float] = []
        while heap and len(found_rows) < limit:
            batch: list[int] = []
            while heap and len(batch) < self.merge_batch:
                row, position, stop = heap[0]
                batch.append(row)
                if position + 1 < stop:
                    heapq.heapreplace(heap, (int(bucket_rows[position + 1]), position + 1, stop))
                else:
                    heapq.heappop(heap)
            rows = np.array(batch)
            distance_m = geodesic_m(lat, lon, self.lat[rows], self.lon[rows])
            inside = distance_m <= radius_m
            found_rows.extend(rows[inside].tolist())
            found_m.extend(distance_m[inside].tolist())
        return self._matches(
            np.array(found_rows[:limit], dtype=np.int64), np.array(found_m[:limit])
        )


BASELINES = (NumpyScan, RTreeBox, H3Buckets)
