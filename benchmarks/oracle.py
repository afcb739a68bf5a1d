"""The exact answer every method is checked against: pyproj's WGS84 geodesic on the
candidates of a generous bounding box, newest first (``created_at`` desc, ``id`` desc).

Deliberately plain: a newest-first scan in large chunks, a box widened far beyond what
is needed, ``pyproj.Geod.inv`` on every candidate. Slow and obviously right."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
# The meridian radius of curvature is smallest at the equator, a (1 - e²): no path of
# length d changes latitude by more than d / that radius. A parallel's radius at
# latitude φ is N cos φ >= a cos φ.
_MIN_MERIDIAN_RADIUS_M = GEOD.a * (1.0 - GEOD.es)
_ORACLE_MARGIN = 1.5
DISTANCE_TOLERANCE_M = 1e-6

Answer = list[tuple[int, float, float]]  # (id, distance_m, created_at), newest first


class Mismatch(AssertionError):
    """A method's answer differs from the oracle's; the message shows both."""


def bounding_box(
    lat: float, lon: float, radius_m: float, margin: float
) -> tuple[float, float, float, float]:
    """``(south, west, north, east)`` containing every point within ``radius_m``
    (geodesic) of ``(lat, lon)``, widened by the factor ``margin`` (>= 1.01 is safe
    below 80 degrees of latitude for radii up to 50 km). No antimeridian crossing:
    the benchmarks stay in one city."""
    dlat = math.degrees(radius_m / _MIN_MERIDIAN_RADIUS_M) * margin
    edge_cos = math.cos(math.radians(min(90.0, abs(lat) + dlat)))
    dlon = 180.0 if edge_cos < 1e-6 else math.degrees(radius_m / (GEOD.a * edge_cos)) * margin
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def geodesic_m(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """WGS84 geodesic distances from one point to many."""
    if len(lats) == 0:
        return np.empty(0)
    return GEOD.inv(np.full(len(lats), lon), np.full(len(lats), lat), lons, lats)[2]


def newest_first(identifiers: np.ndarray, created_at: np.ndarray) -> np.ndarray:
    """Row order by ``created_at`` desc then ``id`` desc."""
    return np.lexsort((identifiers, created_at))[::-1]


@dataclass
class Oracle:
    """Exact answers over columns (any order; they are copied newest first).
    ``category_code[i]`` indexes ``categories``."""

    id: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    category_code: np.ndarray
    created_at: np.ndarray
    categories: tuple[str, ...]
    chunk: int = 1 << 17

    def __post_init__(self) -> None:
        order = newest_first(self.id, self.created_at)
        self.id, self.lat, self.lon, self.category_code, self.created_at = (
            np.ascontiguousarray(column[order])
            for column in (self.id, self.lat, self.lon, self.category_code, self.created_at)
        )

    def search(
        self, lat: float, lon: float, radius_m: float, category: str | None, limit: int
    ) -> Answer:
        south, west, north, east = bounding_box(lat, lon, radius_m, _ORACLE_MARGIN)
        found: list[np.ndarray] = []
        count = 0
        for start in range(0, len(self.id), self.chunk):
            rows = start + np.flatnonzero(self._selected(start, south, west, north, east, category))
            distance_m = geodesic_m(lat, lon, self.lat[rows], self.lon[rows])
            inside = rows[distance_m <= radius_m]
            found.append(inside)
            count += len(inside)
            if count >= limit:
                break
        rows = np.concatenate(found)[:limit] if found else np.empty(0, dtype=np.int64)
        return self._answer(rows, lat, lon)

    def within_box(
        self, south: float, west: float, north: float, east: float, category: str | None, limit: int
    ) -> Answer:
        """Posts in the box (edges included), newest first; distances from its centre."""
        rows = np.flatnonzero(self._selected(0, south, west, north, east, category, whole=True))
        return self._answer(rows[:limit], (south + north) / 2.0, (west + east) / 2.0)

    def _selected(
        self,
        start: int,
        south: float,
        west: float,
        north: float,
        east: float,
        category: str | None,
        whole: bool = False,
    ) -> np.ndarray:
        stop = len(self.id) if whole else start + self.chunk
        lat, lon = self.lat[start:stop], self.lon[start:stop]
        mask = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        if category is not None:
            mask &= self.category_code[start:stop] == self.categories.index(category)
        return mask

    def _answer(self, rows: np.ndarray, lat: float, lon: float) -> Answer:
        distance_m = geodesic_m(lat, lon, self.lat[rows], self.lon[rows])
        return list(
            zip(
                self.id[rows].tolist(),
                distance_m.tolist(),
                self.created_at[rows].tolist(),
                strict=True,
            )
        )


def check(expected: Answer, got: list, what: str) -> None:
    """Raise Mismatch unless ``got`` (Match-like records) has the same ids in the same
    order, the same times, and distances within 1e-6 m."""
    got_rows = [(match.id, match.distance_m, match.created_at) for match in got]
    same = len(got_rows) == len(expected) and all(
        g_id == e_id and g_time == e_time and abs(g_distance - e_distance) <= DISTANCE_TOLERANCE_M
        for (g_id, g_distance, g_time), (e_id, e_distance, e_time) in zip(
            got_rows, expected, strict=True
        )
    )
    if not same:
        first_difference = next(
            (
                i
                for i, (g, e) in enumerate(zip(got_rows, expected, strict=False))
                if g[0] != e[0] or g[2] != e[2] or abs(g[1] - e[1]) > DISTANCE_TOLERANCE_M
            ),
            min(len(got_rows), len(expected)),
        )
        raise Mismatch(
            f"{what}: {len(got_rows)} results, oracle {len(expected)}; first difference at "
            f"position {first_difference}:\n  got    {got_rows[first_difference:][:5]}\n"
            f"  oracle {expected[first_difference:][:5]}"
        )
