"""Answers: JSON, ISO 8601 times, a post as a GeoJSON feature (public point only),
and the public rounding of distances."""

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Response

GEOJSON = "application/geo+json"


PUBLIC_DISTANCE_STEP_M = 10  # distances to posts, as anyone sees them


def rounded_distance_m(distance_m: float, step_m: int = PUBLIC_DISTANCE_STEP_M) -> int:
    """A distance as answers show it: rounded to ``step_m`` (10 m to a post's public
    point; agents see distances to homes to ``web.services.homes.ROUNDING_M``)."""
    return int(round(distance_m / step_m)) * step_m


def json_answer(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=mimetype)


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_status(row: Mapping[str, Any], now: float) -> str:
    return "expired" if row["status"] == "published" and row["expires_at"] <= now else row["status"]


def feature(
    row: Mapping[str, Any],
    remote: frozenset[str],
    distance_m: float | None = None,
    owned: bool | None = None,
) -> dict[str, Any]:
    """A post as GeoJSON: public point, public fields; ``distance_m`` rounded to 10 m. A
    building's or a street's post has ``"geometry": null`` and says its ``audience``."""
    verified = bool(row["poster_verified"]) and not row["relayed"]
    properties: dict[str, Any] = {
        "kind": row["kind"],
        "category": row["category"],
        "title": row["title"],
        "body": row["body"],
        "created_at": iso(row["created_at"]),
        "expires_at": iso(row["expires_at"]),
        "precision": row["precision"],
        # an organisation's badge only once the city verified it; a relayed post is a resident's
        "poster_type": row["poster_type"] if verified else "individual",
        "poster_verified": verified,
        "poster_name": row["poster_name"],
        "status": post_status(row, time.time()),
        "remote": row["category"] in remote,
        "relayed": bool(row["relayed"]),  # an agent's post for someone: contacts reach the agent
    }
    if distance_m is not None:
        properties["distance_m"] = rounded_distance_m(distance_m)
    if owned is not None:
        properties["owned"] = owned
    if owned:  # the owner's own words about where; never the exact point
        properties["address"] = row.get("address", "")
    audience = row.get("audience", "public")
    if audience != "public":  # a building's or a street's post: no public point at all
        properties["audience"] = audience
        return {"type": "Feature", "id": row["id"], "geometry": None, "properties": properties}
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [row["public_lon"], row["public_lat"]]},
        "properties": properties,
    }
