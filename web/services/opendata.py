"""Open data that cannot re-identify anyone: weekly counts of published posts by H3 cell
(resolution 7, about 5 km², of the posts' public points), category and kind, the same with
the cells' polygons, city-wide connections by week, category and outcome, and a
Frictionless ``datapackage.json`` describing them.

A row under ``K`` (5) is withheld. That alone is not enough: a total published elsewhere
minus the rows shown would give the withheld rows back. So ``withhold`` also hides rows
until, in every group some other public number adds up (``/stats`` counts posts by
category and kind; a city quotes connections in total, by week, by category, by
outcome), the withheld rows sum to nothing or to at least ``K``, over two rows or more.
``/stats`` itself withholds its counts under ``K``.

Served at ``/api/v1/<city>/open-data/<file>`` and written by
``flask --app web export-open-data CITY DIR``. Posts purged by ``web.services.retention`` still
count: the purge keeps their counts (``purged_post_counts``), nothing else."""

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import h3

from web.services import followup
from web.services.weeks import iso_week
from web.store import Store
from web.store.rows import City

K = 5
H3_RESOLUTION = 7
DEFAULT_LICENCE = "etalab-2.0"
LICENCES = {
    "etalab-2.0": (
        "Licence Ouverte / Open Licence 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
}

Key = tuple[str, ...]
WEEK = {
    "name": "week",
    "type": "string",
    "description": "ISO 8601 week (UTC) the post or connection was created, e.g. 2026-W47",
    "constraints": {"required": True, "pattern": "^[0-9]{4}-W[0-9]{2}$"},
}
CATEGORY = {"name": "category", "type": "string", "constraints": {"required": True}}
POST_FIELDS = [
    WEEK,
    {
        "name": "h3_cell",
        "type": "string",
        "description": "H3 resolution-7 cell of the posts' public points",
        "constraints": {"required": True, "pattern": "^[0-9a-f]{15}$"},
    },
    CATEGORY,
    {
        "name": "kind",
        "type": "string",
        "constraints": {"required": True, "enum": ["offer", "request"]},
    },
    {"name": "posts", "type": "integer", "constraints": {"required": True, "minimum": K}},
]
CONNECTION_FIELDS = [
    WEEK,
    CATEGORY,
    {
        "name": "outcome",
        "type": "string",
        "description": "requested, declined, accepted (not answered yet), done, not_done",
        "constraints": {
            "required": True,
            "enum": ["requested", "declined", "accepted", "done", "not_done"],
        },
    },
    {"name": "connections", "type": "integer", "constraints": {"required": True, "minimum": K}},
]
# The groups other public numbers add up, by key position: /stats counts live posts by
# (category, kind); connections are quoted in total, by week, by category, by outcome.
POST_MARGINALS = [(2, 3)]
CONNECTION_MARGINALS = [(), (0,), (1,), (2,)]


def withhold(counts: dict[Key, int], marginals: Sequence[Sequence[int]]) -> dict[Key, int]:
    """The rows that may be published: at least ``K``, and, in each group of each marginal,
    more rows withheld (smallest first) while the withheld ones sum to 1 .. K-1. A
    withheld sum of at least K spans two rows or more (each primary row is under K)."""
    shown = {key: n for key, n in counts.items() if n >= K}
    changed = True
    while changed:
        changed = False
        for fields in marginals:
            groups: defaultdict[Key, list[Key]] = defaultdict(list)
            for key in counts:
                groups[tuple(key[i] for i in fields)].append(key)
            for keys in groups.values():
                hidden = sum(counts[key] for key in keys if key not in shown)
                for key in sorted((k for k in keys if k in shown), key=lambda k: (counts[k], k)):
                    if not 0 < hidden < K:
                        break
                    del shown[key]
                    hidden += counts[key]
                    changed = True  # another marginal's groups may need more
    return shown


def cell_counts(posts: Iterable[tuple[float, float, float, str, str]]) -> Counter[Key]:
    """``(week, h3_cell, category, kind)`` counts of ``(created_at, lat, lon, category,
    kind)`` rows (public points)."""
    return Counter(
        (iso_week(created_at), h3.latlng_to_cell(lat, lon, H3_RESOLUTION), category, kind)
        for created_at, lat, lon, category, kind in posts
    )


def post_counts(db: Store, city_id: int) -> dict[Key, int]:
    """Every count, withheld or not: live and ended posts, and those purged."""
    with db.snapshot():
        counts: Counter[Key] = Counter(db.purged_post_counts(city_id))
        counts.update(cell_counts(db.counted_posts(city_id)))
    return counts


def connection_counts(db: Store, city_id: int) -> dict[Key, int]:
    return Counter(
        (iso_week(created_at), category, followup.outcome_of(status, outcome))
        for category, created_at, status, outcome in db.connection_stats(city_id)
    )


def _csv(fields: Sequence[Mapping[str, Any]], rows: dict[Key, int]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(field["name"] for field in fields)
    writer.writerows((*key, n) for key, n in sorted(rows.items()))
    return out.getvalue()


def posts_csv(db: Store, city: Mapping[str, Any]) -> str:
    return _csv(POST_FIELDS, withhold(post_counts(db, city["id"]), POST_MARGINALS))


def posts_geojson(db: Store, city: Mapping[str, Any]) -> str:
    rows = withhold(post_counts(db, city["id"]), POST_MARGINALS)
    names = [field["name"] for field in POST_FIELDS]
    features = []
    for key, n in sorted(rows.items()):
        ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(key[1])]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                "properties": dict(zip(names, (*key, n), strict=True)),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}) + "\n"


