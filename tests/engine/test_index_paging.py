"""Keyset paging: following ``before`` page by page walks the oracle's whole list."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import Post
from tests.engine import oracle
from tests.engine.strategies import build_index, category_filters, kind_filters, scenes


def all_pages(index, lat, lon, radius_m, limit, **filters):
    """Every page, following ``before=(last.created_at, last.id)`` until a short page."""
    pages = []
    before = None
    while True:
        page = index.search(lat, lon, radius_m, limit=limit, before=before, **filters)
        pages.append(page)
        if len(page) < limit:
            return pages
        before = (page[-1].created_at, page[-1].id)
        assert len(pages) <= 1000, "paging does not terminate"


@given(
    scene=scenes(max_posts=60),
    bulk=st.booleans(),
    limit=st.sampled_from([1, 2, 3, 7, 20]),
    category=category_filters,
    kind=kind_filters,
)
def test_paging_yields_the_whole_ordered_list_without_gap_or_duplicate(
    scene, bulk, limit, category, kind
):
    index = build_index(scene.posts, bulk)
    filters = {"category": category, "kind": kind}
    pages = all_pages(index, scene.lat, scene.lon, scene.radius_m, limit, **filters)
    walked = [match for page in pages for match in page]
    expected = oracle.search(
        scene.posts, scene.lat, scene.lon, scene.radius_m, limit=None, **filters
    )
    oracle.assert_same_matches(walked, expected)
    assert all(len(page) == limit for page in pages[:-1])


@given(scene=scenes(), bulk=st.booleans(), data=st.data())
def test_before_any_key_agrees_with_brute_force(scene, bulk, data):
    """``before`` need not be a key in the index: any (created_at, id) cuts the list."""
    created_at = data.draw(st.sampled_from([0.0, 1.0, 2.5, 1_763_800_000.0, -1.5]))
    post_id = data.draw(st.integers(-(2**63), 2**63 - 1) | st.integers(-5, 5))
    index = build_index(scene.posts, bulk)
    got = index.search(
        scene.lat, scene.lon, scene.radius_m, limit=1000, before=(created_at, post_id)
    )
    expected = oracle.search(
        scene.posts, scene.lat, scene.lon, scene.radius_m, limit=None, before=(created_at, post_id)
    )
    oracle.assert_same_matches(got, expected)


@pytest.mark.parametrize("limit", [1, 2, 5, 50])
@pytest.mark.parametrize("bulk", [False, True])
def test_paging_through_ties_in_one_building(limit, bulk):
    """Forty posts at one point and one time: only the ids order them."""
    posts = [Post(post_id, 45.1885, 5.7245, "food", "offer", 1.0) for post_id in range(-20, 20)]
    index = build_index(posts, bulk)
    walked = [m.id for page in all_pages(index, 45.1885, 5.7245, 10.0, limit) for m in page]
    assert walked == list(range(19, -21, -1))


@pytest.mark.parametrize("limit", [7, 100])
def test_paging_where_time_and_place_are_correlated(limit):
    """Old posts near the query, new ones 8 km away, plus posts added after the build:
    every page, from the bulk part and the recent changes alike, in order."""
    rng = np.random.default_rng(limit)

    def around(lon, count, first_id, times):
        return [
            Post(
                first_id + i,
                45.19 + float(rng.normal(0, 0.01)),
                lon + float(rng.normal(0, 0.01)),
                "food",
                "offer",
                float(rng.integers(*times)),
            )
            for i in range(count)
        ]

    posts = around(5.72, 400, 0, (0, 50)) + around(5.82, 3000, 10_000, (100, 150))
    index = build_index(posts, bulk=True)
    later = around(5.72, 150, 20_000, (0, 200))
    for post in later:
        index.add(post)
    walked = [m for page in all_pages(index, 45.19, 5.72, 1500.0, limit) for m in page]
    oracle.assert_same_matches(
        walked, oracle.search(posts + later, 45.19, 5.72, 1500.0, limit=None)
    )
