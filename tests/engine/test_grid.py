"""The Z-order grid: every point of a box or of a geodesic circle has its key in one of
the covering ranges, the ranges are sorted and disjoint, and a box spans few cells."""

import numpy as np
import pytest

from matcher import grid
from matcher._density import GRID, Density
from matcher.geodesy import GEOD, extent_deg


def _covered(covering, lats, lons):
    bounds = covering[0]
    starts, stops = bounds[0::2], bounds[1::2]
    keys = grid.keys(grid.to_units(lats), grid.to_units(lons))
    slot = np.searchsorted(stops, keys, side="right")
    inside = slot < len(starts)
    inside[inside] &= starts[slot[inside]] <= keys[inside]
    return inside


def _check_ranges(covering):
    bounds, _, cells = covering
    starts, stops = bounds[0::2], bounds[1::2]
    assert np.all(starts < stops)
    assert np.all(stops[:-1] < starts[1:])  # sorted, disjoint, merged
    assert cells <= 2 * grid.MAX_CELLS_PER_AXIS**2


def _circle_covering(lat, lon, radius_m):
    return grid.cover(grid.circle_box_units(lat, lon, *extent_deg(lat, radius_m)))


@pytest.mark.parametrize(
    "south, west, north, east",
    [
        (45.18, 5.72, 45.19, 5.73),  # a district
        (45.1885, 5.7245, 45.1885, 5.7245),  # a degenerate box: one point
        (-10.0, 170.0, 10.0, -170.0),  # across the antimeridian
        (80.0, -180.0, 90.0, 180.0),  # the north cap
        (-90.0, -180.0, 90.0, 180.0),  # the whole world
        (-0.001, -0.001, 0.001, 0.001),  # around the origin, where offsets meet
    ],
)
def test_box_covering_holds_every_point_of_the_box(south, west, north, east):
    rng = np.random.default_rng(0)
    covering = grid.cover(grid.box_units(south, west, north, east))
    _check_ranges(covering)
    lats = rng.uniform(south, north, 5_000)
    width = (east - west) % 360.0 if west > east else east - west
    lons = (west + rng.uniform(0, width, 5_000) + 180.0) % 360.0 - 180.0
    corners_lat = np.array([south, south, north, north])
    corners_lon = np.array([west, east, west, east])
    assert _covered(
        covering, np.concatenate((lats, corners_lat)), np.concatenate((lons, corners_lon))
    ).all()


def test_circle_covering_holds_points_on_the_circle():
    rng = np.random.default_rng(2)
    for _ in range(300):
        lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        radius_m = float(np.exp(rng.uniform(0, np.log(50_000))))
        lons, lats, _ = GEOD.fwd(
            np.full(64, lon), np.full(64, lat), np.linspace(-180, 180, 64), np.full(64, radius_m)
        )
        covering = _circle_covering(lat, lon, radius_m)
        _check_ranges(covering)
        assert _covered(covering, np.append(lats, lat), np.append(lons, lon)).all()


def test_a_far_point_is_not_covered():
    covering = _circle_covering(45.19, 5.72, 200.0)
    assert not _covered(covering, np.array([45.3]), np.array([5.72])).any()


def test_keys_of_a_cell_share_their_prefix():
    lat_units = grid.to_units(np.array([45.0, 45.0 + 30e-7]))  # same finest cell (64 units)
    lon_units = grid.to_units(np.array([5.0, 5.0]))
    base = (lat_units + grid.LAT_OFFSET) >> grid.FINEST_SHIFT
    keys = grid.keys(lat_units, lon_units)
    assert (keys[0] == keys[1]) == (base[0] == base[1])


def test_density_counts_the_posts_of_whole_cells_exactly():
    rng = np.random.default_rng(3)
    lats, lons = rng.uniform(45.0, 46.0, 20_000), rng.uniform(5.0, 6.0, 20_000)
    density = Density(lats, lons)
    # a box of whole cells: the estimate is the exact count when the region fills it
    south, west = density.south + 10 * density.lat_step, density.west + 20 * density.lon_step
    north, east = south + 5 * density.lat_step, west + 7 * density.lon_step
    area_deg2 = (north - south) * (east - west)
    inside = (lats >= south) & (lats < north) & (lons >= west) & (lons < east)
    shrink = 1e-9  # stay inside the cells' edges
    box = (south + shrink, west + shrink, north - shrink, east - shrink)
    assert density.estimate(box, area_deg2) == pytest.approx(inside.sum(), abs=2)
    # a region a quarter of those cells' area counts about a quarter of their posts
    assert density.estimate(box, area_deg2 / 4) == pytest.approx(inside.sum() / 4, abs=2)
    # outside the posts' extent: nothing
    assert density.estimate((10.0, 10.0, 11.0, 11.0), 1.0) == 0.0
    assert GRID * density.lat_step == pytest.approx(lats.max() - lats.min())


def test_density_of_no_posts_is_zero():
    assert Density(np.empty(0), np.empty(0)).estimate((0.0, 0.0, 1.0, 1.0), 1.0) == 0.0
