"""Escalations: requests nobody answered, for the city's agents (``web.services.escalation``)."""

import time
from typing import Any

from flask import Blueprint, Response, current_app
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers, cursor, schemas
from web.http.parsing import parse_query
from web.store import current as store

bp = Blueprint("escalation", __name__)


@bp.get("/<city>/escalations")
def escalations(city: str) -> Response:
    """Unanswered requests past the threshold, the longest waiting first, keyset-paged."""
    index, _account = rights.require_right(city, "read_escalations")
    query = parse_query(schemas.QueuePage)
    asked = ("escalations", city)
    after = cursor.read(query.cursor, asked) if query.cursor else (-1.0, 0)
    now = time.time()
    after_h = float(current_app.config["ESCALATION_AFTER_HOURS"])
    rows = store().unanswered_requests(
        index.city["id"], now - after_h * 3600, now, query.limit + 1, after
    )
    page = rows[: query.limit]
    next_cursor = None
    if len(rows) > query.limit:
        next_cursor = cursor.write(page[-1]["created_at"], page[-1]["id"], asked)
    return answers.json_answer(
        {
            "after_hours": after_h,
            "requests": [
                {
                    **answers.feature(row, index.remote_categories),
                    "waiting_hours": int((now - row["created_at"]) // 3600),
                    "waiting_days": int((now - row["created_at"]) // 86400),
                }
                for row in page
            ],
            "next_cursor": next_cursor,
        }
    )


class Escalations(BaseModel):
    """Requests nobody contacted in time, oldest first, as GeoJSON features."""

    after_hours: float
    requests: list[dict[str, Any]] = Field(
        description="post features plus waiting_hours and waiting_days"
    )
    next_cursor: str | None = Field(description="the next page's cursor; null on the last")


OPENAPI = [
    (
        "get",
        "/{city}/escalations",
        "Unanswered requests (social workers, moderators)",
        schemas.QueuePage,
        None,
        200,
        Escalations,
        "application/json",
        True,
    ),
]
