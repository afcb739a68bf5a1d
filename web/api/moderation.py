"""Moderation: reports, the queue, actions, the audit log and roles."""

import time
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from flask import Blueprint, Response
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from web.api import posts, rights
from web.http import answers, auth, cursor, parsing, ratelimit, schemas
from web.http.idempotency import idempotent
from web.http.problems import Problem
from web.roles import AssignableRole
from web.services import notify
from web.services.moderation import STATUS_AFTER, Action
from web.store import current as store

bp = Blueprint("moderation", __name__)


class ReportBody(schemas.Body):
    reason: schemas.Reason = Field(description="why this post breaks the rules")


class ActionBody(schemas.Body):
    action: Action
    reason: schemas.OptionalReason = Field("", description="required to hide or warn")


class RoleBody(schemas.Body):
    email: schemas.Email
    role: AssignableRole


class AuditQuery(schemas.Query):
    before: Annotated[int, Field(ge=1, le=schemas.INT64_MAX)] | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 100


@bp.post("/<city>/posts/<int:post_id>/reports")
@idempotent
def report(city: str, post_id: int) -> Response:
    """Any logged-in user reports a post with a reason; it lands in the queue."""
    account = auth.require_account(write=True)
    _index, _row, owned, _ = posts.post_for(city, post_id)
    body = parsing.parse_body(ReportBody)
    if owned:
        raise Problem(409, "Conflict", "this is your own post", [("post_id", "your own post")])
    ratelimit.write_limit(account)
    report_id = store().report_post(post_id, account["id"], body.reason)
    if report_id is None:
        raise Problem(
            409,
            "Conflict",
            "you already reported this post; a moderator will look at it",
            [("post_id", "already reported", "already_exists")],
        )
    return answers.json_answer({"id": report_id, "post_id": post_id}, 201)


@bp.get("/me/moderation")
def my_notices() -> Response:
    """What moderators said about my posts: hidden (and why), warnings."""
    account = auth.require_account()
    notices = [
        {**row, "created_at": answers.iso(row["created_at"])}
        for row in store().moderation_notes(account["id"])
    ]
    return answers.json_answer({"notices": notices})


@bp.get("/<city>/moderation/queue")
def queue(city: str) -> Response:
    """Pending, reported and flagged posts, most reported first, each with its history;
    keyset-paged."""
    index, _account = rights.require_right(city, "moderate")
    query = parsing.parse_query(schemas.QueuePage)
    asked = ("moderation", city)
    after = (2**62, -1.0, 0)
    if query.cursor:
        count, created_at, post_id = cursor.read_key(query.cursor, asked, (int, float, int))
        after = (int(count), float(created_at), int(post_id))
    city_id = index.city["id"]
    now = time.time()
    rows = store().moderation_queue(city_id, query.limit + 1, after)
    page = rows[: query.limit]
    next_cursor = None
    if len(rows) > query.limit:
        last = page[-1]
        next_cursor = cursor.write_key(
            (last["report_count"], last["created_at"], last["id"]), asked
        )
    items = []
    for row in page:
        reasons = ["pending"] if row["status"] == "pending" else []
        reasons += ["reported"] if row["report_count"] else []
        reasons += ["flagged"] if row["signals"] else []
        items.append(
            {
                "post": {
                    "id": row["id"],
                    "kind": row["kind"],
                    "category": row["category"],
                    "title": row["title"],
                    "body": row["body"],
                    "status": row["status"],
                    "expired": row["expires_at"] <= now,
                    "created_at": answers.iso(row["created_at"]),
                    "poster_name": row["poster_name"],
                    "poster_type": row["poster_type"],
                },
                "why": reasons,
                "report_count": row["report_count"],
                "reports": [
                    {"reason": r["reason"], "created_at": answers.iso(r["created_at"])}
                    for r in row["reports"]
                ],
                "signals": row["signals"],
                "history": [
                    {**event, "created_at": answers.iso(event["created_at"])}
                    for event in store().post_history(row["id"])
                ],
            }
        )
    return answers.json_answer({"items": items, "next_cursor": next_cursor})


@bp.post("/<city>/moderation/posts/<int:post_id>/actions")
def act(city: str, post_id: int) -> Response:
    """Publish, hide (the reason is shown to the poster) or warn; always audited."""
    index, account = rights.require_right(city, "moderate", write=True)
    city_id = index.city["id"]
    body = parsing.parse_body(ActionBody)
    _index, row, _owned, _ = posts.post_for(city, post_id)
    if body.action in ("hide", "warn") and not body.reason:
        raise Problem(
            422,
            "Invalid parameter",
            f"say why you {body.action} this post: the poster reads it",
            [("reason", "required to hide or warn", "required")],
        )
    if body.action == "publish" and row["status"] == "closed":
        raise Problem(
            409, "Conflict", "its poster closed this post", [("action", "the post is closed")]
        )
    store().moderate_post(
        city_id,
        post_id,
        account,
        body.action,
        body.reason,
        STATUS_AFTER[body.action],
        _notice_to_poster(city, row, body.action, body.reason),
    )
    status = STATUS_AFTER[body.action] or row["status"]
    return answers.json_answer({"post_id": post_id, "action": body.action, "status": status})


