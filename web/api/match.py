import time
from typing import Any

from flask import Blueprint, Response

from matcher import Match
from web import indexes
from web.http import cursor, schemas
from web.http.answers import GEOJSON, feature, json_answer
from web.http.parsing import parse_query
from web.http.problems import invalid
from web.http.ratelimit import anonymous_search_limit
from web.indexes import CityIndex, city_index
from web.services.posting import CITYWIDE_RADIUS_M, address_point, known_categories
from web.store import current as store

bp = Blueprint("match", __name__)


@bp.get("/<city>/match")
def match(city: str) -> Response:
    """Newest published posts near a point, as GeoJSON, keyset-paged."""
    query = parse_query(schemas.MatchQuery)
    if (query.lat is None) != (query.lon is None):
        missing = "lon" if query.lon is None else "lat"
        raise invalid(missing, "lat and lon go together")
    if query.lat is not None and query.address is not None:
        raise invalid("address", "give lat/lon or address, not both")
    if query.lat is None and query.address is None:
        raise invalid("lat", "give lat and lon, or address")
    if query.radius is not None and query.scale is not None:
        raise invalid("scale", "give radius or scale, not both")
    index = city_index(city)
    anonymous_search_limit()
    categories = known_categories(index, query.category)
    if query.address is not None:
        lat, lon = address_point(index, query.address)
    else:
        lat, lon = float(query.lat), float(query.lon)  # type: ignore[arg-type]
    radius_m = float(query.radius or schemas.SCALE_RADIUS_M[query.scale or "street"])
    building_only = query.scale == "building"
    # Remote help (distance does not apply) is searched city-wide only when its category
    # is asked for; otherwise it would crowd the nearby posts out of every first page.
    wanted = set(categories) or set(index.category_slugs)
    citywide = sorted(set(categories) & index.remote_categories)
    nearby = sorted(wanted - set(citywide))
    asked = (city, lat, lon, radius_m, categories, query.kind, building_only)
    before = cursor.read(query.cursor, asked) if query.cursor else None

    def search(index: CityIndex) -> list[Match]:
        common = {
            "lat": lat,
            "lon": lon,
            "kind": query.kind,
            "limit": query.limit + 1,
            "before": before,
            "building_only": building_only,
        }
        # Two newest-first lists merged on the same (created_at, id) key: the first
        # limit + 1 of the merge are those of the union, so keyset paging stays exact.
        found: dict[int, Match] = {}
        if nearby:
            # No category asked: one search of every category (remote posts within the
            # radius come twice; the merge keeps one).
            only = nearby if categories else None
            found.update(
                (m.id, m) for m in index.search(radius_m=radius_m, category=only, **common)
            )
        if citywide:
            remote = index.search(radius_m=CITYWIDE_RADIUS_M, category=citywide, **common)
            found.update((m.id, m) for m in remote)
        merged = sorted(found.values(), key=lambda m: (m.created_at, m.id), reverse=True)
        return merged[: query.limit + 1]

    matches = indexes.this_process().run(city, search)
    page = matches[: query.limit]
    rows = store().visible_posts(index.city["id"], [m.id for m in page], time.time())
    remote = index.remote_categories
    features = [
        feature(
            rows[m.id],
            remote,
            distance_m=None if rows[m.id]["category"] in remote else m.distance_m,
        )
        for m in page
        if m.id in rows
    ]
    next_cursor = None
    if len(matches) > query.limit:
        last = page[-1]
        next_cursor = cursor.write(last.created_at, last.id, asked)
    echo: dict[str, Any] = {
        "lat": lat,
        "lon": lon,
        "radius_m": radius_m,
        "category": categories,
        "kind": query.kind,
        "limit": query.limit,
    }
    if query.address is not None:
        echo["address"] = query.address
    echo["citywide_categories"] = citywide
    body = {
        "type": "FeatureCollection",
        "features": features,
        "query": echo,
        "next_cursor": next_cursor,
    }
    return json_answer(body, mimetype=GEOJSON)
