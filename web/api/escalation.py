"""Escalations: requests nobody answered, for the city's agents (``web.services.escalation``)."""

import time
from typing import Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field, model_validator

from web.api import rights
from web.http import answers, cursor, parsing, schemas
from web.http.parsing import parse_query
from web.http.problems import Problem
from web.services import settings
from web.store import current as store
from web.store.rows import EscalationState

bp = Blueprint("escalation", __name__)


@bp.get("/<city>/escalations")
def escalations(city: str) -> Response:
    """Unanswered requests past the threshold, the longest waiting first, keyset-paged."""
    index, _account = rights.require_right(city, "read_escalations")
    query = parse_query(schemas.QueuePage)
    asked = ("escalations", city)
    after = cursor.read(query.cursor, asked) if query.cursor else (-1.0, 0)
    now = time.time()
    after_h = settings.of(index.city).escalation_after_hours
    rows = store().unanswered_requests(
        index.city["id"], now - after_h * 3600, now, query.limit + 1, after
    )
    states = store().escalation_states([row["id"] for row in rows])
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
                    **_handling(states.get(row["id"])),
                }
                for row in page
            ],
            "next_cursor": next_cursor,
        }
    )


def _handling(state: EscalationState | None) -> dict[str, Any]:
    """Who took the request in charge (None: nobody), and the agents' note."""
    if state is None:
        return {"taken_by": None, "note": ""}
    taken_by = None
    if state["taken_at"] is not None:
        at = answers.iso(state["taken_at"])
        taken_by = {"id": state["taken_by"], "name": state["taken_by_name"], "at": at}
    return {"taken_by": taken_by, "note": state["note"]}


class Handling(schemas.Body):
    taken: bool | None = Field(
        None, description="true: I take it in charge; false: nobody has it; absent: as it is"
    )
    note: schemas.LongText | None = Field(None, description="for the other agents; kept if absent")

    @model_validator(mode="after")
    def _something(self) -> "Handling":
        if self.taken is None and self.note is None:
            raise schemas.paired("taken", "send taken, note or both")
        return self


@bp.post("/<city>/escalations/<int:post_id>")
def handle(city: str, post_id: int) -> Response:
    """Take an escalated request in charge (or let it go), with a note for the others."""
    index, account = rights.require_right(city, "read_escalations", write=True)
    body = parsing.parse_body(Handling)
    taken_by = False if body.taken is None else (account if body.taken else None)
    city_id = index.city["id"]
    if post_id > schemas.INT64_MAX or not store().handle_escalation(
        city_id, post_id, taken_by, body.note
    ):
        raise Problem(404, "Not found", f"no request {post_id} in {city}", [("post_id", "unknown")])
    state = store().escalation_states([post_id]).get(post_id)
    return answers.json_answer({"id": post_id, **_handling(state)})


class Escalations(BaseModel):
    """Requests nobody contacted in time, oldest first, as GeoJSON features."""

    after_hours: float
    requests: list[dict[str, Any]] = Field(
        description="post features plus waiting_hours, waiting_days,"
        " taken_by ({id, name, at} or null), note"
    )
    next_cursor: str | None = Field(description="the next page's cursor; null on the last")


class Handled(BaseModel):
    id: int
    taken_by: dict[str, Any] | None
    note: str


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
    (
        "post",
        "/{city}/escalations/{post_id}",
        "Take an unanswered request in charge, with a note",
        None,
        Handling,
        200,
        Handled,
        "application/json",
        True,
    ),
]
