"""The local plane's error bound and the box that holds a geodesic circle, checked
against pyproj on fresh random samples (seeded, so a failure reproduces)."""

import numpy as np
import pytest

from matcher import grid
from matcher.geodesy import (
    GEOD,
    PLANE_MAX_LAT,
    extent_deg,
    inverse_in_place,
    plane_error_m,
    plane_scales,
)


def geodesic_m(lat, lon, lats, lons):
    """The exact distances, by pyproj's public API."""
    n = len(lats)
    return GEOD.inv(np.full(n, lon), np.full(n, lat), lons, lats)[2]


def _plane_m(lat, lon, lats, lons):
    """Plane distances as the engine computes them (positions in any angular unit)."""
    ky, kx = plane_scales(lat)
    return np.hypot((lats - lat) * ky, (lons - lon) * kx)


def _points_around(rng, lat, lon, radius_m, n):
    """Points at random bearings, half on the circle or just beyond it."""
    distance_m = np.where(rng.random(n) < 0.5, radius_m, rng.uniform(0, 1.01 * radius_m, n))
    lons, lats, _ = GEOD.fwd(
        np.full(n, lon), np.full(n, lat), rng.uniform(-180, 180, n), distance_m
    )
    return lats, lons


@pytest.mark.parametrize("radius_m", [1.0, 20.0, 200.0, 1_000.0, 5_000.0, 50_000.0])
@pytest.mark.parametrize("lat_limit", [10.0, 45.0, 70.0, PLANE_MAX_LAT])
def test_plane_distance_is_within_its_error_bound(radius_m, lat_limit):
    rng = np.random.default_rng(int(radius_m) + int(lat_limit))
    for lat in rng.uniform(-lat_limit, lat_limit, 40):
        lon = rng.uniform(-179, 179)
        lats, lons = _points_around(rng, lat, lon, radius_m, 200)
        exact = geodesic_m(lat, lon, lats, lons)
        in_degrees = _plane_m(lat, lon, lats, lons)
        assert np.abs(in_degrees - exact).max() <= plane_error_m(lat, radius_m, False)
        units = grid.UNITS_PER_DEG
        stored_lats, stored_lons = grid.to_units(lats) / units, grid.to_units(lons) / units
        in_units = _plane_m(lat, lon, stored_lats, stored_lons)
        assert np.abs(in_units - exact).max() <= plane_error_m(lat, radius_m, True)


def test_the_bound_is_not_loose_by_orders_of_magnitude():
    # a bound a thousand times too wide would send every point to the exact geodesic
    lat, lon, radius_m = 45.19, 5.72, 5_000.0
    lats, lons = _points_around(np.random.default_rng(0), lat, lon, radius_m, 2_000)
    error = np.abs(_plane_m(lat, lon, lats, lons) - geodesic_m(lat, lon, lats, lons))
    assert plane_error_m(lat, radius_m, False) < 10 * error.max()


@pytest.mark.parametrize(
    "lat, lon, radius_m",
    [
        (0.0, 0.0, 50_000.0),  # the equator, where the meridional radius is smallest
        (45.19, 5.72, 20.0),
        (45.19, 179.99, 5_000.0),  # across the antimeridian
        (-89.9, 10.0, 1_000.0),  # around the south pole
        (89.5, -120.0, 50_000.0),  # over the north pole
        (79.0, 30.0, 50_000.0),
    ],
)
def test_extent_holds_every_point_of_the_circle(lat, lon, radius_m):
    rng = np.random.default_rng(1)
    lats, lons = _points_around(rng, lat, lon, radius_m, 5_000)
    inside = geodesic_m(lat, lon, lats, lons) <= radius_m
    lats, lons = lats[inside], lons[inside]
    dlat, dlon = extent_deg(lat, radius_m)
    assert np.all(np.abs(lats - lat) <= dlat)
    if dlon < np.inf:
        wrapped = (lons - lon + 180.0) % 360.0 - 180.0
        assert np.all(np.abs(wrapped) <= dlon)


def test_extent_gives_every_longitude_near_a_pole():
    assert extent_deg(89.99, 2_000.0)[1] == np.inf
    assert extent_deg(45.0, 2_000.0)[1] < 1.0


def test_the_inverse_in_place_is_pyprojs_inverse_and_empty_is_empty():
    lats, lons = np.array([45.0, -33.9, 45.0]), np.array([5.7, 151.2, 5.0])
    rows = np.array([[5.0, 5.0, 5.0], [45.0, 45.0, 45.0], lons, lats])
    inverse_in_place(rows)
    assert np.array_equal(rows[2], GEOD.inv([5.0] * 3, [45.0] * 3, lons, lats)[2])
    empty = np.empty((4, 0))
    inverse_in_place(empty)
    assert empty.shape == (4, 0)
