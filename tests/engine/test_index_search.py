"""Index.search against the geodesic brute-force oracle."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import city
from matcher import Index, InvalidQuery, Match, Post
from tests.engine import oracle
from tests.engine.strategies import (
    CATEGORIES,
    INT64_MAX,
    INT64_MIN,
    build_index,
    category_filters,
    columns,
    crowds,
    destination,
    kind_filters,
    limits,
    points_near,
    scenes,
)


@given(
    scene=scenes(), bulk=st.booleans(), category=category_filters, kind=kind_filters, limit=limits
)
def test_search_agrees_with_geodesic_brute_force(scene, bulk, category, kind, limit):
    index = build_index(scene.posts, bulk)
    got = index.search(
        scene.lat, scene.lon, scene.radius_m, category=category, kind=kind, limit=limit
    )
    expected = oracle.search(
        scene.posts, scene.lat, scene.lon, scene.radius_m, category=category, kind=kind, limit=limit
    )
    oracle.assert_same_matches(got, expected)


@given(scene=scenes(), bulk=st.booleans(), data=st.data())
def test_search_from_any_post_agrees_with_brute_force(scene, bulk, data):
    """Query centres on the posts themselves (distance 0, the building's neighbours)."""
    if not scene.posts:
        return
    centre = data.draw(st.sampled_from(scene.posts))
    radius_m = data.draw(st.sampled_from([1.0, 5.0, 30.0, 250.0, scene.radius_m]))
    index = build_index(scene.posts, bulk)
    got = index.search(centre.lat, centre.lon, radius_m, limit=1000)
    expected = oracle.search(scene.posts, centre.lat, centre.lon, radius_m, limit=None)
    oracle.assert_same_matches(got, expected)
    assert centre.id in [match.id for match in got]


@given(scene=scenes(), bulk=st.booleans(), data=st.data())
def test_a_radius_equal_to_a_posts_distance_includes_it(scene, bulk, data):
    """Inclusive radius, tested where it bites: radius_m is exactly the oracle's
    distance to one post, so ``<`` instead of ``<=`` would drop it."""
    distances = oracle.distances_m(scene.lat, scene.lon, scene.posts)
    in_range = [i for i, d in enumerate(distances) if 0.0 < d <= 50_000.0]
    if not in_range:
        return
    target_index = data.draw(st.sampled_from(in_range))
    target, radius_m = scene.posts[target_index], float(distances[target_index])
    got = build_index(scene.posts, bulk).search(scene.lat, scene.lon, radius_m, limit=1000)
    expected = oracle.search(scene.posts, scene.lat, scene.lon, radius_m, limit=None)
    oracle.assert_same_matches(got, expected)
    assert target.id in [match.id for match in got]


def post(post_id, lat, lon, category="food", kind="offer", created_at=0.0):
    return Post(post_id, lat, lon, category, kind, created_at)


def test_empty_index_finds_nothing():
    index = Index()
    assert len(index) == 0
    assert index.search(45.188, 5.724, 50_000) == []
    assert Index.from_arrays(*columns([])).search(0.0, 0.0, 1.0) == []


@pytest.mark.parametrize(
    "lat, lon",
    [
        (45.188, 5.724),  # Grenoble
        (0.0, 180.0),  # on the antimeridian, east side
        (0.0, -180.0),  # on the antimeridian, west side
        (89.9995, 17.0),  # 55 m from the north pole
        (-89.9995, -120.0),  # 55 m from the south pole
        (90.0, 0.0),  # the pole itself
    ],
)
@pytest.mark.parametrize("radius_m", [1.0, 20.0, 200.0, 5000.0, 50_000.0])
def test_points_on_the_circle_and_a_millimetre_either_side(lat, lon, radius_m):
    """Posts at radius_m (by Geod.fwd) and 1 mm inside and outside, all around the
    circle; the oracle's own Geod.inv distance decides which are in."""
    posts = []
    for i, azimuth in enumerate(np.linspace(-180.0, 180.0, 24, endpoint=False)):
        for j, offset_m in enumerate((-0.001, 0.0, 0.001)):
            posts.append(post(3 * i + j, *destination(lat, lon, azimuth, radius_m + offset_m)))
    for bulk in (False, True):
        got = build_index(posts, bulk).search(lat, lon, radius_m, limit=1000)
        expected = oracle.search(posts, lat, lon, radius_m, limit=None)
        oracle.assert_same_matches(got, expected)
        inside = {3 * i for i in range(24)}
        outside = {3 * i + 2 for i in range(24)}
        found = {match.id for match in got}
        assert inside <= found
        assert not outside & found


@pytest.mark.parametrize("bulk", [False, True])
def test_a_building_of_tied_posts_is_ordered_by_id(bulk):
    """300 posts within 4 m of each other, at only three distinct times."""
    rng = np.random.default_rng(7)
    lat0, lon0 = 45.19131, 5.72834
    posts = [
        post(
            int(post_id),
            *destination(lat0, lon0, float(rng.uniform(-180, 180)), float(rng.uniform(0, 4))),
            category=CATEGORIES[i % 2],
            created_at=float(i % 3),
        )
        for i, post_id in enumerate(rng.choice(2**40, size=300, replace=False) - 2**39)
    ]
    index = build_index(posts, bulk)
    for radius_m in (1.0, 3.0, 10.0):
        for limit in (1, 7, 1000):
            got = index.search(lat0, lon0, radius_m, category="food", limit=limit)
            expected = oracle.search(posts, lat0, lon0, radius_m, category="food", limit=limit)
            oracle.assert_same_matches(got, expected)


def test_ids_at_the_int64_extremes():
    posts = [
        post(INT64_MIN, 45.0, 5.0, created_at=1.0),
        post(INT64_MAX, 45.0, 5.0, created_at=1.0),
        post(0, 45.0, 5.0, created_at=1.0),
        post(-1, 45.00001, 5.0, created_at=2.0),
    ]
    for bulk in (False, True):
        got = build_index(posts, bulk).search(45.0, 5.0, 10.0)
        assert [match.id for match in got] == [-1, INT64_MAX, 0, INT64_MIN]


def test_search_across_the_antimeridian():
    posts = [post(1, 0.0, 179.9999), post(2, 0.0, -179.9999), post(3, 0.0, 179.0)]
    for bulk in (False, True):
        index = build_index(posts, bulk)
        assert {m.id for m in index.search(0.0, 180.0, 100.0)} == {1, 2}
        assert {m.id for m in index.search(0.0, -180.0, 100.0)} == {1, 2}
        oracle.assert_same_matches(
            index.search(0.0, 179.99995, 50.0), oracle.search(posts, 0.0, 179.99995, 50.0)
        )


def test_search_around_a_pole_finds_every_longitude():
    posts = [post(i, 89.999, lon) for i, lon in enumerate(range(-180, 180, 15))]
    for bulk in (False, True):
        got = build_index(posts, bulk).search(90.0, 0.0, 120.0, limit=1000)
        assert len(got) == len(posts)
        oracle.assert_same_matches(got, oracle.search(posts, 90.0, 0.0, 120.0, limit=None))


@pytest.mark.parametrize(
    "category",
    [
        "food",  # one category as a string
        ["food"],  # a list of one
        {"food", "pets"},  # a set
        ("pets", "absent"),  # a tuple with a category no post has
        frozenset({"absent"}),  # only an absent category: nothing
        "absent",
        None,  # any
    ],
)
@pytest.mark.parametrize("kind", [None, "offer", "request"])
def test_category_and_kind_filters(category, kind):
    rng = np.random.default_rng(3)
    posts = [
        post(
            i,
            45.188 + float(rng.normal(0, 0.002)),
            5.724 + float(rng.normal(0, 0.002)),
            category=("food", "pets", "shopping")[i % 3],
            kind=("offer", "request")[i % 2],
            created_at=float(rng.integers(0, 10)),
        )
        for i in range(200)
    ]
    for bulk in (False, True):
        got = build_index(posts, bulk).search(
            45.188, 5.724, 300.0, category=category, kind=kind, limit=50
        )
        expected = oracle.search(
            posts, 45.188, 5.724, 300.0, category=category, kind=kind, limit=50
        )
        oracle.assert_same_matches(got, expected)


def test_synthetic_city_agrees_with_brute_force():
    """A 20 000-post Grenoble-like city, queries at every radius the suite times."""
    dataset = city.generate(20_000, seed=11)
    posts = list(dataset.posts())
    index = Index.from_arrays(*dataset.columns())
    rng = np.random.default_rng(5)
    for radius_m in (20.0, 200.0, 1000.0, 5000.0):
        for _ in range(6):
            centre = posts[int(rng.integers(len(posts)))]
            lat, lon = destination(centre.lat, centre.lon, float(rng.uniform(-180, 180)), 10.0)
            category = str(rng.choice(city.CATEGORIES)) if rng.random() < 0.5 else None
            got = index.search(lat, lon, radius_m, category=category, limit=20)
            expected = oracle.search(posts, lat, lon, radius_m, category=category, limit=20)
            oracle.assert_same_matches(got, expected)


def test_matches_are_frozen_match_records():
    index = Index()
    index.add(post(5, 45.0, 5.0, created_at=12.5))
    (match,) = index.search(45.0, 5.0, 1.0)
    assert match == Match(5, match.distance_m, 12.5)
    assert abs(match.distance_m) <= oracle.DISTANCE_TOLERANCE_M
    with pytest.raises(AttributeError):
        match.id = 6  # type: ignore[misc]


def test_from_arrays_takes_numpy_string_columns_too():
    """``np.array(["food", ...])`` is a '<U' array, not an object array: same index."""
    posts = [
        post(i, 45.188 + i * 1e-5, 5.724, ("food", "pets")[i % 2], created_at=float(i))
        for i in range(9)
    ]
    arrays = list(columns(posts))
    arrays[3] = arrays[3].astype(str)
    arrays[4] = arrays[4].astype(str)
    index = Index.from_arrays(*arrays)
    got = index.search(45.188, 5.724, 100.0, category="pets", kind="offer")
    oracle.assert_same_matches(got, oracle.search(posts, 45.188, 5.724, 100.0, category="pets"))


@given(
    names=st.lists(
        st.text(min_size=1, max_size=6).filter(lambda s: not s.endswith("\x00")),
        min_size=1,
        max_size=12,
        unique=True,
    ),
    picks=st.lists(st.integers(0, 11), min_size=1, max_size=3000),
)
def test_string_columns_give_the_object_columns_index(names, picks):
    """The vectorised codes of a '<U' column (a sample's values, then the rare ones it
    missed) are the per-row dictionary's: same categories, same posts in each."""
    rows = [names[pick % len(names)] for pick in picks]
    n = len(rows)
    ids = np.arange(n)
    lat, lon = np.full(n, 45.188), np.full(n, 5.724)
    kinds, created = np.array(["offer", "request"] * n)[:n], np.arange(n, dtype=float)
    by_object = Index.from_arrays(ids, lat, lon, np.array(rows, dtype=object), kinds, created)
    by_string = Index.from_arrays(ids, lat, lon, np.array(rows), kinds.astype(object), created)
    assert by_string._category_code == by_object._category_code
    for name in set(rows):
        got = by_string.search(45.188, 5.724, 10.0, category=name, limit=1000)
        assert got == by_object.search(45.188, 5.724, 10.0, category=name, limit=1000)
        assert len(got) == min(1000, rows.count(name))


def test_string_columns_check_their_values():
    one, two = ([45.0], [5.0], [1.0]), ([45.0] * 2, [5.0] * 2, [1.0, 2.0])
    with pytest.raises(InvalidQuery, match="category"):
        Index.from_arrays([1, 2], *two[:2], np.array(["a", ""]), np.array(["offer"] * 2), two[2])
    with pytest.raises(InvalidQuery, match="kind"):
        Index.from_arrays(
            [1], *one[:2], np.array(["a"]), np.array(["offers"], dtype=object), one[2]
        )


def district_posts(rng, lat, lon, count, first_id, times, spread_deg=0.01):
    """``count`` posts around a place, with created_at drawn from ``times``."""
    return [
        post(
            first_id + i,
            lat + float(rng.normal(0, spread_deg)),
            lon + float(rng.normal(0, spread_deg)),
            category=CATEGORIES[int(rng.integers(3))],
            kind=("offer", "request")[int(rng.integers(2))],
            created_at=float(rng.integers(*times)),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("old_count", [30, 3000])
@pytest.mark.parametrize("category", [None, "food", ["food", "pets"]])
def test_time_and_place_correlated(old_count, category):
    """A new district 8 km away holds every recent post; the old town's are all older.
    A newest-first walk from the old town meets thousands of non-matches first."""
    rng = np.random.default_rng(old_count)
    posts = district_posts(rng, 45.19, 5.72, old_count, 0, (0, 100)) + district_posts(
        rng, 45.19, 5.82, 6000, 10_000, (1000, 1100)
    )
    index = Index.from_arrays(*columns(posts))
    for radius_m in (200.0, 1000.0, 3000.0, 6000.0):
        for kind in (None, "request"):
            got = index.search(45.19, 5.72, radius_m, category=category, kind=kind, limit=20)
            expected = oracle.search(
                posts, 45.19, 5.72, radius_m, category=category, kind=kind, limit=20
            )
            oracle.assert_same_matches(got, expected)


@given(
    scene=crowds(),
    data=st.data(),
    category=category_filters,
    kind=kind_filters,
    limit=st.sampled_from([1, 20, 100, 1000]),
)
def test_crowds_agree_with_brute_force(scene, data, category, kind, limit):
    """Thousands of posts, radii around the crowd's own, sometimes continuing a page."""
    index = build_index(scene.posts, bulk=True)
    for scale in (0.05, 1.0, 1.8):
        radius_m = min(50_000.0, max(1.0, scene.radius_m * scale))
        before = None
        if data.draw(st.booleans()):
            some = data.draw(st.sampled_from(scene.posts))
            before = (some.created_at, some.id)
        got = index.search(
            scene.lat, scene.lon, radius_m, category=category, kind=kind, limit=limit, before=before
        )
        expected = oracle.search(
            scene.posts,
            scene.lat,
            scene.lon,
            radius_m,
            category=category,
            kind=kind,
            limit=limit,
            before=before,
        )
        oracle.assert_same_matches(got, expected)


@given(scene=scenes(max_posts=30), data=st.data())
def test_a_bulk_load_is_the_same_as_adding_in_order_repeated_ids_included(scene, data):
    """A repeated id in ``from_arrays`` keeps its last row, as ``add`` would."""
    if not scene.posts:
        return
    repeats = data.draw(st.lists(st.sampled_from(scene.posts), max_size=10))
    rows = scene.posts + [
        Post(
            p.id,
            *data.draw(points_near(scene.lat, scene.lon, scene.radius_m)),
            p.category,
            p.kind,
            p.created_at + 1.0,
        )
        for p in repeats
    ]
    latest = list({post.id: post for post in rows}.values())
    bulk = Index.from_arrays(*columns(rows))
    assert len(bulk) == len(latest)
    got = bulk.search(scene.lat, scene.lon, scene.radius_m, limit=1000)
    expected = oracle.search(latest, scene.lat, scene.lon, scene.radius_m, limit=None)
    oracle.assert_same_matches(got, expected)


def test_the_callers_arrays_are_left_alone():
    """Bulk loading and searching neither change the arrays given to ``from_arrays``
    nor keep depending on them (the caller may reuse its buffers)."""
    dataset = city.generate(3000, seed=3)
    arrays = [column.copy() for column in dataset.columns()]
    index = Index.from_arrays(*arrays)
    before = [index.search(45.188, 5.724, radius_m, limit=100) for radius_m in (200.0, 3000.0)]
    assert before[0] and len(before[1]) == 100
    for given_column, original in zip(arrays, dataset.columns(), strict=True):
        assert np.array_equal(given_column, original)
    for column in arrays[1:3] + arrays[5:]:
        column[:] = 0.0  # the caller reuses its float buffers
    after = [index.search(45.188, 5.724, radius_m, limit=100) for radius_m in (200.0, 3000.0)]
    assert after == before
