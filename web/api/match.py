"""``GET /<city>/match``: the newest posts near a point, as GeoJSON, keyset-paged."""

import time
from typing import Any

from flask import Blueprint, Response

from web.http import schemas
from web.http.answers import GEOJSON, feature, json_answer
from web.http.parsing import parse_query
from web.http.ratelimit import anonymous_search_limit
from web.services.search import Found, search
from web.store import current as store

bp = Blueprint("match", __name__)


@bp.get("/<city>/match")
def match(city: str) -> Response:
    """Newest published posts near a point, as GeoJSON, keyset-paged."""
    query = parse_query(schemas.MatchQuery)  # the pairing rules too: 422 naming the param
    anonymous_search_limit()
    found = search(
        city,
        lat=query.lat,
        lon=query.lon,
        address=query.address,
        radius_m=query.radius_m,
        categories=query.category,
        kind=query.kind,
        limit=query.limit,
        after=query.cursor,
        building_only=query.scale == "building",
    )
    return json_answer(_collection(found, query), mimetype=GEOJSON)


def _collection(found: Found, query: schemas.MatchQuery) -> dict[str, Any]:
    rows = store().visible_posts(found.city.city["id"], [m.id for m in found.matches], time.time())
    remote = found.city.remote_categories
    features = [
        feature(
            rows[m.id],
            remote,
            distance_m=None if rows[m.id]["category"] in remote else m.distance_m,
        )
        for m in found.matches
        if m.id in rows
    ]
    echo: dict[str, Any] = {
        "lat": found.lat,
        "lon": found.lon,
        "radius_m": query.radius_m,
        "category": found.categories,
        "kind": query.kind,
        "limit": query.limit,
    }
    if query.address is not None:
        echo["address"] = query.address
    echo["citywide_categories"] = found.citywide
    return {
        "type": "FeatureCollection",
        "features": features,
        "query": echo,
        "next_cursor": found.next_cursor,
    }
