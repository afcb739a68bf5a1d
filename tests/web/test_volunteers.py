"""The private index of volunteers' (public) home points: every point within a radius,
page after page, and the nearest ones, against geodesic brute force."""

import numpy as np
from pyproj import Geod

from web.services import volunteers

GEOD = Geod(ellps="WGS84")
CENTRE = (45.1885, 5.7245)


def homes(count: int, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    lats = CENTRE[0] + rng.uniform(-0.03, 0.03, count)
    lons = CENTRE[1] + rng.uniform(-0.04, 0.04, count)
    return [
        {"id": i + 1, "lat": a, "lon": o} for i, (a, o) in enumerate(zip(lats, lons, strict=True))
    ]


def distances_m(rows: list[dict]) -> dict[int, float]:
    lats = [row["lat"] for row in rows]
    lons = [row["lon"] for row in rows]
    _, _, metres = GEOD.inv([CENTRE[1]] * len(rows), [CENTRE[0]] * len(rows), lons, lats)
    return {row["id"]: d for row, d in zip(rows, metres, strict=True)}


def test_within_pages_past_the_engine_limit():
    rows = homes(4000)
    truth = {i for i, d in distances_m(rows).items() if d <= 2500}
    assert len(truth) > volunteers.PAGE  # several pages
    found = volunteers.within(volunteers.points_index(rows), *CENTRE, 2500)
    assert sorted(m.id for m in found) == sorted(truth)


def test_nearest_agrees_with_brute_force():
    rows = homes(500)
    exact = distances_m(rows)
    found = volunteers.nearest(rows, *CENTRE, radius_m=5000, limit=7)
    expected = sorted((d, i) for i, d in exact.items() if d <= 5000)[:7]
    assert [row["id"] for row, _ in found] == [i for _, i in expected]
    assert [round(d, 3) for _, d in found] == [round(d, 3) for d, _ in expected]


def test_nearest_of_nobody_is_empty():
    assert volunteers.nearest([], *CENTRE, radius_m=1000, limit=3) == []
