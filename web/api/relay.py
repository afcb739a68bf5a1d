"""Posts an agent relayed on someone's behalf (``web.services.relay``)."""

from flask import Blueprint, Response
from pydantic import BaseModel

from web.http import answers, auth
from web.store import current as store

bp = Blueprint("relay", __name__)


@bp.get("/me/relayed")
def my_relayed_posts() -> Response:
    """The posts I relay, with the person's name, phone and consent (the agent only)."""
    account = auth.require_account()
    rows = store().relayed_posts(account["id"])
    return answers.json_answer(
        {"posts": [{**row, "consent_at": answers.iso(row["consent_at"])} for row in rows]}
    )


class RelayedPost(BaseModel):
    post_id: int
    title: str
    status: str
    name: str
    phone: str
    consent_text: str
    consent_at: str


class RelayedPosts(BaseModel):
    """The posts I relay, with whom they are for (the agent only)."""

    posts: list[RelayedPost]


OPENAPI = [
    (
        "get",
        "/me/relayed",
        "Posts I relay for someone (agents)",
        None,
        None,
        200,
        RelayedPosts,
        "application/json",
        True,
    ),
]
