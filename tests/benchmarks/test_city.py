"""The synthetic city: reproducible for a seed, and shaped as the design says."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from rtree import index as rtree_index

from benchmarks import city

NOW = 1_790_000_000.0
DAY_S = 86_400.0
CATEGORIES_FILE = Path(city.__file__).resolve().parent.parent / "data" / "categories.json"


@pytest.fixture(scope="module")
def town():
    return city.generate(20_000, seed=3, now=NOW)


def test_the_same_seed_gives_the_same_city():
    first, second = city.generate(5_000, seed=7, now=NOW), city.generate(5_000, seed=7, now=NOW)
    for name in ("id", "lat", "lon", "category", "kind", "created_at", "category_code"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name


def test_another_seed_gives_another_city():
    first, second = city.generate(5_000, seed=7, now=NOW), city.generate(5_000, seed=8, now=NOW)
    assert not np.array_equal(first.lat, second.lat)


def test_columns_have_the_types_from_arrays_takes(town):
    assert len(town) == 20_000
    assert town.id.dtype == np.int64 and len(np.unique(town.id)) == len(town)
    assert town.lat.dtype == town.lon.dtype == town.created_at.dtype == np.float64
    assert all(isinstance(value, str) for value in town.category[:100])
    assert set(town.kind.tolist()) == {"offer", "request"}


def test_posts_lie_in_24_km_around_grenoble(town):
    half_lat = city.HALF_EXTENT_M / city.M_PER_DEG_LAT
    half_lon = city.HALF_EXTENT_M / city.M_PER_DEG_LON
    assert np.all(np.abs(town.lat - city.CENTRE_LAT) <= half_lat + 1e-9)
    assert np.all(np.abs(town.lon - city.CENTRE_LON) <= half_lon + 1e-9)
    # a dense core: far more posts within 2 km of the centre than a uniform spread gives
    near = (np.abs(town.lat - city.CENTRE_LAT) * city.M_PER_DEG_LAT < 2_000) & (
        np.abs(town.lon - city.CENTRE_LON) * city.M_PER_DEG_LON < 2_000
    )
    assert near.mean() > 5 * (4_000**2 / 24_000**2)


def test_about_40_percent_of_posts_share_a_building(town):
    """A post in a building has a neighbour within 12 m; few free posts do."""
    x = (town.lon - city.CENTRE_LON) * city.M_PER_DEG_LON
    y = (town.lat - city.CENTRE_LAT) * city.M_PER_DEG_LAT
    points = np.column_stack([x, y])
    tree = rtree_index.Index((np.arange(len(town), dtype=np.int64), points, points))
    _, counts = tree.intersection_v(points - 12.0, points + 12.0)
    with_neighbour = (counts > 1).mean()
    assert 0.30 <= with_neighbour <= 0.55


def test_categories_are_the_first_ten_slugs_with_zipf_shares(town):
    slugs = [entry["slug"] for entry in json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))]
    assert tuple(slugs[:10]) == city.CATEGORIES
    shares = np.bincount(town.category_code, minlength=10) / len(town)
    assert np.all(np.diff(shares[:5]) < 0)  # the most common first
    assert 7 <= shares[0] / shares[9] <= 14  # Zipf, exponent 1: ten to one
    assert [city.CATEGORIES[code] for code in town.category_code[:50]] == town.category[
        :50
    ].tolist()


def test_created_at_spans_90_days_by_the_minute_with_ties(town):
    assert town.created_at.max() <= NOW
    assert town.created_at.min() >= NOW - 90 * DAY_S
    assert town.created_at.max() - town.created_at.min() > 89 * DAY_S
    assert np.all(town.created_at % 60 == 0)
    assert len(np.unique(town.created_at)) < len(town)
    assert np.all(np.diff(town.created_at) >= 0)  # ids grow with time, as row ids do


def test_offers_outnumber_requests(town):
    assert 0.55 <= (town.kind == "offer").mean() <= 0.65


def test_queries_start_near_posts_with_the_same_skew(town):
    queries = city.queries(town, 2_000, seed=5)
    again = city.queries(town, 2_000, seed=5)
    assert np.array_equal(queries.lat, again.lat)
    assert np.array_equal(queries.category, again.category)
    any_category = np.array([c is None for c in queries.category])
    assert 0.1 <= any_category.mean() <= 0.3
    named = queries.category[~any_category].tolist()
    assert named.count(city.CATEGORIES[0]) > 3 * named.count(city.CATEGORIES[9])
    # each centre is within a couple of hundred metres of some post
    for lat, lon in zip(queries.lat[:50], queries.lon[:50], strict=True):
        nearest_m = np.min(
            np.hypot((town.lat - lat) * city.M_PER_DEG_LAT, (town.lon - lon) * city.M_PER_DEG_LON)
        )
        assert nearest_m < 200


def test_write_csv_round_trips(tmp_path):
    small = city.generate(300, seed=1, now=NOW)
    path = tmp_path / "city.csv"
    city.write_csv(small, path)
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 300
    assert [int(row["id"]) for row in rows] == small.id.tolist()
    assert [float(row["lat"]) for row in rows] == small.lat.tolist()
    assert [row["category"] for row in rows] == small.category.tolist()
    assert [float(row["created_at"]) for row in rows] == small.created_at.tolist()


def test_posts_yield_the_rows_as_engine_records():
    from matcher import Post

    small = city.generate(50, seed=2, now=NOW)
    posts = list(small.posts())
    assert len(posts) == 50 and all(isinstance(post, Post) for post in posts)
    assert posts[7] == Post(
        int(small.id[7]),
        float(small.lat[7]),
        float(small.lon[7]),
        small.category[7],
        small.kind[7],
        float(small.created_at[7]),
    )


def test_a_negative_size_is_refused():
    with pytest.raises(ValueError, match="n must be >= 0"):
        city.generate(-1)
