"""Follow-ups: did the connection help? Outcomes and the city's connection counts."""

import time
from collections import Counter
from typing import Literal

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers, auth, parsing, ratelimit, schemas
from web.http.problems import Problem
from web.services import contact
from web.services.followup import follow_up_after_s, outcome_of
from web.services.weeks import iso_week
from web.store import current as store

bp = Blueprint("followup", __name__)


class OutcomeBody(schemas.Body):
    outcome: Literal["done", "not_done"]


@bp.get("/me/follow-ups")
def my_follow_ups() -> Response:
    """Accepted connections old enough to ask about, that I have not answered yet."""
    account = auth.require_account()
    rows = store().follow_ups(account["id"], time.time() - follow_up_after_s())
    return answers.json_answer(
        {"follow_ups": [{**row, "accepted_at": answers.iso(row["accepted_at"])} for row in rows]}
    )


@bp.post("/me/connections/<int:connection_id>/outcome")
def answer_outcome(connection_id: int) -> Response:
    """Either side says whether the help happened (and may change its answer)."""
    account = auth.require_account(write=True)
    body = parsing.parse_body(OutcomeBody)
    row = contact.side_of(account, connection_id)
    if row["status"] not in ("accepted", "done"):
        raise Problem(
            409,
            "Conflict",
            f"this connection is {row['status']}: only accepted ones have an outcome",
            [("connection_id", f"{row['status']}, not accepted")],
        )
    ratelimit.write_limit(account)
    outcome = store().record_outcome(connection_id, account["id"], body.outcome)
    return answers.json_answer(
        {"id": connection_id, "your_answer": body.outcome, "outcome": outcome}
    )


@bp.get("/<city>/stats/connections")
def connection_counts(city: str) -> Response:
    """Connections by category, by ISO week and by outcome; moderators and admins only."""
    index, _account = rights.require_right(city, "moderate")
    city_id = index.city["id"]
    by_category: Counter[str] = Counter()
    by_week: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    for category, created_at, status, outcome in store().connection_stats(city_id):
        by_category[category] += 1
        by_week[iso_week(created_at)] += 1
        by_outcome[outcome_of(status, outcome)] += 1
    return answers.json_answer(
        {
            "total": sum(by_category.values()),
            "by_category": dict(sorted(by_category.items())),
            "by_week": dict(sorted(by_week.items())),
            "by_outcome": dict(sorted(by_outcome.items())),
        }
    )


class FollowUp(BaseModel):
    id: int
    post_id: int
    post_title: str
    accepted_at: str
    side: Literal["poster", "requester"]


class FollowUps(BaseModel):
    """Accepted connections to say whether the help happened."""

    follow_ups: list[FollowUp]


class OutcomeRecorded(BaseModel):
    id: int
    your_answer: Literal["done", "not_done"]
    outcome: Literal["done", "not_done"]


class ConnectionCounts(BaseModel):
    """Counts only: never who, never the messages."""

    total: int
    by_category: dict[str, int]
    by_week: dict[str, int] = Field(description="ISO weeks, e.g. 2026-W48")
    by_outcome: dict[str, int] = Field(
        description="requested, declined, accepted (not answered yet), done, not_done"
    )


_JSON = "application/json"


OPENAPI = [
    (
        "get",
        "/me/follow-ups",
        "Did the help happen? (questions)",
        None,
        None,
        200,
        FollowUps,
        _JSON,
        True,
    ),
    (
        "post",
        "/me/connections/{connection_id}/outcome",
        "Say whether the help happened",
        None,
        OutcomeBody,
        200,
        OutcomeRecorded,
        _JSON,
        True,
    ),
    (
        "get",
        "/{city}/stats/connections",
        "Connection counts (moderators, admins)",
        None,
        None,
        200,
        ConnectionCounts,
        _JSON,
        True,
    ),
]
