"""The social workers' call list: private, audited, nearest volunteers by the engine."""

from datetime import date, timedelta

import pytest
from pyproj import Geod

from tests.web.conftest import (
    CENTRE,
    INSIDE,
    REFUSED,
    add_city,
    mailed_token,
    set_role,
    sign_up,
    sql,
)

GEOD = Geod(ellps="WGS84")
PEOPLE = "/api/v1/grenoble/calls/people"
PERSON = {
    "name": "Mme Jeanne Martin",
    "phone": "04 76 00 00 01",
    "lat": CENTRE[0],
    "lon": CENTRE[1],
    "needs": ["shopping"],
    "notes": "Appeler le matin",
    "consent_on": "2026-11-02",
}


@pytest.fixture
def worker(app, database):
    session = sign_up(app, "worker@ville.example")
    set_role(database, "worker@ville.example", "social_worker")
    return session


def volunteer(app, email: str, lat: float, lon: float, accepts: bool = True):
    session = sign_up(app, email, lat=lat, lon=lon, phone="06 00 00 00 00")
    response = session.patch("/api/v1/me", {"accepts_calls": accepts})
    assert response.status_code == 200, response.json
    assert response.json["accepts_calls"] is accepts
    return session


def access_log(database) -> list[tuple]:
    return sql(database, "SELECT account_id, action, person_id FROM call_access_log ORDER BY id")


def test_a_social_worker_adds_reads_and_lists_people(worker, database):
    created = worker.post(PEOPLE, PERSON)
    assert created.status_code == 201, created.json
    person = created.json
    assert created.headers["Location"] == f"{PEOPLE}/{person['id']}"
    assert person["name"] == "Mme Jeanne Martin"
    assert person["needs"] == ["shopping"]
    assert person["volunteer"] is None and person["calls"] == []
    listed = worker.get(PEOPLE).json["people"]
    assert [p["id"] for p in listed] == [person["id"]]
    assert worker.get(f"{PEOPLE}/{person['id']}").json["phone"] == "04 76 00 00 01"
    me = worker.account["id"]
    actions = [(a, act, p) for a, act, p in access_log(database)]
    assert (me, "create", person["id"]) in actions
    assert (me, "list", None) in actions
    assert actions.count((me, "read", person["id"])) == 2  # after create, then the GET


def test_the_address_is_geocoded(worker):
    body = {**PERSON, "address": "1 rue Félix Poulat"}
    del body["lat"], body["lon"]
    person = worker.post(PEOPLE, body).json
    assert person["address"] == "1 rue Félix Poulat"
    distance_m = GEOD.inv(CENTRE[1], CENTRE[0], person["lon"], person["lat"])[2]
    assert distance_m < 2000  # the BAN sample's point, in the centre


def test_the_access_log_cannot_be_edited(worker, database):
    worker.post(PEOPLE, PERSON)
    with pytest.raises(REFUSED, match="cannot be changed"):
        sql(database, "UPDATE call_access_log SET action = 'nothing'")
    with pytest.raises(REFUSED, match="cannot be changed"):
        sql(database, "DELETE FROM call_access_log")
    assert len(access_log(database)) >= 2


def test_deleting_a_person_keeps_the_log(worker, database):
    person = worker.post(PEOPLE, PERSON).json
    assert worker.delete(f"{PEOPLE}/{person['id']}").status_code == 204
    assert worker.get(f"{PEOPLE}/{person['id']}").status_code == 404
    assert (worker.account["id"], "delete", person["id"]) in access_log(database)
    log = worker.get("/api/v1/grenoble/calls/log").json["entries"]
    assert {"create", "delete"} <= {entry["action"] for entry in log}


def test_a_patch_changes_needs_and_notes(worker):
    person = worker.post(PEOPLE, PERSON).json
    changed = worker.patch(f"{PEOPLE}/{person['id']}", {"needs": ["food-aid"], "notes": "Ok"})
    assert changed.status_code == 200, changed.json
    assert changed.json["needs"] == ["food-aid"] and changed.json["notes"] == "Ok"


@pytest.mark.parametrize(
    "change, param",
    [
        ({"name": ""}, "name"),  # empty
        ({"phone": "call me"}, "phone"),  # not a phone number
        ({"needs": ["no-such-category"]}, "needs"),  # unknown category
        ({"consent_on": "yesterday"}, "consent_on"),  # not a date
        ({"consent_on": (date.today() + timedelta(days=30)).isoformat()}, "consent_on"),
        ({"lat": 45.764, "lon": 4.8357}, "lat"),  # Lyon: outside the city
        ({"lat": None, "lon": None}, "address"),  # no place at all
        ({"lat": 91}, "lat"),  # beyond the pole
        ({"surname": "x"}, "surname"),  # unknown field
    ],
)
def test_a_bad_person_names_the_field(worker, change, param):
    body = {**PERSON, **change}
    body = {name: value for name, value in body.items() if value is not None}
    response = worker.post(PEOPLE, body)
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["param"] == param


