"""The call list: people the social workers call, and the volunteers nearest to them."""

import time
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

from flask import Blueprint, Response
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from web.api import rights
from web.http import answers, cursor, idempotency, parsing, ratelimit, schemas
from web.http.idempotency import idempotent
from web.http.problems import Problem, invalid
from web.indexes import CityIndex
from web.services import homes, notify, posting, volunteers
from web.services.calls import MAX_VOLUNTEERS, AnyOutcome, Outcome
from web.store import current as store
from web.store.calls import call_list_key
from web.store.rows import CallPerson

bp = Blueprint("calls", __name__)


class PersonCreate(schemas.Body, schemas.OnePlace):
    name: schemas.TitleLine
    phone: Annotated[str, Field(pattern=r"^[+0-9 ().-]{4,30}$")]
    address: schemas.AddressLine | None = None
    lat: schemas.Latitude | None = None
    lon: schemas.Longitude | None = None
    needs: Annotated[list[schemas.Slug], Field(max_length=20)] = Field(default_factory=list)
    notes: schemas.LongText = ""
    consent_on: date = Field(description="the day the person agreed to be called")


class PersonPatch(schemas.Body):
    name: schemas.TitleLine | None = None
    phone: Annotated[str, Field(pattern=r"^[+0-9 ().-]{4,30}$")] | None = None
    address: schemas.AddressLine | None = None
    needs: Annotated[list[schemas.Slug], Field(max_length=20)] | None = None
    notes: schemas.LongText | None = None


class VolunteersQuery(schemas.Query):
    limit: Annotated[int, Field(ge=1, le=MAX_VOLUNTEERS)] = 5
    radius: Annotated[float, Field(ge=1, le=schemas.MAX_RADIUS_M, allow_inf_nan=False)] = 10_000


class Assignment(schemas.Body):
    volunteer_id: Annotated[int, Field(ge=1, le=schemas.INT64_MAX)]


class CallRecord(schemas.Body):
    outcome: Outcome
    notes: schemas.LongText = ""


class VolunteerView(BaseModel):
    id: int
    display_name: str
    phone: str
    email: str


class NearVolunteer(VolunteerView):
    distance_m: int = Field(
        description="from the person's home to the volunteer's public point, rounded to 100 m"
    )


class NearVolunteers(BaseModel):
    """The nearest volunteers who accept calls, nearest first."""

    volunteers: list[NearVolunteer]
    radius_m: float


class CallView(BaseModel):
    id: int
    outcome: AnyOutcome
    notes: str
    called_at: str
    recorded_by: str | None


class LastCall(BaseModel):
    called_at: str
    outcome: AnyOutcome


class PersonView(BaseModel):
    """A person on the call list (social workers of the city only)."""

    id: int
    name: str
    phone: str
    address: str
    lat: float
    lon: float
    needs: list[str]
    notes: str
    consent_on: str
    created_at: str
    volunteer: VolunteerView | None
    last_call: LastCall | None
    calls: list[CallView] | None = Field(None, description="in the answers about one person")


class People(BaseModel):
    """The city's call list, what needs action first."""

    people: list[PersonView]
    next_cursor: str | None = Field(description="the next page's cursor; null on the last")


class CallCreated(BaseModel):
    """The recorded call."""

    id: int
    outcome: Outcome
    called_at: str


class AccessEntry(BaseModel):
    account_id: int
    account_name: str | None
    action: str
    person_id: int | None
    at: str


class AccessLog(BaseModel):
    """Who read or changed the call list, newest first."""

    entries: list[AccessEntry]


def _person_or_404(
    index: CityIndex, account: Mapping[str, Any], person_id: int, action: str
) -> CallPerson:
    row = None
    if person_id <= schemas.INT64_MAX:
        row = store().call_person(index.city["id"], person_id, account["id"], action)
    if row is None:
        raise Problem(404, "Not found", f"no person {person_id} on the call list of this city")
    return row


def _needs(index: CityIndex, slugs: list[str]) -> list[str]:
    for slug in slugs:
        if slug not in index.category_slugs:
            raise invalid(
                "needs",
                f"unknown category {slug!r}; see the categories endpoint",
                "not_allowed_value",
            )
    return sorted(set(slugs))


