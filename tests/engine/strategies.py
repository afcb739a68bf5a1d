"""Hypothesis strategies for engine tests: points, posts and whole scenes built around a
query circle so that many posts fall near its edge, in one building, or across the
antimeridian and the poles, where a fast index is most likely to be wrong."""

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from matcher import Index, Post
from tests.engine.oracle import GEOD

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
CATEGORIES = ("food", "pets", "shopping", "transport")
ABSENT_CATEGORY = "printing"  # never in any index built here
KINDS = ("offer", "request")

ids = st.one_of(
    st.sampled_from([INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX]),
    st.integers(-1000, 1000),
    st.integers(INT64_MIN, INT64_MAX),
)
# Few distinct times, so that many posts tie on created_at and order falls to the id.
created_ats = st.one_of(
    st.integers(0, 4).map(float),
    st.sampled_from([1_763_800_000.0, 1_763_800_000.5, -1.5, -0.0, 1e300, -1e300]),
    st.floats(1.7e9, 1.8e9),
)
latitudes = st.one_of(
    st.floats(-90.0, 90.0), st.sampled_from([-90.0, -89.9999, 0.0, 45.188, 89.9999, 90.0])
)
longitudes = st.one_of(
    st.floats(-180.0, 180.0), st.sampled_from([-180.0, -179.9999, 0.0, 5.724, 179.9999, 180.0])
)
centres = st.one_of(
    st.tuples(latitudes, longitudes),
    st.tuples(st.floats(45.0, 45.4), st.floats(5.5, 6.0)),  # a city
    st.tuples(st.floats(89.0, 90.0), longitudes),  # near the north pole
    st.tuples(st.floats(-90.0, -89.0), longitudes),  # near the south pole
    st.tuples(latitudes, st.floats(179.0, 180.0) | st.floats(-180.0, -179.0)),  # antimeridian
    # high latitudes, where a local plane errs most before exact geodesics take over
    st.tuples(st.floats(75.0, 85.0) | st.floats(-85.0, -75.0), longitudes),
)
radii = st.one_of(
    st.sampled_from([1.0, 20.0, 200.0, 1000.0, 5000.0, 50_000.0]),
    st.floats(1.0, 50_000.0),
)
category_filters = st.one_of(
    st.none(),
    st.sampled_from(CATEGORIES + (ABSENT_CATEGORY,)),
    st.lists(st.sampled_from(CATEGORIES + (ABSENT_CATEGORY,)), min_size=1, max_size=3),
    st.sets(st.sampled_from(CATEGORIES + (ABSENT_CATEGORY,)), min_size=1, max_size=3),
    st.frozensets(st.sampled_from(CATEGORIES), min_size=1).map(tuple),
)
kind_filters = st.sampled_from((None,) + KINDS)
limits = st.one_of(st.integers(1, 30), st.just(1000))


