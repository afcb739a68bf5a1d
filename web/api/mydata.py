""" "My data": download everything held about me, or delete my account."""

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from web.http import answers, auth, parsing, ratelimit, schemas
from web.http.problems import Problem
from web.store import current as store

bp = Blueprint("mydata", __name__)


class DeleteAccountBody(schemas.Body):
    password: Annotated[str, StringConstraints(max_length=1024)]


@bp.get("/me/export")
def export() -> Response:
    """Everything held about the caller, as a JSON file to keep."""
    account = auth.require_account()
    data = {
        "exported_at": answers.iso(time.time()),
        "format": "voisinage personal data export, version 1; times in seconds since 1970 UTC",
        **store().personal_data(account["id"]),
    }
    answer = answers.json_answer(data)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    answer.headers["Content-Disposition"] = (
        f'attachment; filename="voisinage-my-data-{account["id"]}-{day}.json"'
    )
    return answer


@bp.delete("/me")
def delete_me() -> Response:
    """Delete the account for good, after the password is typed again."""
    account = auth.require_account(write=True)
    body = parsing.parse_body(DeleteAccountBody)
    ratelimit.check("login")  # a password guess, like a login
    if not auth.verify_password(account["password_hash"], body.password):
        raise Problem(
            403,
            "Forbidden",
            "wrong password",
            [("password", "type your password again", "wrong_credentials")],
        )
    store().delete_account(account["id"])
    auth.log_out()
    return Response(status=204)


class PersonalData(BaseModel):
    """Everything held about me: my account, and every table's rows I own."""

    model_config = ConfigDict(extra="allow")
    exported_at: str
    format: str
    account: dict[str, Any]


OPENAPI = [
    (
        "get",
        "/me/export",
        "Download all my data (JSON attachment)",
        None,
        None,
        200,
        PersonalData,
        "application/json",
        True,
    ),
    (
        "delete",
        "/me",
        "Delete my account (password again)",
        None,
        DeleteAccountBody,
        204,
        None,
        "",
        True,
    ),
]
