"""Missions: associations post them, volunteers near them answer (``web.services.missions``)."""

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from flask import Blueprint, Response
from flask_babel import gettext as _
from pydantic import AwareDatetime, BaseModel, Field

from matcher import Post, Subscription, Subscriptions
from web import indexes
from web.api import rights
from web.http import answers, auth, parsing, ratelimit, schemas
from web.http.idempotency import idempotent
from web.http.problems import Problem, invalid
from web.indexes import CityIndex
from web.services import homes, notify, posting, volunteers
from web.services.missions import MAX_AHEAD
from web.store import current as store
from web.store.rows import Mission

bp = Blueprint("missions", __name__)


class MissionCreate(schemas.Body, schemas.OnePlace):
    title: schemas.TitleLine
    description: schemas.LongText = ""
    starts_at: AwareDatetime = Field(description="ISO 8601 with a time zone, in the future")
    address: schemas.AddressLine | None = None
    lat: schemas.Latitude | None = None
    lon: schemas.Longitude | None = None
    radius_m: Annotated[float, Field(ge=100, le=20_000, allow_inf_nan=False)] = 2000
    volunteers_needed: Annotated[int, Field(ge=1, le=1000)]


class MissionAnswer(schemas.Body):
    answer: Literal["yes", "no"]
    share_contact: bool = Field(
        False, description="show my e-mail and phone to the association (with a yes)"
    )


class MissionView(BaseModel):
    """A mission, with the counts of answers (and the caller's own answer)."""

    id: int
    title: str
    description: str
    starts_at: str
    address: str
    lat: float
    lon: float
    radius_m: float
    volunteers_needed: int
    association: str
    yes: int
    no: int
    notified: int = Field(description="volunteers notified, rounded to 5; 0: fewer than 5")
    my_answer: Literal["yes", "no"] | None


class MissionLists(BaseModel):
    """Missions around the caller's home, and those the caller posted."""

    missions: list[MissionView]
    posted: list[MissionView]
    accepts_missions: bool


class Volunteer(BaseModel):
    display_name: str
    email: str | None = None
    phone: str | None = None


class MissionAnswers(BaseModel):
    """Who said yes; contact details only where the volunteer shared them."""

    mission: MissionView
    yes: list[Volunteer]


def _mission_view(row: Mapping[str, Any], my_answer: str | None = None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "starts_at": answers.iso(row["starts_at"]),
        "address": row["address"],
        "lat": row["lat"],
        "lon": row["lon"],
        "radius_m": row["radius_m"],
        "volunteers_needed": row["volunteers_needed"],
        "association": row["association_name"],
        "yes": row["yes_count"],
        "no": row["no_count"],
        "notified": homes.rounded_count(row["notified"]),
        "my_answer": my_answer,
    }


@bp.post("/<city>/missions")
@idempotent
def create_mission(city: str) -> Response:
    """Post a mission; the volunteers around it are notified at once."""
    index, account = rights.require_right(city, "post_missions", write=True)
    body = parsing.parse_body(MissionCreate)
    now = datetime.now(UTC)
    if not now < body.starts_at <= now + MAX_AHEAD:
        raise invalid(
            "starts_at", "the mission must start in the future, within a year", "out_of_range"
        )
    lat, lon, address = posting.place_in_city(index, body.address, body.lat, body.lon)
    ratelimit.write_limit(account)
    rows = homes.with_public_homes(
        [row for row in store().mission_volunteers(index.city["id"]) if row["id"] != account["id"]]
    )
    near = volunteers.within(volunteers.points_index(rows), lat, lon, body.radius_m) if rows else []
    by_id = {row["id"]: row for row in rows}
    when = body.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    link = f"/{city}/missions"
    text = _("{association} needs volunteers on {when}: {title}. Answer on {url}").format(
        association=account["display_name"],
        when=when,
        title=body.title,
        url=notify.base_url() + link,
    )
    notices = [
        {
            "account_id": match.id,
            "kind": "mission",
            "title": body.title,
            "body": text,
            "link": link,
            "mail": notify.mail(
                by_id[match.id], _("A mission near you: {title}").format(title=body.title), text
            ),
        }
        for match in near
    ]
    mission_id = store().create_mission(
        index.city["id"],
        account["id"],
        notices,
        title=body.title,
        description=body.description,
        starts_at=body.starts_at.timestamp(),
        address=address,
        lat=lat,
        lon=lon,
        radius_m=body.radius_m,
        volunteers_needed=body.volunteers_needed,
    )
    if any(notice["mail"] for notice in notices):
        notify.queued()
    answer = answers.json_answer(_mission_view(store().mission(index.city["id"], mission_id)), 201)  # type: ignore[arg-type]
    answer.headers["Location"] = f"/api/v1/{city}/missions/{mission_id}"
    return answer


