"""Index.nearest against the geodesic brute-force oracle: nearest first, ties by id."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import Index, InvalidQuery, Post
from tests.engine import oracle
from tests.engine.strategies import build_index, category_filters, crowds, kind_filters, scenes

ks = st.one_of(st.integers(1, 30), st.just(1000))


@given(scene=scenes(), bulk=st.booleans(), k=ks, category=category_filters, kind=kind_filters)
def test_nearest_agrees_with_geodesic_brute_force(scene, bulk, k, category, kind):
    index = build_index(scene.posts, bulk)
    got = index.nearest(
        scene.lat, scene.lon, k, radius_m=scene.radius_m, category=category, kind=kind
    )
    expected = oracle.nearest(
        scene.posts, scene.lat, scene.lon, k, radius_m=scene.radius_m, category=category, kind=kind
    )
    oracle.assert_same_matches(got, expected)


@given(scene=crowds(), k=st.sampled_from([1, 20, 1000]))
def test_nearest_in_a_crowd_widens_past_the_first_circle_and_pages(scene, k):
    """Hundreds to thousands of posts, radii up to 50 km: the search widens its circle
    and reads it in pages of 1000 before it ranks."""
    index = build_index(scene.posts, bulk=True)
    got = index.nearest(scene.lat, scene.lon, k)
    oracle.assert_same_matches(got, oracle.nearest(scene.posts, scene.lat, scene.lon, k))


def test_equal_distances_order_by_id():
    """Volunteers ranked by public points share cell centres: one distance, many ids."""
    index = Index()
    for post_id in (9, -4, 7):
        index.add(Post(post_id, 45.19, 5.72, "any", "offer", 0.0))
    index.add(Post(1, 45.20, 5.72, "any", "offer", 0.0))
    assert [match.id for match in index.nearest(45.19, 5.72, 3)] == [-4, 7, 9]


@pytest.mark.parametrize(
    "args, param",
    [
        ({"k": 0}, "k"),  # nothing asked
        ({"k": 1001}, "k"),  # beyond a page
        ({"radius_m": 0.0}, "radius_m"),  # empty circle
        ({"lat": 91.0}, "lat"),  # beyond the pole
    ],
)
def test_nearest_names_the_bad_parameter(args, param):
    call = {"lat": 45.19, "lon": 5.72, "k": 5, **args}
    with pytest.raises(InvalidQuery, match=f"^{param} "):
        Index().nearest(call.pop("lat"), call.pop("lon"), call.pop("k"), **call)
