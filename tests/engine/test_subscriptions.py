"""Subscriptions: which circles contain a new post, against brute force."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import InvalidQuery, Post, Subscription, Subscriptions
from tests.engine.oracle import GEOD
from tests.engine.strategies import (
    CATEGORIES,
    INT64_MAX,
    INT64_MIN,
    KINDS,
    centres,
    destination,
    ids,
    points_near,
    radii,
)


def brute_force(subscriptions, post):
    """Ids of the circles holding the post (Geod.inv from each centre), filters applied."""
    return sorted(
        sub.id
        for sub in subscriptions
        if GEOD.inv(sub.lon, sub.lat, post.lon, post.lat)[2] <= sub.radius_m
        and (sub.categories is None or post.category in sub.categories)
        and (sub.kind is None or sub.kind == post.kind)
    )


@st.composite
def circles_and_a_post(draw):
    """Circles around one place, many with the post near their edge."""
    lat, lon = draw(centres)
    radius_m = draw(radii)
    subs = []
    for sub_id in draw(st.lists(ids, unique=True, max_size=30)):
        sub_lat, sub_lon = draw(points_near(lat, lon, radius_m))
        subs.append(
            Subscription(
                sub_id,
                sub_lat,
                sub_lon,
                draw(radii | st.just(radius_m)),
                draw(st.none() | st.frozensets(st.sampled_from(CATEGORIES), min_size=1)),
                draw(st.sampled_from((None,) + KINDS)),
            )
        )
    post_lat, post_lon = draw(points_near(lat, lon, radius_m))
    if subs and draw(st.booleans()):  # exactly on, or a millimetre about, one circle
        sub = draw(st.sampled_from(subs))
        offset_m = draw(st.sampled_from([-0.001, 0.0, 0.001]))
        azimuth = draw(st.floats(-180.0, 180.0))
        post_lat, post_lon = destination(sub.lat, sub.lon, azimuth, sub.radius_m + offset_m)
    if subs and draw(st.booleans()):  # a radius exactly the distance: the edge is inclusive
        index = draw(st.integers(0, len(subs) - 1))
        sub = subs[index]
        distance_m = float(GEOD.inv(sub.lon, sub.lat, post_lon, post_lat)[2])
        if 0.0 < distance_m <= 50_000.0:
            subs[index] = Subscription(
                sub.id, sub.lat, sub.lon, distance_m, sub.categories, sub.kind
            )
    post = Post(
        draw(ids),
        post_lat,
        post_lon,
        draw(st.sampled_from(CATEGORIES)),
        draw(st.sampled_from(KINDS)),
        0.0,
    )
    return subs, post


@given(case=circles_and_a_post())
def test_matching_agrees_with_brute_force(case):
    subs, post = case
    subscriptions = Subscriptions()
    for sub in subs:
        subscriptions.add(sub)
    assert len(subscriptions) == len(subs)
    assert subscriptions.matching(post) == brute_force(subs, post)


@given(case=circles_and_a_post(), data=st.data())
def test_replace_and_remove_agree_with_brute_force(case, data):
    subs, post = case
    subscriptions = Subscriptions()
    for sub in subs:
        subscriptions.add(sub)
    current = {sub.id: sub for sub in subs}
    for sub in data.draw(st.lists(st.sampled_from(subs), max_size=10)) if subs else []:
        if data.draw(st.booleans()):  # replace: a 1 m circle right on the post
            moved = Subscription(sub.id, post.lat, post.lon, 1.0, None, None)
            subscriptions.add(moved)
            current[sub.id] = moved
        else:  # remove, maybe for the second time
            subscriptions.remove(sub.id)
            current.pop(sub.id, None)
    missing_or_not = data.draw(ids)
    subscriptions.remove(missing_or_not)
    current.pop(missing_or_not, None)
    assert len(subscriptions) == len(current)
    assert subscriptions.matching(post) == brute_force(current.values(), post)


def post(lat, lon, category="food", kind="request"):
    return Post(1, lat, lon, category, kind, 0.0)


def test_circles_across_the_antimeridian():
    subscriptions = Subscriptions()
    subscriptions.add(Subscription(1, 0.0, 179.999, 500.0))
    subscriptions.add(Subscription(2, 0.0, -179.999, 500.0))
    subscriptions.add(Subscription(3, -16.5, 180.0, 2_000.0))
    assert subscriptions.matching(post(0.0, 180.0)) == [1, 2]
    assert subscriptions.matching(post(0.0, -180.0)) == [1, 2]
    assert subscriptions.matching(post(0.0, -179.9975)) == [1, 2]  # 390 m and 167 m
    assert subscriptions.matching(post(0.0, 179.995)) == [1]  # 445 m and 1.2 km
    assert subscriptions.matching(post(-16.5, -179.99)) == [3]
    assert subscriptions.matching(post(-16.5, 179.99)) == [3]


def test_circles_around_the_poles():
    subscriptions = Subscriptions()
    subscriptions.add(Subscription(1, 90.0, 0.0, 1_000.0))  # centred on the pole
    subscriptions.add(Subscription(2, 89.995, 45.0, 1_000.0))  # reaching over it
    subscriptions.add(Subscription(3, -89.99, -170.0, 5_000.0))
    lons = np.linspace(-180.0, 180.0, 37)
    for lon in lons:
        expected = brute_force(
            [Subscription(1, 90.0, 0.0, 1_000.0), Subscription(2, 89.995, 45.0, 1_000.0)],
            post(89.995, float(lon)),
        )
        assert subscriptions.matching(post(89.995, float(lon))) == expected
    assert subscriptions.matching(post(89.995, -135.0)) == [1]  # 1 km across the pole from 2
    assert subscriptions.matching(post(90.0, 0.0)) == [1, 2]
    assert subscriptions.matching(post(-89.97, 10.0)) == [3]


@pytest.mark.parametrize(
    "categories, kind, post_category, post_kind, matches",
    [
        (None, None, "food", "offer", True),  # any category, any kind
        (frozenset({"food", "pets"}), None, "pets", "offer", True),
        (frozenset({"food"}), None, "pets", "offer", False),  # another category
        (None, "request", "food", "request", True),
        (None, "request", "food", "offer", False),  # another kind
        (frozenset({"food"}), "offer", "food", "offer", True),
        (frozenset({"food"}), "offer", "food", "request", False),
    ],
)
def test_category_and_kind_filters(categories, kind, post_category, post_kind, matches):
    subscriptions = Subscriptions()
    subscriptions.add(Subscription(7, 45.188, 5.724, 500.0, categories, kind))
    expected = [7] if matches else []
    assert subscriptions.matching(post(45.189, 5.725, post_category, post_kind)) == expected


def test_replace_same_id_and_remove_missing():
    subscriptions = Subscriptions()
    subscriptions.add(Subscription(INT64_MAX, 45.188, 5.724, 500.0))
    subscriptions.add(Subscription(INT64_MIN, 45.188, 5.724, 500.0))
    assert subscriptions.matching(post(45.188, 5.724)) == [INT64_MIN, INT64_MAX]
    subscriptions.add(Subscription(INT64_MAX, 48.85, 2.35, 500.0))  # moved to Paris
    assert len(subscriptions) == 2
    assert subscriptions.matching(post(45.188, 5.724)) == [INT64_MIN]
    assert subscriptions.matching(post(48.85, 2.35)) == [INT64_MAX]
    subscriptions.remove(12345)
    subscriptions.remove(INT64_MIN)
    subscriptions.remove(INT64_MIN)
    assert len(subscriptions) == 1
    assert subscriptions.matching(post(45.188, 5.724)) == []


def test_a_hundred_thousand_subscriptions_against_brute_force():
    """Dense: 100 k circles over a city; a few posts checked against every circle."""
    rng = np.random.default_rng(4)
    n = 100_000
    lat = 45.188 + rng.uniform(-0.1, 0.1, n)
    lon = 5.724 + rng.uniform(-0.15, 0.15, n)
    radius_m = rng.choice([100.0, 500.0, 1_000.0, 3_000.0], n)
    subscriptions = Subscriptions()
    for i in range(n):
        subscriptions.add(Subscription(i, float(lat[i]), float(lon[i]), float(radius_m[i])))
    for _ in range(5):
        p = post(45.188 + rng.uniform(-0.1, 0.1), 5.724 + rng.uniform(-0.15, 0.15))
        _, _, distance_m = GEOD.inv(lon, lat, np.full(n, p.lon), np.full(n, p.lat))
        assert subscriptions.matching(p) == np.flatnonzero(distance_m <= radius_m).tolist()


@pytest.mark.parametrize(
    "fields, param",
    [
        ({"id": 2**63}, "id"),  # beyond int64
        ({"id": "7"}, "id"),
        ({"lat": math.nan}, "lat"),
        ({"lat": 90.5}, "lat"),
        ({"lon": math.inf}, "lon"),
        ({"lon": None}, "lon"),
        ({"radius_m": 0.0}, "radius_m"),  # in (0, 50000]
        ({"radius_m": 50_000.1}, "radius_m"),
        ({"radius_m": "500"}, "radius_m"),
        ({"categories": frozenset()}, "categories"),  # None means any; empty means nothing
        ({"categories": frozenset({5})}, "categories"),
        ({"categories": 5}, "categories"),
        ({"kind": "gift"}, "kind"),
    ],
)
def test_a_bad_subscription_is_refused_and_changes_nothing(fields, param):
    subscriptions = Subscriptions()
    subscriptions.add(Subscription(7, 45.188, 5.724, 500.0))
    values = {"id": 7, "lat": 45.0, "lon": 5.0, "radius_m": 100.0, "categories": None, "kind": None}
    with pytest.raises(InvalidQuery, match=param):
        subscriptions.add(Subscription(**{**values, **fields}))
    assert len(subscriptions) == 1
    assert subscriptions.matching(post(45.188, 5.724)) == [7]


@pytest.mark.parametrize(
    "bad_post, param",
    [
        (Post(1, math.nan, 5.0, "food", "offer", 0.0), "lat"),
        (Post(1, 45.0, 200.0, "food", "offer", 0.0), "lon"),
        (Post(1, 45.0, 5.0, "", "offer", 0.0), "category"),
        (Post(1, 45.0, 5.0, "food", "gift", 0.0), "kind"),  # type: ignore[arg-type]
        (Post(1, 45.0, 5.0, "food", None, 0.0), "kind"),  # type: ignore[arg-type]
    ],
)
def test_matching_names_the_bad_post_field(bad_post, param):
    with pytest.raises(InvalidQuery, match=param):
        Subscriptions().matching(bad_post)
