"""A connection's message thread: its two sides write to each other once the contact is
accepted, without sharing an e-mail or phone. Nobody else reads it (404, agents
included); moderators see it only when a side reports it."""

from collections.abc import Mapping
from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web.http import answers, auth, parsing, schemas
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
def write_message(connection_id: int) -> Response:
    account = auth.require_account(write=True)
    connection = contact.open_thread(account, connection_id)
    body = parsing.parse_body(MessageBody)
    write_limit(account)
    other = contact.other_side(account, connection)
    notice = contact.written(other, account, connection)
    row = store().add_message(connection_id, account["id"], body.body, notice)
    return answers.json_answer(_view(row, account), 201)


_JSON = "application/json"
_PATH = "/me/connections/{connection_id}/messages"

# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    ("get", _PATH, "A connection's thread", ThreadQuery, None, 200, Thread, _JSON, True),
    ("post", _PATH, "Write in a thread", None, MessageBody, 201, MessageView, _JSON, True),
]