def test_only_social_workers_of_the_city_see_the_list(app, database, worker, alice):
    person = worker.post(PEOPLE, PERSON).json
    anonymous = app.test_client()
    assert anonymous.get(PEOPLE).status_code == 401
    for path in (PEOPLE, f"{PEOPLE}/{person['id']}", f"{PEOPLE}/{person['id']}/volunteers"):
        assert alice.get(path).status_code == 403
    set_role(database, "alice@example.org", "moderator")
    assert alice.get(PEOPLE).status_code == 403
    assert alice.post(PEOPLE, PERSON).status_code == 403
    assert alice.delete(f"{PEOPLE}/{person['id']}").status_code == 403
    assert worker.get("/api/v1/nowhere/calls/people").status_code == 404


def test_a_social_worker_of_another_city_is_refused(app, database, worker):
    add_city(database, "echirolles")
    other = app.test_client()
    body = {
        "email": "w2@ville.example",
        "password": "correct horse battery",
        "display_name": "w2",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    assert other.post("/api/v1/echirolles/accounts", json=body).status_code == 202
    token = mailed_token(database, "w2@ville.example")
    signed = other.post("/api/v1/accounts/confirm", json={"token": token}).json
    set_role(database, "w2@ville.example", "social_worker")
    mine = worker.post(PEOPLE, PERSON).json
    assert other.get(PEOPLE).status_code == 403
    headers = {"X-CSRF-Token": signed["csrf_token"]}
    theirs = other.post("/api/v1/echirolles/calls/people", json=PERSON, headers=headers)
    assert theirs.status_code == 201, theirs.json
    # a person of the other city is not found through this city's path
    assert other.get(f"/api/v1/echirolles/calls/people/{mine['id']}").status_code == 404
    assert worker.get(f"{PEOPLE}/{theirs.json['id']}").status_code == 404


def test_writes_need_the_csrf_token(worker):
    response = worker.client.post(PEOPLE, json=PERSON)
    assert response.status_code == 403


def test_the_list_is_in_no_public_answer(app, worker, alice):
    worker.post(PEOPLE, {**PERSON, "name": "Zéphyrine Secret"})
    client = app.test_client()
    answers = [
        client.get("/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1]}),
        client.get("/api/v1/grenoble/posts", query_string={"bbox": "5.6,45.1,5.8,45.3"}),
        client.get("/api/v1/grenoble/stats"),
        alice.get("/api/v1/me"),
        alice.get("/api/v1/grenoble/me/posts"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert b"Secret" not in answer.data and b"04 76 00 00 01" not in answer.data


def test_nearest_volunteers_come_nearest_first(app, worker):
    # volunteers 100 m, 600 m and 3 km north of the person; one who did not accept
    lat, lon = CENTRE
    places = {}
    for name, metres in (("near", 100), ("middle", 600), ("far", 3000), ("refused", 50)):
        lon2, lat2, _ = GEOD.fwd(lon, lat, 0, metres)
        places[name] = volunteer(app, f"{name}@example.org", lat2, lon2, accepts=name != "refused")
    person = worker.post(PEOPLE, PERSON).json
    answer = worker.get(f"{PEOPLE}/{person['id']}/volunteers", query_string={"limit": 2})
    assert answer.status_code == 200, answer.json
    found = answer.json["volunteers"]
    assert [v["display_name"] for v in found] == ["near", "middle"]
    assert [v["distance_m"] for v in found] == [100, 600]
    everyone = worker.get(f"{PEOPLE}/{person['id']}/volunteers").json["volunteers"]
    assert [v["display_name"] for v in everyone] == ["near", "middle", "far"]
    within_1_km = worker.get(
        f"{PEOPLE}/{person['id']}/volunteers", query_string={"radius": 1000}
    ).json["volunteers"]
    assert [v["display_name"] for v in within_1_km] == ["near", "middle"]


def test_withdrawing_the_tick_removes_a_volunteer_at_once(app, worker):
    helper = volunteer(app, "helper@example.org", *INSIDE)
    person = worker.post(PEOPLE, PERSON).json
    path = f"{PEOPLE}/{person['id']}/volunteers"
    assert [v["id"] for v in worker.get(path).json["volunteers"]] == [helper.account["id"]]
    helper.patch("/api/v1/me", {"accepts_calls": False})
    assert worker.get(path).json["volunteers"] == []


@pytest.mark.parametrize("query, param", [({"limit": "0"}, "limit"), ({"radius": "-5"}, "radius")])
def test_a_bad_volunteer_query_names_the_parameter(worker, query, param):
    person = worker.post(PEOPLE, PERSON).json
    answer = worker.get(f"{PEOPLE}/{person['id']}/volunteers", query_string=query)
    assert answer.status_code == 422 and answer.json["errors"][0]["param"] == param


def test_assign_a_volunteer_and_record_calls(app, worker, database):
    helper = volunteer(app, "helper@example.org", *INSIDE)
    person = worker.post(PEOPLE, PERSON).json
    path = f"{PEOPLE}/{person['id']}"
    assigned = worker.post(f"{path}/assign", {"volunteer_id": helper.account["id"]})
    assert assigned.status_code == 200, assigned.json
    assert assigned.json["volunteer"]["display_name"] == "helper"
    assert assigned.json["volunteer"]["phone"] == "06 00 00 00 00"
    [notice] = helper.get("/api/v1/me/notifications").json["notifications"]
    assert notice["kind"] == "call"  # told, without the person's name or phone
    assert "Jeanne" not in str(notice) and "04 76" not in str(notice)
    first = worker.post(f"{path}/calls", {"outcome": "no_answer"})
    second = worker.post(f"{path}/calls", {"outcome": "reached", "notes": "Courses jeudi"})
    assert first.status_code == second.status_code == 201
    person = worker.get(path).json
    assert [c["outcome"] for c in person["calls"]] == ["reached", "no_answer"]
    assert person["last_call"]["outcome"] == "reached"
    actions = [action for _, action, _ in access_log(database)]
    assert f"assign volunteer {helper.account['id']}" in actions
    assert actions.count("record call") == 2


def test_only_a_consenting_volunteer_of_the_city_can_be_assigned(app, worker, alice):
    person = worker.post(PEOPLE, PERSON).json
    path = f"{PEOPLE}/{person['id']}/assign"
    for volunteer_id in (alice.account["id"], 999_999):  # did not accept; no such account
        answer = worker.post(path, {"volunteer_id": volunteer_id})
        assert answer.status_code == 422 and answer.json["errors"][0]["param"] == "volunteer_id"
    bad = worker.post(f"{PEOPLE}/{person['id']}/calls", {"outcome": "maybe"})
    assert bad.status_code == 422 and bad.json["errors"][0]["param"] == "outcome"


def test_accepts_calls_is_shown_on_the_account(alice):
    assert alice.get("/api/v1/me").json["accepts_calls"] is False
    bad = alice.patch("/api/v1/me", {"accepts_calls": "yes"})
    assert bad.status_code == 422 and bad.json["errors"][0]["param"] == "accepts_calls"


def test_the_calls_page_and_the_account_tick_render(client):
    page = client.get("/grenoble/calls")
    assert page.status_code == 200 and b'id="people"' in page.data
    assert b"calls.no_volunteer" in page.data  # its strings join the page's i18n block
    assert b'id="f-accepts_calls"' in client.get("/grenoble/me").data


def test_the_list_pages_what_needs_action_first(app, worker, database):
    """Nobody assigned first, then the longest since a call (never called first), by id
    on ties; pages of 4 give every person once, in that order."""
    helper = volunteer(app, "helper@example.org", *INSIDE)
    ids = [worker.post(PEOPLE, {**PERSON, "name": f"Personne {n}"}).json["id"] for n in range(9)]
    for person_id in ids[::3]:
        worker.post(f"{PEOPLE}/{person_id}/assign", {"volunteer_id": helper.account["id"]})
    for person_id, days_ago in zip(ids[1::2], (3, 1, 3, 7), strict=True):
        worker.post(f"{PEOPLE}/{person_id}/calls", {"outcome": "no_answer"})
        sql(
            database,
            "UPDATE calls SET called_at = called_at - ? WHERE person_id = ?",
            (days_ago * 86400, person_id),
        )
    rows = sql(
        database,
        "SELECT p.id, p.volunteer_id IS NOT NULL, COALESCE(MAX(c.called_at), 0)"
        " FROM call_people p LEFT JOIN calls c ON c.person_id = p.id GROUP BY p.id",
    )
    expected = [row[0] for row in sorted(rows, key=lambda row: (row[1], row[2], row[0]))]
    seen, cursor = [], None
    while True:
        page = worker.get(PEOPLE, query_string={"limit": 4, "cursor": cursor}).json
        assert len(page["people"]) <= 4
        seen += [person["id"] for person in page["people"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == expected and sorted(seen) == sorted(ids)


@pytest.mark.parametrize(
    ("query", "code"), [({"limit": 51}, "out_of_range"), ({"cursor": "forged"}, "invalid_format")]
)
def test_a_bad_page_of_the_list_names_the_parameter(worker, query, code):
    answer = worker.get(PEOPLE, query_string=query)
    assert answer.status_code == 422
    [error] = answer.json["errors"]
    assert error["param"] == next(iter(query)) and error["code"] == code


def test_a_cursor_of_another_queue_is_refused(worker):
    for n in range(3):
        worker.post(PEOPLE, {**PERSON, "name": f"Personne {n}"})
    cursor = worker.get(PEOPLE, query_string={"limit": 1}).json["next_cursor"]
    answer = worker.get("/api/v1/grenoble/escalations", query_string={"cursor": cursor})
    assert answer.status_code == 422 and answer.json["errors"][0]["param"] == "cursor"
