"""A connection's message thread: its two sides write to each other once the contact is
accepted, without sharing an e-mail or phone. Nobody else reads it (404, agents
included); the city's moderators read it only once a side reported it, and each reading
is in the audit log."""

from collections.abc import Mapping
from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers, auth, parsing, schemas
from web.http.idempotency import idempotent
from web.http.problems import Problem
from web.http.ratelimit import write_limit
from web.services import contact
from web.store import current as store

bp = Blueprint("messages", __name__)

_THREAD = "/me/connections/<int:connection_id>/messages"


class ThreadQuery(schemas.Query):
    after: Annotated[int, Field(ge=0, le=schemas.INT64_MAX)] = 0
    limit: Annotated[int, Field(ge=1, le=200)] = 100


class MessageBody(schemas.Body):
    body: schemas.ThreadText


class MessageView(BaseModel):
    id: int
    body: str
    mine: bool
    created_at: str


class Thread(BaseModel):
    """Messages oldest first; ``next_after`` pages on (``?after=``) while more remain."""

    connection_id: int
    status: str
    messages: list[MessageView]
    next_after: int | None


def _view(row: Mapping[str, Any], account: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "body": row["body"],
        "mine": row["author_id"] == account["id"],
        "created_at": answers.iso(row["created_at"]),
    }


@bp.get(_THREAD)
def read_thread(connection_id: int) -> Response:
    """The thread, oldest first; reading it marks its message notice read."""
    account = auth.require_account()
    connection = contact.open_thread(account, connection_id)
    query = parsing.parse_query(ThreadQuery)
    rows = store().messages(connection_id, query.after, query.limit)
    store().mark_thread_read(account["id"], contact.thread_link(account, connection))
    return answers.json_answer(
        {
            "connection_id": connection_id,
            "status": connection["status"],
            "messages": [_view(row, account) for row in rows],
            "next_after": rows[-1]["id"] if len(rows) == query.limit else None,
        }
    )


@bp.post(_THREAD)
@idempotent
def write_message(connection_id: int) -> Response:
    account = auth.require_account(write=True)
    connection = contact.open_thread(account, connection_id)
    body = parsing.parse_body(MessageBody)
    write_limit(account)
    other = contact.other_side(account, connection)
    notice = contact.written(other, account, connection)
    row = store().add_message(connection_id, account["id"], body.body, notice)
    return answers.json_answer(_view(row, account), 201)


class ReportBody(schemas.Body):
    reason: schemas.Reason = Field(description="why a moderator should read this thread")


class Reported(BaseModel):
    id: int
    connection_id: int


class ReportedThread(BaseModel):
    connection_id: int
    post_id: int
    post_title: str
    reason: str
    created_at: str


class ReportedThreads(BaseModel):
    """Threads a side reported, oldest report first."""

    threads: list[ReportedThread]


class ModeratedMessage(BaseModel):
    id: int
    author: str
    body: str
    created_at: str


class ModeratedThread(BaseModel):
    """A reported thread as a moderator reads it (the reading is audited)."""

    connection_id: int
    messages: list[ModeratedMessage]


@bp.post("/me/connections/<int:connection_id>/report")
@idempotent
def report_thread(connection_id: int) -> Response:
    """A side reports the thread: it is attached, and the city's moderators may read it."""
    account = auth.require_account(write=True)
    contact.side_of(account, connection_id)
    body = parsing.parse_body(ReportBody)
    write_limit(account)
    report_id = store().report_thread(connection_id, account["id"], body.reason)
    if report_id is None:
        raise Problem(
            409,
            "Conflict",
            "you already reported this thread; a moderator will read it",
            [("connection_id", "already reported", "already_exists")],
        )
    return answers.json_answer({"id": report_id, "connection_id": connection_id}, 201)


@bp.get("/<city>/moderation/threads")
def reported_threads(city: str) -> Response:
    index, _account = rights.require_right(city, "moderate")
    rows = store().reported_threads(index.city["id"])
    threads = [{**row, "created_at": answers.iso(row["created_at"])} for row in rows]
    return answers.json_answer({"threads": threads})


@bp.get("/<city>/moderation/threads/<int:connection_id>")
def read_reported_thread(city: str, connection_id: int) -> Response:
    """A reported thread, for the city's moderators only; each reading is audited."""
    index, account = rights.require_right(city, "moderate")
    rows = (
        store().read_reported_thread(index.city["id"], connection_id, account)
        if connection_id <= schemas.INT64_MAX
        else None
    )
    if rows is None:
        raise Problem(
            404,
            "Not found",
            f"no reported thread {connection_id} in {city}",
            [("connection_id", "unknown or not reported")],
        )
    messages = [{**row, "created_at": answers.iso(row["created_at"])} for row in rows]
    return answers.json_answer({"connection_id": connection_id, "messages": messages})


_JSON = "application/json"
_PATH = "/me/connections/{connection_id}/messages"
_REPORT = "/me/connections/{connection_id}/report"
_REPORTED = "/{city}/moderation/threads"
_REPORTED_ONE = "/{city}/moderation/threads/{connection_id}"

# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    ("get", _PATH, "A connection's thread", ThreadQuery, None, 200, Thread, _JSON, True),
    ("post", _PATH, "Write in a thread", None, MessageBody, 201, MessageView, _JSON, True),
    ("post", _REPORT, "Report a thread", None, ReportBody, 201, Reported, _JSON, True),
    ("get", _REPORTED, "Reported threads", None, None, 200, ReportedThreads, _JSON, True),
    ("get", _REPORTED_ONE, "Read a reported thread", None, None, 200, ModeratedThread, _JSON, True),
]
