"""Volunteers' public home points in a private ``matcher.Index``, for the social workers
(nearest volunteers who accept calls) and the associations (volunteers who accept missions
within a mission's radius).

The rows come through ``web.services.homes.with_public_homes``: ``lat``/``lon`` are the public
points of the homes, so every list, count, order and distance derived here is the same
wherever a home lies inside its cell. The index is built per request from SQLite and
dropped after it: a city's volunteers number hundreds, not millions (10 000 points build
in a few milliseconds), so nothing can go stale between workers, and a withdrawn tick
applies at once. These points never enter the post indexes of ``web.indexes``."""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from matcher import Index, Match

PAGE = 1000  # the engine's largest page


def points_index(rows: Sequence[Mapping[str, Any]]) -> Index:
    """An index of the rows' ``lat``, ``lon`` under their ``id`` (category and kind mean
    nothing here; every point has the same time, so ties order by id)."""
    return Index.from_arrays(
        np.array([row["id"] for row in rows], dtype=np.int64),
        np.array([row["lat"] for row in rows], dtype=np.float64),
        np.array([row["lon"] for row in rows], dtype=np.float64),
        np.array(["volunteer"] * len(rows), dtype=object),
        np.array(["offer"] * len(rows), dtype=object),
        np.zeros(len(rows), dtype=np.float64),
    )


def within(index: Index, lat: float, lon: float, radius_m: float) -> list[Match]:
    """Every point within ``radius_m`` (inclusive, geodesic), page after page."""
    found: list[Match] = []
    before = None
    while True:
        page = index.search(lat, lon, radius_m, limit=PAGE, before=before)
        found += page
        if len(page) < PAGE:
            return found
        before = (page[-1].created_at, page[-1].id)


def nearest(
    rows: Sequence[Mapping[str, Any]], lat: float, lon: float, radius_m: float, limit: int
) -> list[tuple[Mapping[str, Any], float]]:
    """The ``limit`` rows nearest to the point within ``radius_m``, nearest first (equal
    distances by id), each with its geodesic distance in metres: ``Index.nearest`` over
    the rows' points (public points: ``web.services.homes`` gives them)."""
    if not rows:
        return []
    by_id = {row["id"]: row for row in rows}
    found = points_index(rows).nearest(lat, lon, limit, radius_m=radius_m)
    return [(by_id[match.id], match.distance_m) for match in found]
