import json
import time
from datetime import UTC, datetime
from typing import Any

from flask import Response

GEOJSON = "application/geo+json"


def json_answer(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=mimetype)


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_status(row: dict[str, Any], now: float) -> str:
    return "expired" if row["status"] == "published" and row["expires_at"] <= now else row["status"]


def feature(
    row: dict[str, Any],
    remote: frozenset[str],
    distance_m: float | None = None,
    owned: bool | None = None,
) -> dict[str, Any]:
    """A post as GeoJSON: public point, public fields; ``distance_m`` rounded to 10 m."""
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
        properties["distance_m"] = int(round(distance_m / 10.0)) * 10
    if owned is not None:
        properties["owned"] = owned
    if owned:  # the owner's own words about where; never the exact point
        properties["address"] = row.get("address", "")
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [row["public_lon"], row["public_lat"]]},
        "properties": properties,
    }
