"""Verification of organisations by the city's moderators."""

from typing import Any, Literal

from flask import Blueprint, Response
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers, parsing, schemas
from web.http.problems import Problem
from web.roles import Role
from web.services import notify, verification
from web.store import current as store

bp = Blueprint("verification", __name__)


class Decision(schemas.Body):
    decision: Literal["approve", "refuse"]
    reason: schemas.OptionalReason = Field("", description="told to the applicant")


class Applicant(BaseModel):
    id: int
    email: str
    display_name: str
    poster_type: schemas.PosterType
    phone: str
    home_address: str
    created_at: str


class Applicants(BaseModel):
    """Organisations waiting for verification, oldest first."""

    organisations: list[Applicant]


class Decided(BaseModel):
    id: int
    verification: Literal["approved", "refused"]
    role: Role


@bp.get("/<city>/moderation/organisations")
def applicants(city: str) -> Response:
    """Organisations of the city waiting for verification."""
    index, _account = rights.require_right(city, "moderate")
    city_id = index.city["id"]
    rows = store().organisations_to_verify(city_id)
    return answers.json_answer(
        {"organisations": [{**row, "created_at": answers.iso(row["created_at"])} for row in rows]}
    )


@bp.post("/<city>/moderation/organisations/<int:account_id>")
def decide(city: str, account_id: int) -> Response:
    """Approve or refuse an organisation; audited, the applicant notified."""
    index, account = rights.require_right(city, "moderate", write=True)
    city_id = index.city["id"]
    body = parsing.parse_body(Decision)
    applicant = store().account(account_id) if account_id <= schemas.INT64_MAX else None
    approved = body.decision == "approve"
    changes: dict[str, Any] = {"verification": "approved" if approved else "refused"}
    if approved:
        changes = dict(verification.APPROVED)
        title = _("The city verified your organisation")
        text = _("You can now post missions; your posts show that the city verified you.")
    else:
        title = _("The city did not verify your organisation")
        text = _("Your account stays a resident's account.")
    if body.reason:
        text += "\n\n" + body.reason
    notice = {
        "account_id": account_id,
        "kind": "verification",
        "title": title,
        "body": text,
        "link": f"/{city}/me",
        "mail": notify.mail(applicant, title, text) if applicant else None,
    }
    action = f"organisation_{body.decision}"
    reason = f"account {account_id}" + (f": {body.reason}" if body.reason else "")
    if applicant is None or not store().decide_organisation(
        city_id, account_id, changes, account, action, reason, notice
    ):
        raise Problem(
            404,
            "Not found",
            f"no organisation {account_id} waiting for verification in {city}",
            [("account_id", "not waiting")],
        )
    if notice["mail"]:
        notify.queued()
    role = "association" if approved else applicant["role"]
    return answers.json_answer(
        {"id": account_id, "verification": changes["verification"], "role": role}
    )


_PATH = "/{city}/moderation/organisations"


_JSON = "application/json"


# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "get",
        _PATH,
        "Organisations to verify (moderators)",
        None,
        None,
        200,
        Applicants,
        _JSON,
        True,
    ),
    (
        "post",
        _PATH + "/{account_id}",
        "Approve or refuse an organisation",
        None,
        Decision,
        200,
        Decided,
        _JSON,
        True,
    ),
]
