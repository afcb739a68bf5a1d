"""The brute-force oracle: what ``Index`` must answer, computed the obvious way.

Every distance is ``pyproj.Geod(ellps="WGS84").inv`` from the query centre to the post;
a post matches when that distance is <= radius_m; matches are sorted newest first
(``created_at`` desc, then ``id`` desc) and cut at ``limit``. No cleverness, so that a
disagreement is the engine's fault."""

from collections.abc import Collection, Iterable

import numpy as np
from pyproj import Geod

from matcher import Match, Post

GEOD = Geod(ellps="WGS84")
DISTANCE_TOLERANCE_M = 1e-6


def distances_m(lat: float, lon: float, posts: list[Post]) -> np.ndarray:
    """Geodesic distances from ``(lat, lon)`` to each post."""
    if not posts:
        return np.empty(0)
    post_lat = np.array([post.lat for post in posts], dtype=np.float64)
    post_lon = np.array([post.lon for post in posts], dtype=np.float64)
    _, _, distance = GEOD.inv(
        np.full(len(posts), lon), np.full(len(posts), lat), post_lon, post_lat
    )
    return np.asarray(distance, dtype=np.float64)


def search(
    posts: Iterable[Post],
    lat: float,
    lon: float,
    radius_m: float,
    *,
    category: str | Collection[str] | None = None,
    kind: str | None = None,
    limit: int | None = 20,
    before: tuple[float, int] | None = None,
) -> list[Match]:
    """``Index.search`` by brute force; ``limit=None`` returns every match."""
    candidates = _filtered(posts, category, kind, before)
    distance = distances_m(lat, lon, candidates)
    matches = [
        Match(post.id, float(d), post.created_at)
        for post, d in zip(candidates, distance, strict=True)
        if d <= radius_m
    ]
    return _newest_first(matches)[:limit]


def nearest(
    posts: Iterable[Post],
    lat: float,
    lon: float,
    k: int,
    *,
    radius_m: float = 50_000.0,
    category: str | Collection[str] | None = None,
    kind: str | None = None,
) -> list[Match]:
    """``Index.nearest`` by brute force: nearest first, equal distances by id."""
    matches = search(posts, lat, lon, radius_m, category=category, kind=kind, limit=None)
    return sorted(matches, key=lambda match: (match.distance_m, match.id))[:k]


def within_box(
    posts: Iterable[Post],
    south: float,
    west: float,
    north: float,
    east: float,
    *,
    category: str | Collection[str] | None = None,
    kind: str | None = None,
    limit: int | None = 500,
) -> list[Match]:
    """``Index.within_box`` by brute force: ``west > east`` crosses the antimeridian;
    distances from the box centre."""
    candidates = [
        post
        for post in _filtered(posts, category, kind, None)
        if south <= post.lat <= north and in_lon_range(post.lon, west, east)
    ]
    centre_lat, centre_lon = box_centre(south, west, north, east)
    distance = distances_m(centre_lat, centre_lon, candidates)
    matches = [
        Match(post.id, float(d), post.created_at)
        for post, d in zip(candidates, distance, strict=True)
    ]
    return _newest_first(matches)[:limit]


def in_lon_range(lon: float, west: float, east: float) -> bool:
    if west <= east:
        return west <= lon <= east
    return lon >= west or lon <= east


def box_centre(south: float, west: float, north: float, east: float) -> tuple[float, float]:
    width = east - west if west <= east else east - west + 360.0
    centre_lon = west + width / 2.0
    if centre_lon > 180.0:
        centre_lon -= 360.0
    return (south + north) / 2.0, centre_lon


def assert_same_matches(got: list[Match], expected: list[Match]) -> None:
    """Same ids in the same order, same times, distances within 1e-6 m; plain Python
    numbers (a numpy int64 would not serialise to JSON)."""
    assert [match.id for match in got] == [match.id for match in expected]
    assert [match.created_at for match in got] == [match.created_at for match in expected]
    for got_match, expected_match in zip(got, expected, strict=True):
        assert isinstance(got_match, Match)
        assert type(got_match.id) is int
        assert type(got_match.distance_m) is float and type(got_match.created_at) is float
        assert abs(got_match.distance_m - expected_match.distance_m) <= DISTANCE_TOLERANCE_M, (
            got_match,
            expected_match,
        )


def _filtered(
    posts: Iterable[Post],
    category: str | Collection[str] | None,
    kind: str | None,
    before: tuple[float, int] | None,
) -> list[Post]:
    categories = {category} if isinstance(category, str) else category
    return [
        post
        for post in posts
        if (categories is None or post.category in categories)
        and (kind is None or post.kind == kind)
        and (before is None or (post.created_at, post.id) < before)
    ]


def _newest_first(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda match: (-match.created_at, -match.id))
