"""Escalation: requests nobody contacted within ``ESCALATION_AFTER_HOURS`` (default 48)
go to the city's social-worker queue, so that someone calls back.

Computed by one query at each read (no job to run, nothing stale): published, unexpired
requests older than the threshold with no connection at all. Social workers, moderators
and admins of the city read it; the answer holds what the public post shows, plus how
long it has waited."""

import time
from typing import Any

from flask import Blueprint, Response, current_app, render_template
from pydantic import BaseModel, Field

from web import api, auth
from web.pages import city_or_404
from web.problems import Problem
from web.store import current as store

bp = Blueprint("escalation", __name__)

ESCALATION_ROLES = frozenset({"social_worker", "moderator", "admin"})
QUEUE_LIMIT = 500


@bp.get("/api/v1/<city>/escalations")
def escalations(city: str) -> Response:
    """Unanswered requests past the threshold, oldest first."""
    account = auth.require_account()
    index = api.city_index(city)
    if account["role"] not in ESCALATION_ROLES or account["city_id"] != index.city["id"]:
        raise Problem(403, "Forbidden", f"only the social workers and moderators of {city}")
    now = time.time()
    after_h = float(current_app.config["ESCALATION_AFTER_HOURS"])
    rows = store().unanswered_requests(index.city["id"], now - after_h * 3600, now, QUEUE_LIMIT)
    return api.json_answer(
        {
            "after_hours": after_h,
            "requests": [
                {
                    **api.feature(row, index.remote_categories),
                    "waiting_hours": int((now - row["created_at"]) // 3600),
                }
                for row in rows
            ],
        }
    )


@bp.get("/<city>/escalations")
def escalations_page(city: str) -> str:
    return render_template("escalations.html", city=city_or_404(city))


# -- OpenAPI (web.openapi) -----------------------------------------------------------------


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
