"""A stateful test: add, replace, remove, bulk loads and queries in any order, checked
against a plain dict of posts and the brute-force oracle after every step."""

import math

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from matcher import Index, InvalidQuery, Post
from tests.engine import oracle
from tests.engine.strategies import (
    CATEGORIES,
    INT64_MAX,
    INT64_MIN,
    KINDS,
    category_filters,
    columns,
    created_ats,
    ids,
    kind_filters,
    points_near,
)

# A city, the antimeridian and the north pole: where posts and queries happen.
PLACES = [(45.188, 5.724), (-16.5, 180.0), (89.9995, 0.0)]
SPREAD_M = 400.0


@st.composite
def posts_with(draw, post_id):
    lat, lon = draw(st.sampled_from(PLACES))
    post_lat, post_lon = draw(points_near(lat, lon, SPREAD_M))
    return Post(
        post_id,
        post_lat,
        post_lon,
        draw(st.sampled_from(CATEGORIES)),
        draw(st.sampled_from(KINDS)),
        draw(created_ats),
    )


class IndexAgainstModel(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.index = Index()
        self.model: dict[int, Post] = {}

    @rule(data=st.data())
    def add(self, data):
        post = data.draw(ids.flatmap(posts_with))
        self.index.add(post)
        self.model[post.id] = post

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def replace(self, data):
        post_id = data.draw(st.sampled_from(sorted(self.model)))
        post = data.draw(posts_with(post_id))
        self.index.add(post)
        self.model[post_id] = post

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def remove_present(self, data):
        post_id = data.draw(st.sampled_from(sorted(self.model)))
        self.index.remove(post_id)
        del self.model[post_id]

    @rule(post_id=ids)
    def remove_maybe_missing(self, post_id):
        self.index.remove(post_id)
        self.model.pop(post_id, None)

    @rule(data=st.data())
    def failed_add_changes_nothing(self, data):
        post_id = data.draw(st.sampled_from(sorted(self.model)) if self.model else ids)
        bad = data.draw(posts_with(post_id))
        bad = Post(bad.id, math.nan, bad.lon, bad.category, bad.kind, bad.created_at)
        with pytest.raises(InvalidQuery, match="lat"):
            self.index.add(bad)

    @rule()
    def bulk_load(self):
        self.index = Index.from_arrays(*columns(list(self.model.values())))

    @rule(
        data=st.data(),
        radius_m=st.sampled_from([1.0, 20.0, 300.0, 2000.0]),
        category=category_filters,
        kind=kind_filters,
        limit=st.integers(1, 10) | st.just(1000),
    )
    def search(self, data, radius_m, category, kind, limit):
        lat, lon = data.draw(st.sampled_from(PLACES).flatmap(lambda c: points_near(*c, SPREAD_M)))
        keys = [(p.created_at, p.id) for p in self.model.values()]
        before = data.draw(st.none() | st.sampled_from(keys)) if keys else None
        got = self.index.search(
            lat, lon, radius_m, category=category, kind=kind, limit=limit, before=before
        )
        expected = oracle.search(
            self.model.values(),
            lat,
            lon,
            radius_m,
            category=category,
            kind=kind,
            limit=limit,
            before=before,
        )
        oracle.assert_same_matches(got, expected)

    @rule(data=st.data(), half_width_deg=st.sampled_from([0.0, 0.001, 0.01]))
    def within_box(self, data, half_width_deg):
        lat, lon = data.draw(st.sampled_from(PLACES))
        south, north = max(-90.0, lat - half_width_deg), min(90.0, lat + half_width_deg)
        west, east = lon - half_width_deg, lon + half_width_deg
        west = west + 360.0 if west < -180.0 else west
        east = east - 360.0 if east > 180.0 else east
        got = self.index.within_box(south, west, north, east, limit=1000)
        expected = oracle.within_box(self.model.values(), south, west, north, east, limit=1000)
        oracle.assert_same_matches(got, expected)

    @invariant()
    def same_size_as_the_model(self):
        assert len(self.index) == len(self.model)


IndexAgainstModel.TestCase.settings = settings(
    settings.default, max_examples=30, stateful_step_count=30
)
test_index_against_a_model = IndexAgainstModel.TestCase


@pytest.mark.parametrize(
    "seed, add_share, replace_share",
    [
        (1, 0.8, 0.9),  # mostly adds: the buffer of recent changes fills up
        (2, 0.5, 0.7),  # many removals: tombstones pile up
    ],
)
def test_thousands_of_changes_across_rebuilds_agree_with_the_model(seed, add_share, replace_share):
    """Enough adds, replacements and removals to fill the index's buffer of recent
    changes and its tombstones several times over, with ids anywhere in int64 and
    categories first seen after the bulk load, checked against the model as it goes."""
    rng = np.random.default_rng(seed)
    random_ids = rng.integers(INT64_MIN, INT64_MAX, 30_000, endpoint=True).tolist()
    fresh_ids = iter(dict.fromkeys([INT64_MIN, INT64_MAX, 0, -1, *random_ids]))

    def random_post(post_id, categories=CATEGORIES):
        return Post(
            post_id,
            45.188 + float(rng.normal(0, 0.01)),
            5.724 + float(rng.normal(0, 0.01)),
            categories[int(rng.integers(len(categories)))],
            KINDS[int(rng.integers(2))],
            float(rng.integers(0, 500)),
        )

    first = [random_post(next(fresh_ids), CATEGORIES[:2]) for _ in range(3000)]
    index = Index.from_arrays(*columns(first))
    model = {post.id: post for post in first}
    known = list(model)  # ids to replace or remove, refreshed now and then
    for step in range(1, 12_001):
        action = rng.random()
        if action < add_share:
            post = random_post(next(fresh_ids))
            index.add(post)
            model[post.id] = post
        elif action < replace_share:  # replace, or bring back an id removed earlier
            post = random_post(known[int(rng.integers(len(known)))])
            index.add(post)
            model[post.id] = post
        else:  # remove, present or not
            post_id = known[int(rng.integers(len(known)))]
            index.remove(post_id)
            model.pop(post_id, None)
        if step % 500 == 0:
            known = list(model) or [0]
            assert len(index) == len(model)
            for radius_m, category in ((100.0, None), (800.0, "pets"), (3000.0, CATEGORIES[1:])):
                lat, lon = 45.188 + float(rng.normal(0, 0.01)), 5.724 + float(rng.normal(0, 0.01))
                oracle.assert_same_matches(
                    index.search(lat, lon, radius_m, category=category, limit=50),
                    oracle.search(model.values(), lat, lon, radius_m, category=category, limit=50),
                )
            box = (45.18, 5.71, 45.19, 5.73)
            oracle.assert_same_matches(
                index.within_box(*box, kind="request"),
                oracle.within_box(model.values(), *box, kind="request"),
            )
