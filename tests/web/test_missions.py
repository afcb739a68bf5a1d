"""Missions: associations post, volunteers around are notified and answer, the association
sees who said yes (contact only with consent)."""

from datetime import UTC, datetime, timedelta

import pytest
from pyproj import Geod

from tests.web.conftest import CENTRE, sign_up, sql, verified_organisation

GEOD = Geod(ellps="WGS84")
MISSIONS = "/api/v1/grenoble/missions"


def soon(days: int = 3) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def mission_body(**fields) -> dict:
    return {
        "title": "Distribution alimentaire",
        "description": "Samedi matin, place Notre-Dame",
        "starts_at": soon(),
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        "radius_m": 1000,
        "volunteers_needed": 4,
        **fields,
    }


def north_of_centre(metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(CENTRE[1], CENTRE[0], 0, metres)
    return lat, lon


@pytest.fixture
def association(app):
    return verified_organisation(app, "asso@example.org", display_name="Banque")


def volunteer(app, email: str, metres: float, accepts: bool = True, **fields):
    lat, lon = north_of_centre(metres)
    session = sign_up(app, email, lat=lat, lon=lon, **fields)
    assert session.patch("/api/v1/me", {"accepts_missions": accepts}).status_code == 200
    return session


def inbox(session) -> dict:
    answer = session.get("/api/v1/me/notifications")
    assert answer.status_code == 200, answer.json
    return answer.json


def test_volunteers_within_the_radius_are_notified(app, association):
    near = volunteer(app, "near@example.org", 900)
    far = volunteer(app, "far@example.org", 1100)
    unwilling = volunteer(app, "unwilling@example.org", 100, accepts=False)
    created = association.post(MISSIONS, mission_body())
    assert created.status_code == 201, created.json
    assert created.json["notified"] == 0  # one: "fewer than 5"
    assert created.headers["Location"] == f"{MISSIONS}/{created.json['id']}"
    notes = inbox(near)
    assert notes["unread"] == 1
    assert notes["notifications"][0]["kind"] == "mission"
    assert notes["notifications"][0]["title"] == "Distribution alimentaire"
    assert notes["notifications"][0]["link"] == "/grenoble/missions"
    assert inbox(far)["notifications"] == [] and inbox(unwilling)["notifications"] == []
    assert [m["id"] for m in near.get(MISSIONS).json["missions"]] == [created.json["id"]]
    assert far.get(MISSIONS).json["missions"] == []
    assert unwilling.get(MISSIONS).json["missions"] == []


def test_a_volunteer_answers_and_the_association_sees_who_said_yes(app, association):
    sharer = volunteer(app, "sharer@example.org", 100, phone="06 01 02 03 04")
    private = volunteer(app, "private@example.org", 200, phone="06 99 99 99 99")
    declines = volunteer(app, "declines@example.org", 300)
    mission = association.post(MISSIONS, mission_body()).json
    path = f"{MISSIONS}/{mission['id']}"
    yes = sharer.post(f"{path}/answer", {"answer": "yes", "share_contact": True})
    assert yes.status_code == 200, yes.json
    assert yes.json["my_answer"] == "yes" and yes.json["yes"] == 1
    assert private.post(f"{path}/answer", {"answer": "yes"}).status_code == 200
    assert declines.post(f"{path}/answer", {"answer": "no"}).status_code == 200
    answers = association.get(f"{path}/answers")
    assert answers.status_code == 200, answers.json
    assert answers.json["yes"] == [
        {"display_name": "sharer", "email": "sharer@example.org", "phone": "06 01 02 03 04"},
        {"display_name": "private"},
    ]
    assert answers.json["mission"]["yes"] == 2 and answers.json["mission"]["no"] == 1
    # changing one's mind: a no replaces the yes, and the contact goes with it
    sharer.post(f"{path}/answer", {"answer": "no", "share_contact": True})
    assert [p["display_name"] for p in association.get(f"{path}/answers").json["yes"]] == [
        "private"
    ]
    posted = association.get(MISSIONS).json["posted"]
    assert [(m["id"], m["yes"], m["no"]) for m in posted] == [(mission["id"], 1, 2)]


def test_only_associations_post_missions(app, alice):
    answer = alice.post(MISSIONS, mission_body())
    assert answer.status_code == 403
    assert app.test_client().post(MISSIONS, json=mission_body()).status_code == 401


def test_only_volunteers_around_may_answer(app, association):
    far = volunteer(app, "far@example.org", 2000)
    mission = association.post(MISSIONS, mission_body()).json
    answer = far.post(f"{MISSIONS}/{mission['id']}/answer", {"answer": "yes"})
    assert answer.status_code == 404 and answer.json["errors"][0]["param"] == "mission_id"
    assert far.post(f"{MISSIONS}/999999/answer", {"answer": "yes"}).status_code == 404


def test_only_the_association_sees_the_answers(app, association, alice):
    mission = association.post(MISSIONS, mission_body()).json
    other = sign_up(app, "other-asso@example.org", poster_type="association")
    for session in (alice, other):
        assert session.get(f"{MISSIONS}/{mission['id']}/answers").status_code == 404
    assert app.test_client().get(f"{MISSIONS}/{mission['id']}/answers").status_code == 401


def test_the_address_is_geocoded(app, association):
    body = mission_body(address="1 rue Félix Poulat")
    del body["lat"], body["lon"]
    created = association.post(MISSIONS, body)
    assert created.status_code == 201, created.json
    assert created.json["address"] == "1 rue Félix Poulat"


@pytest.mark.parametrize(
    "change, param",
    [
        ({"title": ""}, "title"),  # empty
        ({"starts_at": "2020-01-01T10:00:00+00:00"}, "starts_at"),  # in the past
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),  # no time zone
        ({"starts_at": "9999-12-31T23:59:59-23:59"}, "starts_at"),  # beyond a year
        ({"radius_m": 50}, "radius_m"),  # below 100 m
        ({"radius_m": 50_000}, "radius_m"),  # beyond 20 km
        ({"volunteers_needed": 0}, "volunteers_needed"),
        ({"lat": 45.764, "lon": 4.8357}, "lat"),  # Lyon
        ({"lat": None}, "lat"),  # lon alone
        ({"lat": None, "lon": None}, "address"),  # no place
    ],
)
def test_a_bad_mission_names_the_field(association, change, param):
    body = {k: v for k, v in mission_body(**change).items() if v is not None}
    answer = association.post(MISSIONS, body)
    assert answer.status_code == 422, answer.json
    assert answer.json["errors"][0]["param"] == param


