"""A city: its boundary, categories, geocoder, live counts; and the API's health."""

import time
from typing import Any

from flask import Blueprint, Response

from web.http import schemas
from web.http.answers import GEOJSON, json_answer
from web.http.parsing import parse_query
from web.http.ratelimit import anonymous_search_limit
from web.indexes import city_index
from web.services import opendata
from web.services.posting import geocode_in
from web.store import current as store

bp = Blueprint("cities", __name__)


@bp.get("/<city>")
def get_city(city: str) -> Response:
    index = city_index(city)
    south, west, north, east = index.region.bounds
    return json_answer(
        {
            "slug": index.city["slug"],
            "name": index.city["name"],
            "center": [(south + north) / 2, (west + east) / 2],
            "boundary": _geometry(index.city["boundary"]),
            "languages": index.city["languages"],
            "premoderation": store().premoderation(index.city["id"]),
        }
    )


def _geometry(boundary: dict[str, Any]) -> dict[str, Any]:
    """The boundary as one GeoJSON geometry (files may hold a Feature or a collection)."""
    if boundary.get("type") == "Feature":
        return boundary["geometry"]  # type: ignore[no-any-return]
    if boundary.get("type") == "FeatureCollection":
        polygons: list[Any] = []
        for item in boundary["features"]:
            geometry = item["geometry"]
            coordinates = geometry["coordinates"]
            polygons += coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
        return {"type": "MultiPolygon", "coordinates": polygons}
    return boundary


@bp.get("/<city>/categories")
def get_categories(city: str) -> Response:
    return json_answer({"categories": city_index(city).categories})


@bp.get("/<city>/geocode")
def geocode_address(city: str) -> Response:
    """Addresses matching free text (accent-insensitive), best first, GeocodeJSON-like."""
    query = parse_query(schemas.GeocodeQuery)
    index = city_index(city)
    anonymous_search_limit()
    found = geocode_in(index.city["id"], query.q, query.limit)
    body = {"type": "FeatureCollection", "features": [a.feature() for a in found], "query": query.q}
    return json_answer(body, mimetype=GEOJSON)


@bp.get("/<city>/stats")
def get_stats(city: str) -> Response:
    """Live posts by category and kind, withheld under open data's K: no open-data row
    can be recovered from them (see ``web.services.opendata``). Connection counts are for the
    city's agents (``/stats/connections``)."""
    rows = store().stats(city_index(city).city["id"], time.time())
    return json_answer({"posts": [row for row in rows if row["posts"] >= opendata.K]})


@bp.get("/health")
def health() -> Response:
    return json_answer({"status": "ok", "schema_version": store().schema_version()})
