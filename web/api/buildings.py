"""The stairwell (``web.services.buildings``): my building's and my street's posts, and
the invitations that join a building."""

import time
from typing import Annotated, Literal

from flask import Blueprint, Response
from pydantic import BaseModel, Field, StringConstraints

from web.http import auth, cursor, schemas
from web.http.answers import GEOJSON, feature, iso, json_answer
from web.http.idempotency import idempotent
from web.http.parsing import parse_body, parse_query
from web.http.problems import Problem
from web.http.ratelimit import write_limit
from web.indexes import city_index
from web.services import buildings
from web.store import current as store

bp = Blueprint("buildings", __name__)

_JSON = "application/json"
Token = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class GroupQuery(schemas.Query):
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, StringConstraints(max_length=500)] | None = Field(
        None, description="next_cursor of the previous page"
    )


class GroupPosts(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[schemas.PostFeature]
    next_cursor: str | None


class InvitationCreate(schemas.Body):
    address: schemas.AddressLine | None = Field(
        None, description="city agents: the building to invite to; members: none (their own)"
    )


class InvitationCreated(BaseModel):
    id: int
    url: str = Field(description="the join link (the poster prints it as a QR code)")
    expires_at: str


class JoinBody(schemas.Body):
    token: Token


class Joined(BaseModel):
    joined: bool


@bp.get("/<city>/me/<any(building, street):audience>/posts")
def group_posts(city: str, audience: str) -> Response:
    """Posts addressed to my building (or my street), newest first, keyset paged; 404 for
    anyone who joined no building."""
    account = auth.require_account()
    query = parse_query(GroupQuery)
    index = city_index(city)
    member = buildings.membership(account, index.city["id"])
    if member is None:
        raise Problem(404, "Not found", buildings.NOT_A_MEMBER, [("audience", "not a member")])
    key = member["ban_id"] if audience == "building" else member["street"]
    fingerprint = (city, audience, key, query.limit)
    before = cursor.read(query.cursor, fingerprint) if query.cursor else None
    rows = store().group_posts(
        index.city["id"], audience, key, time.time(), before, query.limit + 1
    )
    page = rows[: query.limit]
    following = None
    if len(rows) > query.limit:
        following = cursor.write(page[-1]["created_at"], page[-1]["id"], fingerprint)
    owner = account["id"]
    features = [
        feature(row, index.remote_categories, owned=row["account_id"] == owner) for row in page
    ]
    body = {"type": "FeatureCollection", "features": features, "next_cursor": following}
    return json_answer(body, mimetype=GEOJSON)


@bp.post("/<city>/invitations")
@idempotent
def create_invitation(city: str) -> Response:
    """An invitation to my building (members), or to the building at an address (agents)."""
    account = auth.require_account(write=True)
    body = parse_body(InvitationCreate)
    index = city_index(city)
    write_limit(account)
    invited = buildings.invite(account, index.city["id"], body.address)
    answer = {"id": invited.id, "url": invited.url(city), "expires_at": iso(invited.expires_at)}
    return json_answer(answer, 201)


@bp.delete("/<city>/invitations/<int:invitation_id>")
def revoke_invitation(city: str, invitation_id: int) -> Response:
    account = auth.require_account(write=True)
    index = city_index(city)
    write_limit(account)
    if invitation_id > schemas.INT64_MAX:
        raise Problem(404, "Not found", buildings.NO_INVITATION, [("invitation_id", "unknown")])
    buildings.revoke(account, index.city["id"], invitation_id)
    return Response(status=204)


@bp.post("/<city>/invitations/join")
def join_building(city: str) -> Response:
    """Join the invitation's building, if my home is that building."""
    account = auth.require_account(write=True)
    body = parse_body(JoinBody)
    index = city_index(city)
    write_limit(account)
    buildings.join(account, index.city["id"], body.token)
    return json_answer({"joined": True})


OPENAPI = [
    (
        "get",
        "/{city}/me/building/posts",
        "Posts to my building",
        GroupQuery,
        None,
        200,
        GroupPosts,
        GEOJSON,
        True,
    ),
    (
        "get",
        "/{city}/me/street/posts",
        "Posts to my street",
        GroupQuery,
        None,
        200,
        GroupPosts,
        GEOJSON,
        True,
    ),
    (
        "post",
        "/{city}/invitations",
        "Invite to a building",
        None,
        InvitationCreate,
        201,
        InvitationCreated,
        _JSON,
        True,
    ),
    (
        "delete",
        "/{city}/invitations/{invitation_id}",
        "Revoke an invitation",
        None,
        None,
        204,
        None,
        "",
        True,
    ),
    (
        "post",
        "/{city}/invitations/join",
        "Join a building",
        None,
        JoinBody,
        200,
        Joined,
        _JSON,
        True,
    ),
]