def connections_csv(db: Store, city: Mapping[str, Any]) -> str:
    return _csv(
        CONNECTION_FIELDS, withhold(connection_counts(db, city["id"]), CONNECTION_MARGINALS)
    )


def datapackage(_db: Store, city: Mapping[str, Any]) -> str:
    """The Frictionless descriptor: a schema per file, paths relative to it."""
    licence = city["open_data_licence"] or DEFAULT_LICENCE
    title, path = LICENCES[licence]
    rule = f"rows under {K}, and rows a published total would give back, are withheld"
    package = {
        "name": f"voisinage-{city['slug']}",
        "title": f"{city['name']}: mutual aid in numbers (voisinage)",
        "description": f"Weekly counts of posts and connections; {rule}.",
        "licenses": [{"name": licence, "title": title, "path": path}],
        "resources": [
            _table(
                "posts_by_cell", "published posts by week, H3 cell, category, kind", POST_FIELDS
            ),
            {
                "name": "posts_by_cell_geojson",
                "path": "posts_by_cell.geojson",
                "format": "geojson",
                "mediatype": "application/geo+json",
                "encoding": "utf-8",
                "description": "posts_by_cell's rows as features with their cell's polygon",
                "jsonSchema": _feature_collection_schema(POST_FIELDS),
            },
            _table(
                "connections_by_week",
                "connections in the whole city by week, category, outcome",
                CONNECTION_FIELDS,
            ),
        ],
    }
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def _table(name: str, description: str, fields: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": description,
        "schema": {"fields": fields, "primaryKey": [f["name"] for f in fields[:-1]]},
    }


def _feature_collection_schema(fields: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    types = {"string": "string", "integer": "integer"}
    properties = {f["name"]: {"type": types[f["type"]]} for f in fields}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "geometry": {
                            "type": "object",
                            "properties": {"type": {"const": "Polygon"}},
                        },
                        "properties": {
                            "type": "object",
                            "required": list(properties),
                            "properties": properties,
                        },
                    },
                },
            },
        },
    }


FILES: dict[str, tuple[str, Callable[[Store, City], str]]] = {
    "posts_by_cell.csv": ("text/csv", posts_csv),
    "posts_by_cell.geojson": ("application/geo+json", posts_geojson),
    "connections_by_week.csv": ("text/csv", connections_csv),
    "datapackage.json": ("application/json", datapackage),
}