def _volunteer_view(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if row is None or row.get("id") is None:
        return None
    return {name: row[name] for name in ("id", "display_name", "phone", "email")}


def _person_view(
    row: Mapping[str, Any], calls: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    view = {
        "id": row["id"],
        "name": row["name"],
        "phone": row["phone"],
        "address": row["address"],
        "lat": row["lat"],
        "lon": row["lon"],
        "needs": row["needs"],
        "notes": row["notes"],
        "consent_on": row["consent_on"],
        "created_at": answers.iso(row["created_at"]),
        "volunteer": _volunteer_view(
            {
                "id": row["volunteer_id"],
                "display_name": row["volunteer_name"],
                "phone": row["volunteer_phone"],
                "email": row["volunteer_email"],
            }
        ),
        "last_call": None,
    }
    if row.get("last_called_at") is not None:
        view["last_call"] = {
            "called_at": answers.iso(row["last_called_at"]),
            "outcome": row["last_outcome"],
        }
    if calls is not None:
        view["calls"] = [
            {
                "id": call["id"],
                "outcome": call["outcome"],
                "notes": call["notes"],
                "called_at": answers.iso(call["called_at"]),
                "recorded_by": call["recorded_by"],
            }
            for call in calls
        ]
    return view


@bp.get("/<city>/calls/people")
def list_people(city: str) -> Response:
    """The call list, what needs action first (nobody assigned, then the longest since a
    call), keyset-paged."""
    index, account = rights.require_right(city, "keep_call_list")
    query = parsing.parse_query(schemas.QueuePage)
    asked = ("call-list", city)
    after = None
    if query.cursor:
        assigned, last, person_id = cursor.read_key(query.cursor, asked, (int, float, int))
        after = (int(assigned), float(last), int(person_id))
    rows = store().call_people(index.city["id"], account["id"], query.limit + 1, after)
    page = rows[: query.limit]
    next_cursor = None
    if len(rows) > query.limit:
        next_cursor = cursor.write_key(call_list_key(page[-1]), asked)
    return answers.json_answer(
        {"people": [_person_view(row) for row in page], "next_cursor": next_cursor}
    )


@bp.post("/<city>/calls/people")
@idempotent
def add_person(city: str) -> Response:
    """Add someone who agreed to be called (by phone, on ``consent_on``)."""
    index, account = rights.require_right(city, "keep_call_list", write=True)
    body = parsing.parse_body(PersonCreate)
    if body.consent_on > datetime.now(UTC).date():
        raise invalid("consent_on", "the consent date cannot be in the future", "out_of_range")
    needs = _needs(index, body.needs)
    lat, lon, address = posting.place_in_city(index, body.address, body.lat, body.lon)
    ratelimit.write_limit(account)
    person_id = store().create_call_person(
        index.city["id"],
        account["id"],
        name=body.name,
        phone=body.phone,
        address=address,
        lat=lat,
        lon=lon,
        needs=needs,
        notes=body.notes,
        consent_on=body.consent_on.isoformat(),
    )
    row = _person_or_404(index, account, person_id, "read")
    answer = answers.json_answer(_person_view(row, []), 201)
    answer.headers["Location"] = f"/api/v1/{city}/calls/people/{person_id}"
    return answer


@bp.get("/<city>/calls/people/<int:person_id>")
def get_person(city: str, person_id: int) -> Response:
    index, account = rights.require_right(city, "keep_call_list")
    row = _person_or_404(index, account, person_id, "read")
    return answers.json_answer(_person_view(row, store().calls_of(person_id)))


@bp.patch("/<city>/calls/people/<int:person_id>")
def change_person(city: str, person_id: int) -> Response:
    index, account = rights.require_right(city, "keep_call_list", write=True)
    body = parsing.parse_body(PersonPatch)
    _person_or_404(index, account, person_id, "read")
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "needs" in changes:
        changes["needs"] = _needs(index, changes["needs"])
    if "address" in changes:
        changes["lat"], changes["lon"], changes["address"] = posting.place_in_city(
            index, changes["address"], None, None
        )
    store().update_call_person(index.city["id"], person_id, account["id"], **changes)
    row = _person_or_404(index, account, person_id, "read")
    return answers.json_answer(_person_view(row, store().calls_of(person_id)))


@bp.delete("/<city>/calls/people/<int:person_id>")
def remove_person(city: str, person_id: int) -> Response:
    """Remove someone (they no longer wish to be called); the access log keeps the fact."""
    index, account = rights.require_right(city, "keep_call_list", write=True)
    _person_or_404(index, account, person_id, "read")
    store().delete_call_person(index.city["id"], person_id, account["id"])
    idempotency.forget(f"/api/v1/{city}/calls/people/{person_id}")
    return Response(status=204)


@bp.get("/<city>/calls/people/<int:person_id>/volunteers")
def nearest_volunteers(city: str, person_id: int) -> Response:
    """Volunteers who accepted calls, nearest to the person's home first (by the public
    points of their homes; ties by account)."""
    index, account = rights.require_right(city, "keep_call_list")
    query = parsing.parse_query(VolunteersQuery)
    person = _person_or_404(index, account, person_id, "nearest volunteers")
    rows = homes.with_public_homes(store().call_volunteers(index.city["id"]))
    found = volunteers.nearest(rows, person["lat"], person["lon"], query.radius, query.limit)
    nearest = [
        {**_volunteer_view(row), "distance_m": homes.rounded_distance_m(distance_m)}  # type: ignore[dict-item]
        for row, distance_m in found
    ]
    return answers.json_answer({"volunteers": nearest, "radius_m": query.radius})


@bp.post("/<city>/calls/people/<int:person_id>/assign")
def assign(city: str, person_id: int) -> Response:
    index, account = rights.require_right(city, "keep_call_list", write=True)
    body = parsing.parse_body(Assignment)
    _person_or_404(index, account, person_id, "read")
    volunteer = store().account(body.volunteer_id)
    if (
        volunteer is None
        or volunteer["city_id"] != index.city["id"]
        or not volunteer["accepts_calls"]
    ):
        raise invalid("volunteer_id", "not a volunteer of this city who accepts calls", "not_found")
    title = _("A social worker asks you to phone someone isolated near you")
    body = _("{name} will call you with the details. Thank you!").format(
        name=account["display_name"]
    )
    notice = {
        "account_id": volunteer["id"],
        "kind": "call",
        "title": title,
        "body": body,
        "mail": notify.mail(volunteer, title, body),
    }
    store().assign_call_volunteer(index.city["id"], person_id, account["id"], notice)
    if notice["mail"]:
        notify.queued()
    row = _person_or_404(index, account, person_id, "read")
    return answers.json_answer(_person_view(row, store().calls_of(person_id)))


@bp.post("/<city>/calls/people/<int:person_id>/calls")
@idempotent
def record_call(city: str, person_id: int) -> Response:
    """Record a call made to the person and how it went."""
    index, account = rights.require_right(city, "keep_call_list", write=True)
    body = parsing.parse_body(CallRecord)
    _person_or_404(index, account, person_id, "read")
    call_id = store().record_call(
        index.city["id"], person_id, account["id"], body.outcome, body.notes
    )
    return answers.json_answer(
        {"id": call_id, "outcome": body.outcome, "called_at": answers.iso(time.time())}, 201
    )


@bp.get("/<city>/calls/log")
def access_log(city: str) -> Response:
    """Who read or changed the call list, and when (newest first)."""
    index, account = rights.require_right(city, "keep_call_list")
    rows = store().call_access_log(index.city["id"], account["id"])
    entries = [
        {
            "account_id": row["account_id"],
            "account_name": row["account_name"],
            "action": row["action"],
            "person_id": row["person_id"],
            "at": answers.iso(row["at"]),
        }
        for row in rows
    ]
    return answers.json_answer({"entries": entries})


_JSON = "application/json"


_PEOPLE = "/{city}/calls/people"


_PERSON = _PEOPLE + "/{person_id}"


# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "get",
        _PEOPLE,
        "The call list (social workers), what needs action first",
        schemas.QueuePage,
        None,
        200,
        People,
        _JSON,
        True,
    ),
    ("post", _PEOPLE, "Add a person to call", None, PersonCreate, 201, PersonView, _JSON, True),
    ("get", _PERSON, "A person and their calls", None, None, 200, PersonView, _JSON, True),
    ("patch", _PERSON, "Change a person", None, PersonPatch, 200, PersonView, _JSON, True),
    ("delete", _PERSON, "Remove a person from the list", None, None, 204, None, "", True),
    (
        "get",
        _PERSON + "/volunteers",
        "Nearest volunteers who accept calls",
        VolunteersQuery,
        None,
        200,
        NearVolunteers,
        _JSON,
        True,
    ),
    (
        "post",
        _PERSON + "/assign",
        "Assign a volunteer",
        None,
        Assignment,
        200,
        PersonView,
        _JSON,
        True,
    ),
    ("post", _PERSON + "/calls", "Record a call", None, CallRecord, 201, CallCreated, _JSON, True),
    (
        "get",
        "/{city}/calls/log",
        "The call list's access log",
        None,
        None,
        200,
        AccessLog,
        _JSON,
        True,
    ),
]