def test_a_bad_answer_names_the_field(app, association):
    near = volunteer(app, "near@example.org", 100)
    mission = association.post(MISSIONS, mission_body()).json
    answer = near.post(f"{MISSIONS}/{mission['id']}/answer", {"answer": "maybe"})
    assert answer.status_code == 422 and answer.json["errors"][0]["param"] == "answer"


def test_past_missions_leave_the_volunteers_list(app, association, database):
    near = volunteer(app, "near@example.org", 100)
    mission = association.post(MISSIONS, mission_body()).json
    sql(database, "UPDATE missions SET starts_at = 0 WHERE id = ?", (mission["id"],))
    assert near.get(MISSIONS).json["missions"] == []


def test_notifications_are_marked_read(app, association):
    near = volunteer(app, "near@example.org", 100)
    association.post(MISSIONS, mission_body())
    association.post(MISSIONS, mission_body(title="Maraude"))
    notes = inbox(near)["notifications"]
    assert [n["title"] for n in notes] == ["Maraude", "Distribution alimentaire"]
    read = near.post(f"/api/v1/me/notifications/{notes[0]['id']}/read")
    assert read.status_code == 200 and read.json["unread"] == 1
    again = near.post(f"/api/v1/me/notifications/{notes[0]['id']}/read")
    assert again.status_code == 404  # already read
    unread = near.get("/api/v1/me/notifications", query_string={"unread": "1"}).json
    assert [n["title"] for n in unread["notifications"]] == ["Distribution alimentaire"]
    # nobody marks another's notifications
    assert association.post(f"/api/v1/me/notifications/{notes[1]['id']}/read").status_code == 404
    assert near.post("/api/v1/me/notifications/read").json["unread"] == 0
    assert inbox(near)["unread"] == 0
    assert app.test_client().get("/api/v1/me/notifications").status_code == 401


def test_the_missions_page_renders(client):
    page = client.get("/grenoble/missions")
    assert page.status_code == 200 and b'id="mission-form"' in page.data


def test_the_inbox_page_renders(client):
    page = client.get("/grenoble/notifications")
    assert page.status_code == 200 and b'id="inbox"' in page.data


def test_the_workflows_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/{city}/calls/people/{person_id}/volunteers",
        "/api/v1/{city}/missions/{mission_id}/answers",
        "/api/v1/{city}/alerts",
        "/api/v1/me/notifications",
    ):
        assert path in paths
