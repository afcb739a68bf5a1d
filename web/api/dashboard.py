"""The agents' dashboard, as JSON and as CSV (``web.services.dashboard``)."""

import time
from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers, parsing, schemas
from web.services import dashboard
from web.store import current as store

bp = Blueprint("dashboard", __name__)


class DashboardQuery(schemas.Query):
    weeks: Annotated[int, Field(ge=1, le=104, description="ISO weeks, ending with this one")] = 12


class DashboardAnswer(BaseModel):
    """Counts by ISO week, category, kind, outcome and H3 resolution-8 cell (null: < 5)."""

    weeks: list[str]
    posts: list[dict[str, Any]]
    cells: dict[str, Any] = Field(description="GeoJSON polygons of the cells, with count")
    connections: list[dict[str, Any]]
    first_contact_hours: dict[str, Any]
    unanswered_requests: dict[str, int]
    volunteers: dict[str, list[dict[str, Any]]]


def _board(city: str) -> dict[str, Any]:
    index, _account = rights.require_right(city, "read_dashboard")
    query = parsing.parse_query(DashboardQuery)
    return dashboard.dashboard(store(), index.city["id"], time.time(), query.weeks)


@bp.get("/<city>/dashboard")
def get_dashboard(city: str) -> Response:
    """The city's counts, for its moderators, social workers and admins."""
    return answers.json_answer(_board(city))


@bp.get("/<city>/dashboard.csv")
def get_dashboard_csv(city: str) -> Response:
    """The same counts as one CSV table, to download."""
    answer = Response(dashboard.as_csv(_board(city)), mimetype="text/csv")
    answer.headers["Content-Disposition"] = f'attachment; filename="{city}-dashboard.csv"'
    return answer


_Q = DashboardQuery
_PATH = "/{city}/dashboard"
# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "get",
        _PATH,
        "The agents' dashboard",
        _Q,
        None,
        200,
        DashboardAnswer,
        "application/json",
        True,
    ),
    ("get", _PATH + ".csv", "The dashboard as CSV", _Q, None, 200, None, "text/csv", True),
]