def _missions_around(index: CityIndex, account: Mapping[str, Any]) -> list[Mission]:
    """Upcoming missions whose circle holds the public point of the account's home (as
    when they were notified), soonest first (none for an account that did not accept
    missions)."""
    home = homes.public_home(account)
    if not account["accepts_missions"] or home is None:
        return []
    if account["city_id"] != index.city["id"]:
        return []
    rows = store().upcoming_missions(index.city["id"], time.time())
    circles = Subscriptions()
    for row in rows:
        circles.add(Subscription(row["id"], row["lat"], row["lon"], row["radius_m"]))
    inside = set(circles.matching(Post(0, *home, "home", "offer", 0.0)))
    return [row for row in rows if row["id"] in inside]


@bp.get("/<city>/missions")
def list_missions(city: str) -> Response:
    """For a volunteer: the upcoming missions around their home, with their answer.
    For an association: its own missions, with counts of answers."""
    account = auth.require_account()
    index = indexes.city_index(city)
    mine = [
        _mission_view(row)
        for row in store().missions_by(account["id"])
        if row["city_id"] == index.city["id"]
    ]
    my_answers = store().my_mission_answers(account["id"])
    around = [
        _mission_view(row, my_answers.get(row["id"])) for row in _missions_around(index, account)
    ]
    body = {
        "missions": around,
        "posted": mine,
        "accepts_missions": bool(account["accepts_missions"]),
    }
    return answers.json_answer(body)


@bp.post("/<city>/missions/<int:mission_id>/answer")
@idempotent
def answer_mission(city: str, mission_id: int) -> Response:
    """A volunteer around the mission says yes or no (and may change their mind)."""
    account = auth.require_account(write=True)
    index = indexes.city_index(city)
    body = parsing.parse_body(MissionAnswer)
    around = {row["id"]: row for row in _missions_around(index, account)}
    if mission_id not in around:
        raise Problem(
            404,
            "Not found",
            f"no upcoming mission {mission_id} around your home",
            [("mission_id", "not a mission for you")],
        )
    ratelimit.write_limit(account)
    store().answer_mission(
        mission_id, account["id"], body.answer, body.answer == "yes" and body.share_contact
    )
    row = store().mission(index.city["id"], mission_id)
    return answers.json_answer(_mission_view(row, body.answer))  # type: ignore[arg-type]


@bp.get("/<city>/missions/<int:mission_id>/answers")
def mission_answers(city: str, mission_id: int) -> Response:
    """Who said yes (the association's eyes only); contact details only where shared."""
    account = auth.require_account()
    index = indexes.city_index(city)
    row = store().mission(index.city["id"], mission_id) if mission_id <= schemas.INT64_MAX else None
    if row is None or row["account_id"] != account["id"]:
        raise Problem(
            404, "Not found", f"no mission {mission_id} of yours", [("mission_id", "unknown")]
        )
    volunteers_yes = []
    for answer in store().mission_answers(mission_id):
        if answer["answer"] != "yes":
            continue
        person: dict[str, Any] = {"display_name": answer["display_name"]}
        if answer["share_contact"]:
            person["email"] = answer["email"]
            if answer["phone"]:
                person["phone"] = answer["phone"]
        volunteers_yes.append(person)
    return answers.json_answer({"mission": _mission_view(row), "yes": volunteers_yes})


_MISSION = "/{city}/missions/{mission_id}"


_JSON = "application/json"


# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "get",
        "/{city}/missions",
        "Missions near me, and mine",
        None,
        None,
        200,
        MissionLists,
        _JSON,
        True,
    ),
    (
        "post",
        "/{city}/missions",
        "Post a mission",
        None,
        MissionCreate,
        201,
        MissionView,
        _JSON,
        True,
    ),
    (
        "post",
        _MISSION + "/answer",
        "Answer a mission",
        None,
        MissionAnswer,
        200,
        MissionView,
        _JSON,
        True,
    ),
    ("get", _MISSION + "/answers", "Who said yes", None, None, 200, MissionAnswers, _JSON, True),
]
