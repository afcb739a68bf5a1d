"""The stairwell: buildings as private groups, joined through an invitation.

A resident's building is the BAN address of their home (``web.services.homes``); its
street, the BAN street. A post addressed to the building (``audience: "building"``) or
the street is placed at its author's home building, has no public point, and is read by
the members of that building (of any building on that street) only: for anyone else,
every route about it answers as for a post that does not exist.

Membership needs proof of living there, not just an address typed: an invitation for a
building, asked for by a member of that building or a city agent, printed on the
stairwell poster or sent as a link, joins its holder to that building if their home is
that building. Invitations expire (``INVITATION_TTL_DAYS``) and can be revoked; only a
hash of their token is stored, and a forged, expired or revoked token is a 404 like an
unknown one."""

import hashlib
import secrets
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from flask import current_app

from web.http.problems import Problem, invalid
from web.roles import can
from web.services import geocode, homes, notify, posting
from web.store import current as store
from web.store.rows import Membership

AUDIENCES = ("building", "street")
NO_INVITATION = "no such invitation (it may have expired or been revoked)"
NOT_A_MEMBER = "you are not a member of a building: join yours from an invitation"


class Invited(NamedTuple):
    """A new invitation: its id, the token its link carries, when it expires."""

    id: int
    token: str
    expires_at: float

    def url(self, city: str) -> str:
        return f"{notify.base_url()}/{city}/join/{self.token}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def membership(account: Mapping[str, Any] | None, city_id: int) -> Membership | None:
    """The building the account joined in that city, if any."""
    if account is None or account["city_id"] != city_id:
        return None
    return store().membership(account["id"])


def reads(account: Mapping[str, Any] | None, post: Mapping[str, Any], city_id: int) -> bool:
    """Whether the account is a reader of a building or street post: a member of that
    building, or of a building on that street."""
    member = membership(account, city_id)
    if member is None or post["audience"] not in AUDIENCES:
        return False
    if post["audience"] == "building":
        return bool(member["ban_id"] == post["ban_id"])
    return bool(member["street"] == post["street"])


def home_group(account: Mapping[str, Any]) -> homes.Building:
    """Where the account's building and street posts go: its home building (joined or
    not: the first to post waits for the neighbours to join). 422 naming ``audience``
    when the home is not an address of the city's address file."""
    building = homes.home_building(account)
    if building is None:
        raise invalid(
            "audience",
            "your home is not a house number of the city's address file: give your address"
            " (number and street) on your account page first",
        )
    return building


def invite(account: Mapping[str, Any], city_id: int, address: str | None) -> Invited:
    """A new invitation: to the building at ``address`` for a city agent, to the member's
    own building otherwise (403 for anyone else)."""
    agent = can(account, "invite", city_id)
    if address is not None:
        if not agent:
            raise Problem(403, "Forbidden", "only the city's agents invite to any address")
        found = posting.first_address(city_id, address)
        if not found.ban_id:
            raise invalid("address", "give a house number of the city's address file")
        ban_id = found.ban_id
    else:
        member = membership(account, city_id)
        if member is None:
            raise Problem(403, "Forbidden", NOT_A_MEMBER, [("address", "give the address")])
        ban_id = member["ban_id"]
    return _issue(account, city_id, ban_id)


def poster_invitation(account: Mapping[str, Any], city_id: int, ban_id: str) -> Invited | None:
    """The invitation a stairwell poster prints for the building ``ban_id``: when a city
    agent or a member of that building asks for it; None for anyone else (the anonymous
    poster carries no invitation)."""
    if not ban_id:
        return None
    member = membership(account, city_id)
    if can(account, "invite", city_id) or (member is not None and member["ban_id"] == ban_id):
        return _issue(account, city_id, ban_id)
    return None


def _issue(account: Mapping[str, Any], city_id: int, ban_id: str) -> Invited:
    token = secrets.token_urlsafe(24)
    now = time.time()
    expires_at = now + current_app.config["INVITATION_TTL_DAYS"] * 86400.0
    invitation_id = store().create_invitation(
        city_id,
        ban_id=ban_id,
        street=geocode.street_key(ban_id),
        token_hash=token_hash(token),
        created_by=account["id"],
        created_at=now,
        expires_at=expires_at,
    )
    return Invited(invitation_id, token, expires_at)


def revoke(account: Mapping[str, Any], city_id: int, invitation_id: int) -> None:
    """Its author or a city agent revokes an invitation; 404 for anyone else."""
    invitation = store().invitation(city_id, invitation_id)
    if invitation is None or not (
        invitation["created_by"] == account["id"] or can(account, "invite", city_id)
    ):
        raise Problem(404, "Not found", NO_INVITATION, [("invitation_id", "unknown")])
    store().revoke_invitation(invitation_id)


def join(account: Mapping[str, Any], city_id: int, token: str) -> None:
    """Join the invitation's building, if the account's home is that building. An unknown,
    forged, expired or revoked token: the same 404."""
    invitation = store().invitation_by_hash(city_id, token_hash(token))
    if (
        invitation is None
        or invitation["revoked_at"] is not None
        or invitation["expires_at"] <= time.time()
        or account["city_id"] != city_id
    ):
        raise Problem(404, "Not found", NO_INVITATION, [("token", "unknown")])
    building = homes.home_building(account)
    if building is None or building.ban_id != invitation["ban_id"]:
        raise Problem(
            409,
            "Conflict",
            "this invitation is for another building than your home's: nothing was joined",
            [("token", "not your building")],
        )
    store().join_building(account, invitation)
