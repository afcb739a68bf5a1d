"""The social service's register: a CSV file imported into the call list (social workers),
and the calls volunteers log themselves (``web.services.register``)."""

import time

from flask import Blueprint, Response, request
from pydantic import BaseModel

from web.api import rights
from web.http import answers, parsing, schemas
from web.http.auth import require_account
from web.http.problems import Problem
from web.indexes import city_index
from web.services import register
from web.services.calls import VolunteerOutcome
from web.store import current as store

bp = Blueprint("register", __name__)

CSV_TYPES = ("text/csv", "text/plain", "application/octet-stream")


class Imported(BaseModel):
    imported: int


class MyCall(schemas.Body):
    outcome: VolunteerOutcome
    notes: schemas.LongText = ""


class AssignedPersonView(BaseModel):
    id: int
    name: str
    phone: str
    last_outcome: VolunteerOutcome | None


class AssignedPeople(BaseModel):
    """The people a social worker asked me to phone."""

    people: list[AssignedPersonView]


class MyCallRecorded(BaseModel):
    id: int
    outcome: VolunteerOutcome
    called_at: str


@bp.post("/<city>/calls/import")
def import_register(city: str) -> Response:
    """Import a register (the body is the CSV file): every row, or none with the reasons."""
    index, account = rights.require_right(city, "keep_call_list", write=True)
    if request.mimetype not in CSV_TYPES:
        raise Problem(
            415, "Unsupported media type", "send the register as text/csv",
            [("Content-Type", "must be text/csv")],
        )  # fmt: skip
    request.max_content_length = register.MAX_BYTES
    report = register.read(request.get_data(), index)
    if report.refused:
        raise report.problem()
    count = store().import_call_people(index.city["id"], account["id"], report.people)
    return answers.json_answer({"imported": count}, 201)


@bp.get("/<city>/me/calls")
def my_calls(city: str) -> Response:
    """The people a social worker asked me to phone, with my last call's outcome."""
    account = require_account()
    index = city_index(city)
    rows = store().assigned_call_people(index.city["id"], account["id"])
    return answers.json_answer({"people": rows})


@bp.post("/<city>/me/calls/<int:person_id>")
def log_my_call(city: str, person_id: int) -> Response:
    """Log a call I made to someone I was asked to phone; the social workers see it."""
    account = require_account(write=True)
    index = city_index(city)
    body = parsing.parse_body(MyCall)
    call_id = None
    if person_id <= schemas.INT64_MAX:
        call_id = store().record_volunteer_call(
            index.city["id"], person_id, account["id"], body.outcome, body.notes
        )
    if call_id is None:
        raise Problem(
            404, "Not found", f"nobody {person_id} for you to call in {city}",
            [("person_id", "not yours to call")],
        )  # fmt: skip
    return answers.json_answer(
        {"id": call_id, "outcome": body.outcome, "called_at": answers.iso(time.time())}, 201
    )


_JSON = "application/json"
# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "post",
        "/{city}/calls/import",
        "Import a register (CSV)",
        None,
        None,
        201,
        Imported,
        _JSON,
        True,
    ),
    (
        "get",
        "/{city}/me/calls",
        "People I was asked to phone",
        None,
        None,
        200,
        AssignedPeople,
        _JSON,
        True,
    ),
    (
        "post",
        "/{city}/me/calls/{person_id}",
        "Log my call",
        None,
        MyCall,
        201,
        MyCallRecorded,
        _JSON,
        True,
    ),
]