def _notice_to_poster(
    city: str, post: Mapping[str, Any], action: Action, reason: str
) -> dict[str, Any]:
    """What the poster is told of a moderator's action, in the inbox and by e-mail."""
    title = {
        "publish": _("A moderator published your post: {title}"),
        "hide": _("A moderator hid your post: {title}"),
        "warn": _("A moderator warned you about your post: {title}"),
    }[action].format(title=post["title"])
    poster = store().account(post["account_id"])
    mail = notify.mail(poster, title, reason or title) if poster else None
    if mail:
        notify.queued()
    notice = {"account_id": post["account_id"], "kind": "moderation", "title": title}
    return {**notice, "body": reason, "link": f"/{city}/me", "mail": mail}


@bp.get("/<city>/moderation/audit")
def audit(city: str) -> Response:
    """Who did what, when and why: the city's admins read it; nobody can change it."""
    index, _account = rights.require_right(city, "read_audit")
    city_id = index.city["id"]
    query = parsing.parse_query(AuditQuery)
    entries = store().moderation_audit(city_id, query.before, query.limit)
    next_before = entries[-1]["id"] if len(entries) == query.limit else None
    return answers.json_answer(
        {
            "entries": [{**e, "created_at": answers.iso(e["created_at"])} for e in entries],
            "next_before": next_before,
        }
    )


@bp.post("/<city>/roles")
def set_role(city: str) -> Response:
    """An admin of the city makes an account of the city a moderator, social worker or
    admin (or a resident again); audited."""
    index, account = rights.require_right(city, "give_roles", write=True)
    city_id = index.city["id"]
    body = parsing.parse_body(RoleBody)
    target = store().account_by_email(body.email)
    if target is None or target["city_id"] != city_id:
        raise Problem(
            404, "Not found", f"no account {body.email!r} in {city}", [("email", "unknown")]
        )
    if target["id"] == account["id"]:
        raise Problem(
            409, "Conflict", "an admin does not change their own role", [("email", "yourself")]
        )
    store().set_role(city_id, target["id"], body.role, account)
    return answers.json_answer({"id": target["id"], "email": target["email"], "role": body.role})


class ReportCreated(BaseModel):
    id: int
    post_id: int


class QueueItem(BaseModel):
    post: dict[str, Any]
    why: list[Literal["pending", "reported", "flagged"]]
    report_count: int
    reports: list[dict[str, Any]] = Field(description="open reports: reason, created_at")
    signals: list[str] = Field(description="commercial signs: price, phone, email, link, words")
    history: list[dict[str, Any]]


class Queue(BaseModel):
    """Pending, reported and flagged posts, most reported first, then oldest first."""

    items: list[QueueItem]
    next_cursor: str | None = Field(description="the next page's cursor; null on the last")


class ActionDone(BaseModel):
    post_id: int
    action: Action
    status: str


class AuditEntry(BaseModel):
    id: int
    post_id: int | None
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    reason: str
    created_at: str


class Audit(BaseModel):
    """Who did what, when and why, newest first."""

    entries: list[AuditEntry]
    next_before: int | None


class RoleSet(BaseModel):
    id: int
    email: str
    role: str


class Notices(BaseModel):
    """What moderators said about my posts."""

    notices: list[dict[str, Any]]


_JSON = "application/json"


OPENAPI = [
    (
        "post",
        "/{city}/posts/{post_id}/reports",
        "Report a post",
        None,
        ReportBody,
        201,
        ReportCreated,
        _JSON,
        True,
    ),
    (
        "get",
        "/me/moderation",
        "Moderators' notes on my posts",
        None,
        None,
        200,
        Notices,
        _JSON,
        True,
    ),
    (
        "get",
        "/{city}/moderation/queue",
        "The moderation queue (moderators)",
        schemas.QueuePage,
        None,
        200,
        Queue,
        _JSON,
        True,
    ),
    (
        "post",
        "/{city}/moderation/posts/{post_id}/actions",
        "Publish, hide or warn (moderators)",
        None,
        ActionBody,
        200,
        ActionDone,
        _JSON,
        True,
    ),
    (
        "get",
        "/{city}/moderation/audit",
        "The audit log (admins)",
        AuditQuery,
        None,
        200,
        Audit,
        _JSON,
        True,
    ),
    (
        "post",
        "/{city}/roles",
        "Give an account a role (admins)",
        None,
        RoleBody,
        200,
        RoleSet,
        _JSON,
        True,
    ),
]
