"""Bad input raises InvalidQuery naming the parameter, and leaves the index unchanged."""

import math

import numpy as np
import pytest

from matcher import Index, InvalidQuery, Post
from tests.engine import oracle
from tests.engine.strategies import columns

NAN, INF = math.nan, math.inf
SEARCH = {"lat": 45.188, "lon": 5.724, "radius_m": 500.0}
BOX = {"south": 45.1, "west": 5.6, "north": 45.3, "east": 5.8}
POST = Post(1, 45.188, 5.724, "food", "offer", 1_763_800_000.0)


@pytest.fixture
def index():
    """An index with a few posts around Grenoble."""
    index = Index()
    for i in range(5):
        index.add(Post(i, 45.188 + i * 1e-4, 5.724, "food", ("offer", "request")[i % 2], float(i)))
    return index


@pytest.mark.parametrize(
    "args, param",
    [
        ({"lat": NAN}, "lat"),  # not a number
        ({"lat": INF}, "lat"),
        ({"lat": -INF}, "lat"),
        ({"lat": 90.0001}, "lat"),  # beyond the north pole
        ({"lat": -90.0001}, "lat"),  # beyond the south pole
        ({"lat": "abc"}, "lat"),  # not numeric
        ({"lat": None}, "lat"),  # a number is required
        ({"lon": 180.0001}, "lon"),  # beyond the antimeridian
        ({"lon": -180.0001}, "lon"),
        ({"lon": NAN}, "lon"),
        ({"lon": INF}, "lon"),
        ({"lon": "5.7 E"}, "lon"),
        ({"lon": None}, "lon"),
        ({"radius_m": 0}, "radius_m"),  # the radius is in (0, 50000]
        ({"radius_m": 0.0}, "radius_m"),
        ({"radius_m": -1}, "radius_m"),
        ({"radius_m": 50_000.1}, "radius_m"),  # beyond 50 km
        ({"radius_m": NAN}, "radius_m"),
        ({"radius_m": INF}, "radius_m"),
        ({"radius_m": "500"}, "radius_m"),
        ({"radius_m": None}, "radius_m"),
        ({"limit": 0}, "limit"),  # limit is in 1..1000
        ({"limit": -3}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": 1.5}, "limit"),  # not an integer
        ({"limit": None}, "limit"),
        ({"limit": "20"}, "limit"),
        ({"kind": "gift"}, "kind"),  # offer, request or None
        ({"kind": ""}, "kind"),
        ({"kind": 1}, "kind"),
        ({"category": 5}, "category"),  # a string or a collection of strings
        ({"category": [5]}, "category"),
        ({"before": "yesterday"}, "before"),  # a (created_at, id) pair
        ({"before": (1.0,)}, "before"),
        ({"before": (1.0, 2, 3)}, "before"),
        ({"before": (NAN, 1)}, "before"),
        ({"before": (1.0, 1.5)}, "before"),
        ({"before": (1.0, 2**63)}, "before"),  # beyond int64
        ({"before": ("x", 1)}, "before"),
    ],
)
def test_search_names_the_bad_parameter(index, args, param):
    before = index.search(**SEARCH, limit=1000)
    with pytest.raises(InvalidQuery, match=param):
        index.search(**{**SEARCH, **args})
    assert index.search(**SEARCH, limit=1000) == before


@pytest.mark.parametrize(
    "args, param",
    [
        ({"south": NAN}, "south"),
        ({"south": -90.5}, "south"),
        ({"north": 91.0}, "north"),
        ({"north": None}, "north"),
        ({"west": -180.5}, "west"),
        ({"west": INF}, "west"),
        ({"east": 181.0}, "east"),
        ({"east": "5.8"}, "east"),
        ({"south": 45.4}, "south|north"),  # south above north
        ({"limit": 0}, "limit"),
        ({"limit": 1.5}, "limit"),
        ({"kind": "gift"}, "kind"),
        ({"category": 5}, "category"),
    ],
)
def test_within_box_names_the_bad_parameter(index, args, param):
    with pytest.raises(InvalidQuery, match=param):
        index.within_box(**{**BOX, **args})


def post_with(**fields):
    values = {
        "id": POST.id,
        "lat": POST.lat,
        "lon": POST.lon,
        "category": POST.category,
        "kind": POST.kind,
        "created_at": POST.created_at,
    }
    return Post(**{**values, **fields})


@pytest.mark.parametrize(
    "fields, param",
    [
        ({"lat": NAN}, "lat"),
        ({"lat": 90.0001}, "lat"),
        ({"lat": None}, "lat"),
        ({"lon": INF}, "lon"),
        ({"lon": -180.0001}, "lon"),
        ({"kind": "gift"}, "kind"),
        ({"kind": None}, "kind"),  # a post is an offer or a request
        ({"category": ""}, "category"),
        ({"category": 5}, "category"),
        ({"category": None}, "category"),
        ({"created_at": NAN}, "created_at"),
        ({"created_at": INF}, "created_at"),
        ({"created_at": "today"}, "created_at"),
        ({"id": 2**63}, "id"),  # beyond int64
        ({"id": -(2**63) - 1}, "id"),
        ({"id": 1.5}, "id"),
        ({"id": "1"}, "id"),
    ],
)
@pytest.mark.parametrize("existing", [False, True], ids=["new id", "replacing"])
def test_a_failed_add_names_the_field_and_changes_nothing(index, fields, param, existing):
    """Also when the bad post would replace a present one: the old post stays."""
    fields = {"id": 3 if existing else 99, **fields}
    posts_before = index.search(**SEARCH, limit=1000)
    size_before = len(index)
    boxed_before = index.within_box(**BOX)
    with pytest.raises(InvalidQuery, match=param):
        index.add(post_with(**fields))
    assert len(index) == size_before
    assert index.search(**SEARCH, limit=1000) == posts_before
    assert index.within_box(**BOX) == boxed_before


@pytest.mark.parametrize(
    "column, value, param",
    [
        (1, NAN, "lat"),
        (1, 95.0, "lat"),
        (2, INF, "lon"),
        (4, "gift", "kind"),
        (5, NAN, "created_at"),
    ],
)
def test_from_arrays_names_the_bad_column(column, value, param):
    posts = [post_with(id=i) for i in range(4)]
    arrays = list(columns(posts))
    arrays[column] = arrays[column].copy()
    arrays[column][2] = value
    with pytest.raises(InvalidQuery, match=param):
        Index.from_arrays(*arrays)


def test_from_arrays_refuses_columns_of_different_lengths():
    arrays = list(columns([post_with(id=i) for i in range(4)]))
    arrays[1] = arrays[1][:3]
    with pytest.raises(InvalidQuery):
        Index.from_arrays(*arrays)


def test_numpy_scalars_are_numbers(index):
    got = index.search(np.float64(45.188), np.float64(5.724), np.float64(500.0))
    oracle.assert_same_matches(got, index.search(45.188, 5.724, 500.0))


def test_invalid_query_is_a_value_error():
    assert issubclass(InvalidQuery, ValueError)