def destination(
    lat: float, lon: float, azimuth_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point ``distance_m`` from ``(lat, lon)`` along the geodesic at ``azimuth_deg``."""
    dest_lon, dest_lat, _ = GEOD.fwd(lon, lat, azimuth_deg, distance_m)
    dest_lon = float(dest_lon)
    if dest_lon > 180.0:
        dest_lon -= 360.0
    elif dest_lon < -180.0:
        dest_lon += 360.0
    return min(90.0, max(-90.0, float(dest_lat))), dest_lon


@st.composite
def points_near(draw: st.DrawFn, lat: float, lon: float, radius_m: float) -> tuple[float, float]:
    """A point placed relative to the circle: on it, 1 mm inside or outside, anywhere
    within twice the radius, or a few metres from the centre."""
    distance_m = draw(
        st.one_of(
            st.just(radius_m),
            st.just(radius_m - 0.001),
            st.just(radius_m + 0.001),
            st.floats(0.0, 2.0 * radius_m),
            st.floats(0.0, 5.0),
        )
    )
    azimuth_deg = draw(st.floats(-180.0, 180.0))
    return destination(lat, lon, azimuth_deg, max(0.0, distance_m))


@dataclass(frozen=True)
class Scene:
    """Posts and a query circle they were placed around."""

    posts: list[Post]
    lat: float
    lon: float
    radius_m: float


@st.composite
def scenes(draw: st.DrawFn, max_posts: int = 40) -> Scene:
    """A circle and posts around it: near its edge, clustered in one building (a few
    metres apart, often at the same time), and scattered anywhere on Earth."""
    lat, lon = draw(centres)
    radius_m = draw(radii)
    building = draw(points_near(lat, lon, radius_m))
    placements = st.one_of(
        points_near(lat, lon, radius_m),
        points_near(*building, 5.0),
        st.tuples(latitudes, longitudes),
    )
    size = draw(st.integers(0, max_posts))
    post_ids = draw(st.lists(ids, unique=True, min_size=size, max_size=size))
    posts = []
    for post_id in post_ids:
        post_lat, post_lon = draw(placements)
        posts.append(
            Post(
                id=post_id,
                lat=post_lat,
                lon=post_lon,
                category=draw(st.sampled_from(CATEGORIES)),
                kind=draw(st.sampled_from(KINDS)),
                created_at=draw(created_ats),
            )
        )
    return Scene(posts, lat, lon, radius_m)


def build_index(posts: list[Post], bulk: bool) -> Index:
    """An index holding ``posts``, bulk-loaded with ``from_arrays`` or added one by one."""
    if not bulk:
        index = Index()
        for post in posts:
            index.add(post)
        return index
    return Index.from_arrays(*columns(posts))


def columns(posts: list[Post]) -> tuple[np.ndarray, ...]:
    """``(id, lat, lon, category, kind, created_at)`` arrays, as ``from_arrays`` takes."""
    return (
        np.array([post.id for post in posts], dtype=np.int64),
        np.array([post.lat for post in posts], dtype=np.float64),
        np.array([post.lon for post in posts], dtype=np.float64),
        np.array([post.category for post in posts], dtype=object),
        np.array([post.kind for post in posts], dtype=object),
        np.array([post.created_at for post in posts], dtype=np.float64),
    )


TIMINGS = ("ties", "spread", "older_nearer", "newer_nearer")


def crowd_posts(
    lat: float, lon: float, radius_m: float, size: int, seed: int, timing: str
) -> list[Post]:
    """``size`` posts within twice ``radius_m`` of a centre, placed by a seeded
    generator; ``timing`` (one of TIMINGS) says how their times relate to each other
    and to their distance from the centre."""
    rng = np.random.default_rng(seed)
    distance_m = 2.0 * radius_m * np.sqrt(rng.random(size))
    azimuth = rng.uniform(-180.0, 180.0, size)
    post_lon, post_lat, _ = GEOD.fwd(np.full(size, lon), np.full(size, lat), azimuth, distance_m)
    post_lon = (np.asarray(post_lon) + 180.0) % 360.0 - 180.0
    post_lat = np.clip(np.asarray(post_lat), -90.0, 90.0)
    if timing == "ties":
        created_at = rng.integers(0, 3, size).astype(float)
    elif timing == "spread":
        created_at = rng.uniform(1.7e9, 1.8e9, size)
    else:
        sign = 1.0 if timing == "older_nearer" else -1.0
        created_at = np.round(sign * distance_m / radius_m * 100.0)
    post_ids = rng.choice(2**62, size, replace=False) - 2**61
    zipf = np.array([0.5, 0.25, 0.15, 0.1])
    return [
        Post(int(i), float(a), float(o), CATEGORIES[int(c)], KINDS[int(k)], float(t))
        for i, a, o, c, k, t in zip(
            post_ids,
            post_lat,
            post_lon,
            rng.choice(len(CATEGORIES), size, p=zipf),
            rng.integers(0, 2, size),
            created_at,
            strict=True,
        )
    ]


@st.composite
def crowds(draw: st.DrawFn) -> Scene:
    """Hundreds to thousands of posts around a circle (``crowd_posts``): enough for the
    index's choices between its plans (gather the cells, or walk newest first) to
    matter, with time and place sometimes correlated."""
    lat, lon = draw(centres)
    radius_m = draw(radii)
    size = draw(st.sampled_from([200, 1000, 3000]))
    seed = draw(st.integers(0, 2**32 - 1))
    timing = draw(st.sampled_from(TIMINGS))
    return Scene(crowd_posts(lat, lon, radius_m, size, seed, timing), lat, lon, radius_m)
