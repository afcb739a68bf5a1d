"""Requests nobody contacted within the configured time reach the social workers' queue."""

import pytest

from tests.web.conftest import Session, set_role, sign_up, sql

QUEUE = "/api/v1/grenoble/escalations"
HOUR_S = 3600.0


def age_post(database, post_id: int, hours: float) -> None:
    """As if the post had been published ``hours`` earlier."""
    sql(
        database,
        "UPDATE posts SET created_at = created_at - ? WHERE id = ?",
        (hours * HOUR_S, post_id),
    )


def queued_ids(session: Session) -> list[int]:
    return [post["id"] for post in session.get(QUEUE).json["requests"]]


@pytest.fixture
def social_worker(app, database) -> Session:
    session = sign_up(app, "as@ville.example")
    set_role(database, "as@ville.example", "social_worker")
    return session


def test_a_request_nobody_contacted_for_48_hours_is_escalated(alice, bob, social_worker, database):
    old = alice.create_post(kind="request", title="Besoin de courses")["id"]
    young = alice.create_post(kind="request")["id"]
    offer = alice.create_post(kind="offer")["id"]
    answered = alice.create_post(kind="request")["id"]
    closed = alice.create_post(kind="request")["id"]
    for post_id in (old, offer, answered, closed):
        age_post(database, post_id, 49)
    age_post(database, young, 47)
    bob.post(f"/api/v1/grenoble/posts/{answered}/contact", {"message": "J'arrive"})
    alice.patch(f"/api/v1/grenoble/posts/{closed}", {"status": "closed"})

    answer = social_worker.get(QUEUE)
    assert answer.status_code == 200 and answer.json["after_hours"] == 48
    [request] = answer.json["requests"]
    assert request["id"] == old and request["waiting_hours"] == 49
    assert request["properties"]["title"] == "Besoin de courses"
    assert young not in queued_ids(social_worker)


def test_the_time_is_configurable_and_the_oldest_come_first(app, alice, social_worker, database):
    app.config["ESCALATION_AFTER_HOURS"] = 2
    first = alice.create_post(kind="request")["id"]
    second = alice.create_post(kind="request")["id"]
    age_post(database, first, 5)
    age_post(database, second, 3)
    assert queued_ids(social_worker) == [first, second]


def test_hidden_requests_are_not_escalated(alice, social_worker, database):
    post_id = alice.create_post(kind="request")["id"]
    age_post(database, post_id, 72)
    assert queued_ids(social_worker) == [post_id]
    sql(database, "UPDATE posts SET status = 'hidden' WHERE id = ?", (post_id,))
    assert queued_ids(social_worker) == []


@pytest.mark.parametrize("role, status", [("moderator", 200), ("admin", 200), ("resident", 403)])
def test_who_reads_the_queue(app, database, role, status):
    session = sign_up(app, f"{role}@ville.example")
    set_role(database, f"{role}@ville.example", role)
    assert session.get(QUEUE).status_code == status


def test_anonymous_callers_and_unknown_cities(client, social_worker):
    assert client.get(QUEUE).status_code == 401
    assert social_worker.get("/api/v1/nowhere/escalations").status_code == 404


def test_the_queue_pages_through_its_requests_oldest_first(alice, social_worker, database):
    ids = [alice.create_post(kind="request")["id"] for _ in range(5)]
    for age, post_id in enumerate(ids):
        age_post(database, post_id, 24 * 90 - age)  # the first posted waits longest
    pages, cursor = [], None
    while True:
        answer = social_worker.get(QUEUE, query_string={"limit": 2, "cursor": cursor or []})
        assert answer.status_code == 200, answer.json
        pages.append([post["id"] for post in answer.json["requests"]])
        cursor = answer.json["next_cursor"]
        if cursor is None:
            break
    assert pages == [ids[0:2], ids[2:4], ids[4:]]
    first = social_worker.get(QUEUE).json["requests"][0]
    assert first["waiting_days"] == 90 and first["waiting_hours"] == 2160


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"limit": 51}, "out_of_range"),
        ({"limit": 0}, "out_of_range"),
        ({"cursor": "x"}, "invalid_format"),
    ],
)
def test_a_bad_page_of_the_queue_is_named(social_worker, query, code):
    answer = social_worker.get(QUEUE, query_string=query)
    assert answer.status_code == 422
    [error] = answer.json["errors"]
    assert error["param"] == next(iter(query)) and error["code"] == code
