"""public_point: building is the point itself; street and neighbourhood publish the
centre of the H3 cell, so moving a home inside its cell changes nothing."""

import math

import h3
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import PRECISIONS, Index, InvalidQuery, Post, public_point
from tests.engine import oracle
from tests.engine.strategies import latitudes, longitudes

RESOLUTION = {"street": 10, "neighbourhood": 8}
# Largest distance from a cell's centre to its corners, with room: res 10 edges are at
# most ~83 m and res 8 edges ~ 1.1 km anywhere on Earth (pentagons included).
MAX_SHIFT_M = {"street": 100.0, "neighbourhood": 1_300.0}


@given(lat=latitudes, lon=longitudes)
def test_building_precision_is_the_point_itself(lat, lon):
    assert public_point(lat, lon, "building") == (lat, lon)


@given(lat=latitudes, lon=longitudes, precision=st.sampled_from(["street", "neighbourhood"]))
def test_public_point_is_the_centre_of_the_cell_holding_the_point(lat, lon, precision):
    public_lat, public_lon = public_point(lat, lon, precision)
    cell = h3.latlng_to_cell(lat, lon, RESOLUTION[precision])
    assert h3.latlng_to_cell(public_lat, public_lon, RESOLUTION[precision]) == cell
    centre_lat, centre_lon = h3.cell_to_latlng(cell)
    assert (
        oracle.distances_m(
            centre_lat, centre_lon, [Post(0, public_lat, public_lon, "x", "offer", 0)]
        )[0]
        < 1e-6
    )
    shift_m = oracle.distances_m(lat, lon, [Post(0, public_lat, public_lon, "x", "offer", 0)])[0]
    assert shift_m <= MAX_SHIFT_M[precision]
    assert public_point(public_lat, public_lon, precision) == (public_lat, public_lon)


@given(
    lat=latitudes,
    lon=longitudes,
    precision=st.sampled_from(["street", "neighbourhood"]),
    corner=st.integers(0, 5),
    weight=st.floats(0.0, 0.95),
)
def test_moving_a_home_inside_its_cell_changes_nothing(lat, lon, precision, corner, weight):
    """Any point between the cell's centre and one of its corners has the same public
    point, hence the same answer to every search."""
    cell = h3.latlng_to_cell(lat, lon, RESOLUTION[precision])
    boundary = h3.cell_to_boundary(cell)
    corner_lat, corner_lon = boundary[corner % len(boundary)]
    centre_lat, centre_lon = h3.cell_to_latlng(cell)
    if abs(corner_lon - centre_lon) > 180.0:  # the cell straddles the antimeridian
        corner_lon += 360.0 if corner_lon < centre_lon else -360.0
    moved_lat = centre_lat + weight * (corner_lat - centre_lat)
    moved_lon = centre_lon + weight * (corner_lon - centre_lon)
    moved_lon = (moved_lon + 180.0) % 360.0 - 180.0
    if h3.latlng_to_cell(moved_lat, moved_lon, RESOLUTION[precision]) != cell:
        return  # degrees are not straight on a sphere: near a corner we may leave the cell
    assert public_point(moved_lat, moved_lon, precision) == public_point(lat, lon, precision)


def test_two_homes_in_one_cell_are_indistinguishable_by_search():
    """Two indexes, each with the post at a different home of the same street cell:
    every query, from anywhere near, gives the same bytes."""
    home_a = (45.18870, 5.72440)
    cell = h3.latlng_to_cell(*home_a, 10)
    centre = h3.cell_to_latlng(cell)
    home_b = (centre[0] + 0.6 * (home_a[0] - centre[0]), centre[1] - 0.6 * (home_a[1] - centre[1]))
    assert h3.latlng_to_cell(*home_b, 10) == cell and home_b != home_a
    indexes = []
    for home in (home_a, home_b):
        index = Index()
        index.add(Post(1, *public_point(*home, "street"), "food", "offer", 1.0))
        indexes.append(index)
    rng = np.random.default_rng(2)
    for _ in range(50):
        lat, lon = 45.1887 + rng.normal(0, 0.001), 5.7244 + rng.normal(0, 0.001)
        radius_m = float(rng.uniform(1, 300))
        answers = [index.search(lat, lon, radius_m) for index in indexes]
        assert answers[0] == answers[1]


def test_precisions_are_listed_from_finest_to_coarsest():
    assert PRECISIONS == ("building", "street", "neighbourhood")


@pytest.mark.parametrize(
    "lat, lon, precision, param",
    [
        (math.nan, 5.7, "street", "lat"),  # not a number
        (90.5, 5.7, "street", "lat"),  # beyond the pole
        (45.1, math.inf, "street", "lon"),
        (45.1, -180.5, "building", "lon"),  # checked even where nothing is computed
        (45.1, 5.7, "house", "precision"),  # not a precision
        (45.1, 5.7, None, "precision"),
        (45.1, 5.7, "Street", "precision"),  # names are lower case
        ("45.1", 5.7, "street", "lat"),  # not numeric
    ],
)
def test_public_point_names_the_bad_parameter(lat, lon, precision, param):
    with pytest.raises(InvalidQuery, match=param):
        public_point(lat, lon, precision)
