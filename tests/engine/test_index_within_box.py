"""Index.within_box against brute force: inclusion and exclusion, antimeridian boxes,
degenerate boxes, order."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import Post
from tests.engine import oracle
from tests.engine.strategies import (
    build_index,
    category_filters,
    crowd_posts,
    crowds,
    kind_filters,
    scenes,
)


@st.composite
def boxes_over(draw, posts):
    """A box whose edges are often exactly on posts' coordinates (edges are inclusive)."""
    edge_lats = [p.lat for p in posts] + [-90.0, 90.0]
    edge_lons = [p.lon for p in posts] + [-180.0, 180.0]
    lat_edges = st.sampled_from(edge_lats) | st.floats(-90.0, 90.0)
    lon_edges = st.sampled_from(edge_lons) | st.floats(-180.0, 180.0)
    south, north = sorted((draw(lat_edges), draw(lat_edges)))
    west, east = draw(lon_edges), draw(lon_edges)  # west > east: across the antimeridian
    return south, west, north, east


@given(
    scene=scenes(),
    bulk=st.booleans(),
    data=st.data(),
    category=category_filters,
    kind=kind_filters,
    limit=st.integers(1, 30) | st.just(1000),
)
def test_within_box_agrees_with_brute_force(scene, bulk, data, category, kind, limit):
    box = data.draw(boxes_over(scene.posts))
    index = build_index(scene.posts, bulk)
    got = index.within_box(*box, category=category, kind=kind, limit=limit)
    expected = oracle.within_box(scene.posts, *box, category=category, kind=kind, limit=limit)
    oracle.assert_same_matches(got, expected)


def grid_posts():
    """Posts on a 1-degree grid around the antimeridian and the equator, ids by place."""
    lons = [177.0, 178.0, 179.0, 180.0, -179.0, -178.0, -177.0, 0.0]
    lats = [-2.0, -1.0, 0.0, 1.0, 2.0]
    return [
        Post(i, lat, lon, "food", "offer", float(i % 5))
        for i, (lat, lon) in enumerate((lat, lon) for lat in lats for lon in lons)
    ]


@pytest.mark.parametrize(
    "box",
    [
        (-1.0, 179.0, 1.0, -179.0),  # across the antimeridian: west > east
        (-1.0, 178.5, 1.0, -178.5),
        (-90.0, 179.5, 90.0, -179.5),  # a thin band across it
        (-1.0, -179.0, 1.0, 179.0),  # west < east: almost the whole world, not across
        (0.0, 178.0, 0.0, 178.0),  # a point, exactly on a post
        (0.0, 178.0, 0.0, -178.0),  # a line along the equator, across the antimeridian
        (-2.0, 0.0, 2.0, 0.0),  # a line along a meridian
        (0.5, 177.0, 0.5, -177.0),  # a line between the rows: empty
        (-90.0, -180.0, 90.0, 180.0),  # the world
    ],
)
@pytest.mark.parametrize("bulk", [False, True])
def test_antimeridian_and_degenerate_boxes(box, bulk):
    posts = grid_posts()
    got = build_index(posts, bulk).within_box(*box)
    oracle.assert_same_matches(got, oracle.within_box(posts, *box))


def test_within_box_is_newest_first_and_cut_at_limit():
    rng = np.random.default_rng(1)
    posts = [
        Post(
            i,
            float(rng.uniform(45.1, 45.3)),
            float(rng.uniform(5.6, 5.8)),
            "food",
            "offer",
            float(rng.integers(0, 20)),
        )
        for i in range(600)
    ]
    index = build_index(posts, bulk=True)
    got = index.within_box(45.1, 5.6, 45.3, 5.8)
    assert len(got) == 500  # the default limit
    keys = [(m.created_at, m.id) for m in got]
    assert keys == sorted(keys, reverse=True)
    oracle.assert_same_matches(got, oracle.within_box(posts, 45.1, 5.6, 45.3, 5.8))
    oracle.assert_same_matches(
        index.within_box(45.15, 5.65, 45.25, 5.75, limit=7),
        oracle.within_box(posts, 45.15, 5.65, 45.25, 5.75, limit=7),
    )


@given(scene=crowds(), data=st.data(), category=category_filters, kind=kind_filters)
def test_within_box_over_crowds_agrees_with_brute_force(scene, data, category, kind):
    """Boxes of any size around thousands of posts, near the poles and the antimeridian
    too; a box may wrap (west > east)."""
    index = build_index(scene.posts, bulk=True)
    half_lat = data.draw(st.floats(0.0, 1.0)) * scene.radius_m / 111_000.0
    half_lon = data.draw(st.floats(0.0, 1.0)) * scene.radius_m / 20_000.0
    south, north = max(-90.0, scene.lat - half_lat), min(90.0, scene.lat + half_lat)
    west = (scene.lon - half_lon + 180.0) % 360.0 - 180.0
    east = (scene.lon + half_lon + 180.0) % 360.0 - 180.0
    limit = data.draw(st.sampled_from([1, 50, 1000]))
    got = index.within_box(south, west, north, east, category=category, kind=kind, limit=limit)
    expected = oracle.within_box(
        scene.posts, south, west, north, east, category=category, kind=kind, limit=limit
    )
    oracle.assert_same_matches(got, expected)


@given(scene=crowds(), data=st.data())
def test_box_edges_a_hair_from_posts(scene, data):
    """Edges exactly on a post's coordinates, or one float step, or 1e-9 degree, to
    either side: what an index keeping positions in integer units must not round away."""
    index = build_index(scene.posts, bulk=True)
    corner_a, corner_b = (
        data.draw(st.sampled_from(scene.posts)),
        data.draw(st.sampled_from(scene.posts)),
    )
    nudges = st.sampled_from(["exact", "up", "down", "plus", "minus"])

    def nudge(value, low, high):
        how = data.draw(nudges)
        if how == "up":
            value = float(np.nextafter(value, np.inf))
        elif how == "down":
            value = float(np.nextafter(value, -np.inf))
        elif how == "plus":
            value += 1e-9
        elif how == "minus":
            value -= 1e-9
        return min(high, max(low, value))

    south, north = sorted((corner_a.lat, corner_b.lat))
    south, north = nudge(south, -90.0, 90.0), nudge(north, -90.0, 90.0)
    if south > north:
        return
    west = nudge(corner_a.lon, -180.0, 180.0)  # either order: wrapping boxes too
    east = nudge(corner_b.lon, -180.0, 180.0)
    got = index.within_box(south, west, north, east, limit=1000)
    oracle.assert_same_matches(
        got, oracle.within_box(scene.posts, south, west, north, east, limit=1000)
    )


def test_a_post_just_inside_a_wrapping_box_edge_is_kept():
    """Found by the crowd test: the post at (74.99951846892799, 179.99805688578203) was
    dropped, its position rounded to the wrong side of the box's edge."""
    posts = crowd_posts(75.0, 179.9999, 76.08024258475659, 1000, 777238, "older_nearer")
    box = (74.99948792392561, 179.9970579777871, 75.00051207607439, -179.99725797778717)
    got = build_index(posts, bulk=True).within_box(*box, limit=50)
    oracle.assert_same_matches(got, oracle.within_box(posts, *box, limit=50))
