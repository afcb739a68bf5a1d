"""``GET /<city>/match``: the newest posts near a point, as GeoJSON, keyset-paged."""

from typing import Any

import orjson
from flask import Blueprint, Response

from web.http import schemas
from web.http.answers import GEOJSON
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
    return Response(_collection(found, query), mimetype=GEOJSON)


def _collection(found: Found, query: schemas.MatchQuery) -> bytes:
    """The answer, assembled from the posts' fragments (``web.fragments``): the same
    JSON as ``json_answer`` of the collection would give, in compact form."""
    features = found.city.fragments.features(store(), found.matches)
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
    return b"".join(
        (
            b'{"type":"FeatureCollection","features":[',
            b",".join(features),
            b'],"query":',
            orjson.dumps(echo),
            b',"next_cursor":',
            orjson.dumps(found.next_cursor),
            b"}",
        )
    )
