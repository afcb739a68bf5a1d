"""Escalations: requests nobody answered, for the city's agents (``web.services.escalation``)."""

import time
from typing import Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers
from web.services import escalation, settings
from web.store import current as store

bp = Blueprint("escalation", __name__)


@bp.get("/<city>/escalations")
def escalations(city: str) -> Response:
    """Unanswered requests past the threshold, oldest first."""
    index, _account = rights.require_right(city, "read_escalations")
    now = time.time()
    after_h = settings.of(index.city).escalation_after_hours
    rows = store().unanswered_requests(
        index.city["id"], now - after_h * 3600, now, escalation.QUEUE_LIMIT
    )
    return answers.json_answer(
        {
            "after_hours": after_h,
            "requests": [
                {
                    **answers.feature(row, index.remote_categories),
                    "waiting_hours": int((now - row["created_at"]) // 3600),
                }
                for row in rows
            ],
        }
    )


class Escalations(BaseModel):
    """Requests nobody contacted in time, oldest first, as GeoJSON features."""

    after_hours: float
    requests: list[dict[str, Any]] = Field(description="post features plus waiting_hours")


OPENAPI = [
    (
        "get",
        "/{city}/escalations",
        "Unanswered requests (social workers, moderators)",
        None,
        None,
        200,
        Escalations,
        "application/json",
        True,
    ),
]
