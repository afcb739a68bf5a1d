"""The agents' dashboard: what the city's moderators, social workers and admins count, week
by week (ISO weeks, ``web.services.weeks``, as open data and ``/stats/connections``).

Places are H3 resolution-8 cells (about 0.7 km², a neighbourhood) of public points only:
posts' public points, and volunteers' public home points through ``web.services.homes``
(never an exact home). A cell with fewer than ``K`` posts or volunteers shows no number
("< 5"): agents see places, not people. Counts with no place (by category, by outcome)
are exact: the agents already see each post and connection one by one."""

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

import h3

from web.services import followup, homes
from web.services.weeks import iso_week, weeks_back
from web.store import Store

K = 5
H3_RESOLUTION = 8
HOUR_S = 3600.0
# Unanswered requests by age, in hours: [low, high)
AGES = {
    "under_24h": (0, 24),
    "24_to_48h": (24, 48),
    "2_to_7_days": (48, 168),
    "over_7_days": (168, None),
}


def cell_of(lat: float, lon: float) -> str:
    return str(h3.latlng_to_cell(lat, lon, H3_RESOLUTION))


def withheld(counts: Counter[str]) -> list[dict[str, Any]]:
    """Cells and their counts, ``None`` under ``K`` (shown "< 5"), by cell."""
    return [
        {"cell": cell, "count": count if count >= K else None}
        for cell, count in sorted(counts.items())
    ]


def cells_geojson(posts: Counter[str]) -> dict[str, Any]:
    """The post counts by cell as GeoJSON polygons (``count`` null under ``K``)."""
    features = []
    for row in withheld(posts):
        ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(row["cell"])]
        features.append(
            {
                "type": "Feature",
                "id": row["cell"],
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                "properties": {
                    "count": row["count"],
                    "label": str(row["count"]) if row["count"] is not None else f"< {K}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def median_hours(delays_s: Iterable[float]) -> float | None:
    delays = list(delays_s)
    return round(statistics.median(delays) / HOUR_S, 1) if delays else None


def dashboard(db: Store, city_id: int, now: float, weeks: int) -> dict[str, Any]:
    """Everything the dashboard shows, over the ``weeks`` ISO weeks ending with this one."""
    since, labels = weeks_back(now, weeks)
    posts: Counter[tuple[str, str, str]] = Counter()
    cells: Counter[str] = Counter()
    for created_at, category, kind, lat, lon in db.dashboard_posts(city_id, since):
        posts[(iso_week(created_at), category, kind)] += 1
        cells[cell_of(lat, lon)] += 1
    connections: Counter[tuple[str, str]] = Counter()
    for stat in db.connection_stats(city_id):
        if stat.created_at >= since:
            outcome = followup.outcome_of(stat.status, stat.outcome)
            connections[(iso_week(stat.created_at), outcome)] += 1
    delays_by_week: dict[str, list[float]] = {}
    for posted_at, contacted_at in db.first_contacts(city_id, since):
        delays_by_week.setdefault(iso_week(posted_at), []).append(contacted_at - posted_at)
    ages = Counter(_age(now - posted_at) for posted_at in db.unanswered_since(city_id, now))
    return {
        "weeks": labels,
        "posts": [
            {"week": week, "category": category, "kind": kind, "posts": count}
            for (week, category, kind), count in sorted(posts.items())
        ],
        "cells": cells_geojson(cells),
        "connections": [
            {"week": week, "outcome": outcome, "connections": count}
            for (week, outcome), count in sorted(connections.items())
        ],
        "first_contact_hours": {
            "median": median_hours(d for delays in delays_by_week.values() for d in delays),
            "by_week": {
                week: median_hours(delays_by_week[week]) for week in sorted(delays_by_week)
            },
        },
        "unanswered_requests": {name: ages[name] for name in AGES},
        "volunteers": {
            "calls": withheld(_home_cells(db.call_volunteers(city_id))),
            "missions": withheld(_home_cells(db.mission_volunteers(city_id))),
        },
    }


def _age(waited_s: float) -> str:
    hours = waited_s / HOUR_S
    return next(
        name
        for name, (low, high) in AGES.items()
        if hours >= low and (high is None or hours < high)
    )


def _home_cells(rows: Any) -> Counter[str]:
    return Counter(cell_of(row["lat"], row["lon"]) for row in homes.with_public_homes(rows))


CSV_FIELDS = ["measure", "week", "category", "kind", "outcome", "cell", "count"]


def as_csv(board: dict[str, Any]) -> str:
    """The dashboard as one CSV table: a row per number, ``measure`` saying which; a
    withheld count is written ``<5``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    rows: list[dict[str, Any]] = []
    for row in board["posts"]:
        kept = {name: row[name] for name in ("week", "category", "kind")}
        rows.append({"measure": "posts", **kept, "count": row["posts"]})
    for feature in board["cells"]["features"]:
        count = _shown(feature["properties"]["count"])
        rows.append({"measure": "posts_by_cell", "cell": feature["id"], "count": count})
    for row in board["connections"]:
        kept = {"week": row["week"], "outcome": row["outcome"]}
        rows.append({"measure": "connections", **kept, "count": row["connections"]})
    for week, hours in board["first_contact_hours"]["by_week"].items():
        rows.append({"measure": "median_hours_to_first_contact", "week": week, "count": hours})
    for name, count in board["unanswered_requests"].items():
        rows.append({"measure": f"unanswered_requests_{name}", "count": count})
    for role, cells in board["volunteers"].items():
        for row in cells:
            rows.append({"measure": f"volunteers_{role}", **row, "count": _shown(row["count"])})
    writer.writerows(rows)
    return out.getvalue()


def _shown(count: int | None) -> str:
    return f"<{K}" if count is None else str(count)
