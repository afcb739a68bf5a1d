"""The oracle against plain brute force, and every baseline against the oracle."""

import numpy as np
import pytest

from benchmarks import city
from benchmarks.baselines import BASELINES
from benchmarks.oracle import Mismatch, Oracle, check, geodesic_m

NOW = 1_790_000_000.0
RADII_M = (5.0, 20.0, 200.0, 1_000.0, 5_000.0)


@pytest.fixture(scope="module")
def town():
    return city.generate(3_000, seed=11, now=NOW)


@pytest.fixture(scope="module")
def oracle(town):
    return Oracle(
        town.id, town.lat, town.lon, town.category_code, town.created_at, city.CATEGORIES, chunk=700
    )


@pytest.fixture(scope="module")
def centres(town):
    return city.queries(town, 25, seed=12)


def brute_force(town, lat, lon, radius_m, category, limit):
    """Geodesic to every post, no prefilter; newest first, ties by id desc."""
    distance_m = geodesic_m(lat, lon, town.lat, town.lon)
    keep = distance_m <= radius_m
    if category is not None:
        keep &= town.category == category
    rows = np.flatnonzero(keep)
    rows = sorted(rows.tolist(), key=lambda r: (-town.created_at[r], -town.id[r]))[:limit]
    return [(int(town.id[r]), float(distance_m[r]), float(town.created_at[r])) for r in rows]


@pytest.mark.parametrize("radius_m", RADII_M)
def test_the_oracle_agrees_with_brute_force(town, oracle, centres, radius_m):
    rows = zip(centres.lat.tolist(), centres.lon.tolist(), centres.category, strict=True)
    answers = 0
    for lat, lon, category in rows:
        expected = brute_force(town, lat, lon, radius_m, category, 20)
        assert oracle.search(lat, lon, radius_m, category, 20) == expected
        answers += len(expected)
    assert answers > 0 or radius_m < 20


@pytest.mark.parametrize("baseline", BASELINES, ids=lambda b: b.name)
def test_each_baseline_agrees_with_the_oracle(town, oracle, centres, baseline):
    method = baseline(town)
    for radius_m in RADII_M:
        rows = zip(centres.lat.tolist(), centres.lon.tolist(), centres.category, strict=True)
        for lat, lon, category in rows:
            expected = oracle.search(lat, lon, radius_m, category, 20)
            check(expected, method.search(lat, lon, radius_m, category=category, limit=20), "")


def test_within_box_keeps_the_edges_and_measures_from_the_centre(town, oracle):
    south, west, north, east = 45.17, 5.70, 45.20, 5.74
    answer = oracle.within_box(south, west, north, east, None, 500)
    inside = (town.lat >= south) & (town.lat <= north) & (town.lon >= west) & (town.lon <= east)
    assert len(answer) == min(500, int(inside.sum()))
    assert [row[0] for row in answer] == sorted(town.id[inside].tolist(), reverse=True)[:500]
    first = answer[0]
    row = int(np.flatnonzero(town.id == first[0])[0])
    assert first[1] == pytest.approx(
        geodesic_m(
            (south + north) / 2, (west + east) / 2, town.lat[row : row + 1], town.lon[row : row + 1]
        )[0]
    )


class Record:
    def __init__(self, id, distance_m, created_at):
        self.id, self.distance_m, self.created_at = id, distance_m, created_at


@pytest.mark.parametrize(
    "change",
    [
        lambda rows: rows[:-1],  # one result missing
        lambda rows: rows[1:2] + rows[:1] + rows[2:],  # order swapped
        lambda rows: [(rows[0][0], rows[0][1] + 1e-3, rows[0][2])] + rows[1:],  # distance off
        lambda rows: [(rows[0][0] + 1, *rows[0][1:])] + rows[1:],  # another id
    ],
    ids=["missing", "swapped", "distance", "id"],
)
def test_check_refuses_any_difference(oracle, change):
    expected = oracle.search(city.CENTRE_LAT, city.CENTRE_LON, 5_000.0, None, 20)
    assert len(expected) == 20
    check(expected, [Record(*row) for row in expected], "same")
    with pytest.raises(Mismatch, match="first difference"):
        check(expected, [Record(*row) for row in change(expected)], "changed")
