"""The inbox: my notifications, read one or all."""

from collections.abc import Mapping
from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web.http import answers, auth, parsing, schemas
from web.http.problems import Problem
from web.store import current as store

bp = Blueprint("notifications", __name__)


class InboxQuery(schemas.Query):
    unread: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class NotificationView(BaseModel):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: str
    read: bool


class Inbox(BaseModel):
    """My notifications, newest first, and how many are unread."""

    notifications: list[NotificationView]
    unread: int


class Unread(BaseModel):
    """How many notifications remain unread."""

    unread: int


def _view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "body": row["body"],
        "link": row["link"],
        "created_at": answers.iso(row["created_at"]),
        "read": row["read_at"] is not None,
    }


@bp.get("/me/notifications")
def inbox() -> Response:
    """The account's notifications, newest first, and how many are unread."""
    account = auth.require_account()
    query = parsing.parse_query(InboxQuery)
    rows = store().notifications(account["id"], query.limit, query.unread)
    body = {
        "notifications": [_view(row) for row in rows],
        "unread": store().unread_count(account["id"]),
    }
    return answers.json_answer(body)


@bp.post("/me/notifications/<int:notification_id>/read")
def mark_one_read(notification_id: int) -> Response:
    account = auth.require_account(write=True)
    if notification_id > schemas.INT64_MAX or not store().mark_read(account["id"], notification_id):
        raise Problem(
            404,
            "Not found",
            f"no unread notification {notification_id} of yours",
            [("notification_id", "unknown or already read")],
        )
    return answers.json_answer({"unread": store().unread_count(account["id"])})


@bp.post("/me/notifications/read")
def mark_all_read() -> Response:
    account = auth.require_account(write=True)
    store().mark_read(account["id"])
    return answers.json_answer({"unread": 0})


_JSON = "application/json"


_READ = "/me/notifications/{notification_id}/read"


# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    ("get", "/me/notifications", "My notifications", InboxQuery, None, 200, Inbox, _JSON, True),
    ("post", _READ, "Mark a notification read", None, None, 200, Unread, _JSON, True),
    ("post", "/me/notifications/read", "Mark all read", None, None, 200, Unread, _JSON, True),
]
