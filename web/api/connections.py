"""Connections: my requests and offers, accepted or declined."""

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response

from web.http import auth, schemas
from web.http.answers import iso, json_answer
from web.http.problems import Problem
from web.http.ratelimit import write_limit
from web.services import contact
from web.store import current as store

bp = Blueprint("connections", __name__)


@bp.get("/me/connections")
def my_connections() -> Response:
    account = auth.require_account()
    lists = store().connections_of(account["id"])
    return json_answer(
        {side: [_connection_view(row) for row in lists[side]] for side in ("incoming", "outgoing")}
    )


def _connection_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """The other side's contact details only once accepted, and only those it consented to."""
    other: dict[str, Any] = {"display_name": row["display_name"]}
    if row["status"] == "accepted":
        if row["consent"].get("share_email"):
            other["email"] = row["email"]
        if row["consent"].get("share_phone") and row["phone"]:
            other["phone"] = row["phone"]
    return {
        "id": row["id"],
        "post_id": row["post_id"],
        "post_title": row["post_title"],
        "message": row["message"],
        "status": row["status"],
        "created_at": iso(row["created_at"]),
        "other": other,
    }


@bp.post("/me/connections/<int:connection_id>/<any(accept, decline):verdict>")
def answer_connection(connection_id: int, verdict: str) -> Response:
    account = auth.require_account(write=True)
    row = store().connection(connection_id) if connection_id <= schemas.INT64_MAX else None
    if row is None or row["poster_id"] != account["id"]:
        raise Problem(
            404,
            "Not found",
            f"no connection {connection_id} on your posts",
            [("connection_id", "unknown")],
        )
    if row["status"] != "requested":
        raise Problem(
            409,
            "Conflict",
            f"this connection is already {row['status']}",
            [("connection_id", f"already {row['status']}")],
        )
    write_limit(account)
    status = "accepted" if verdict == "accept" else "declined"
    store().set_connection_status(connection_id, status, contact.answered(row, status))
    return json_answer({"id": connection_id, "status": status})
