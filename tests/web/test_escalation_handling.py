"""An escalated request is taken in charge by an agent, with a note the others read; the
city's social workers hear once about each request newly escalated."""

import pytest

from tests.web.conftest import Session, add_city, forget_mail, set_role, sign_up, sql
from tests.web.test_escalation import QUEUE, age_post


@pytest.fixture
def worker(app, database) -> Session:
    session = sign_up(app, "as@ville.example")
    set_role(database, "as@ville.example", "social_worker")
    return session


@pytest.fixture
def colleague(app, database) -> Session:
    session = sign_up(app, "as2@ville.example")
    set_role(database, "as2@ville.example", "social_worker")
    return session


def queued(session: Session) -> dict[int, dict]:
    return {post["id"]: post for post in session.get(QUEUE).json["requests"]}


def test_a_request_is_taken_in_charge_with_a_note(alice, worker, colleague, database):
    post_id = alice.create_post(kind="request")["id"]
    age_post(database, post_id, 50)
    assert queued(colleague)[post_id]["taken_by"] is None
    answer = worker.post(f"{QUEUE}/{post_id}", {"taken": True, "note": "Je l'appelle demain."})
    assert answer.status_code == 200, answer.json
    assert answer.json["taken_by"]["name"] == "as"
    seen = queued(colleague)[post_id]
    assert seen["taken_by"]["id"] == worker.account["id"]
    assert seen["note"] == "Je l'appelle demain."
    # a note alone keeps who has it; letting it go keeps the note
    colleague.post(f"{QUEUE}/{post_id}", {"note": "Elle a rappelé à 10 h."})
    assert queued(worker)[post_id]["taken_by"]["name"] == "as"
    colleague.post(f"{QUEUE}/{post_id}", {"taken": False})
    assert (
        queued(worker)[post_id] | {"taken_by": None, "note": "Elle a rappelé à 10 h."}
        == (queued(worker)[post_id])
    )


@pytest.mark.parametrize(
    "body, param",
    [({}, "taken"), ({"taken": "yes"}, "taken"), ({"note": "x" * 2001}, "note")],
)
def test_bad_handling_is_refused(alice, worker, database, body, param):
    post_id = alice.create_post(kind="request")["id"]
    answer = worker.post(f"{QUEUE}/{post_id}", body)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == param


def test_only_agents_of_the_city_handle_its_requests(app, alice, bob, worker, database):
    offer = alice.create_post(kind="offer")["id"]
    request = alice.create_post(kind="request")["id"]
    assert bob.post(f"{QUEUE}/{request}", {"taken": True}).status_code == 403
    assert worker.post(f"{QUEUE}/{offer}", {"taken": True}).status_code == 404
    assert worker.post(f"{QUEUE}/999999", {"taken": True}).status_code == 404
    assert worker.post(f"{QUEUE}/{2**63}", {"taken": True}).status_code == 404
    add_city(database, "lyon")
    other = sign_up(app, "as@lyon.example")
    sql(
        database,
        "UPDATE accounts SET role = 'social_worker',"
        " city_id = (SELECT id FROM cities WHERE slug = 'lyon') WHERE email = 'as@lyon.example'",
    )
    assert other.post(f"/api/v1/lyon/escalations/{request}", {"taken": True}).status_code == 404
    assert other.post(f"{QUEUE}/{request}", {"taken": True}).status_code == 403


def test_the_social_workers_are_told_once_about_each_escalated_request(
    app, alice, worker, colleague, database, runner
):
    moderator = sign_up(app, "mod@ville.example")
    set_role(database, "mod@ville.example", "moderator")
    old = alice.create_post(kind="request", title="Besoin d'aide pour les courses")["id"]
    alice.create_post(kind="request", title="Toute jeune")
    age_post(database, old, 49)
    forget_mail(database)
    output = runner.invoke(args=["send-notifications"]).output
    assert "told the social workers of 1 unanswered requests" in output

    def escalation_notices(session: Session) -> list[dict]:
        items = session.get("/api/v1/me/notifications").json["notifications"]
        return [item for item in items if item["kind"] == "escalation"]

    for session in (worker, colleague):
        [notice] = escalation_notices(session)
        assert "48" in notice["title"] and "1" in notice["title"]
        assert "Besoin d'aide pour les courses" in notice["body"]
        assert "Toute jeune" not in notice["body"]
        assert notice["link"] == "/grenoble/escalations"
    assert escalation_notices(moderator) == []
    assert "told" not in runner.invoke(args=["send-notifications"]).output  # once only
    assert len(escalation_notices(worker)) == 1


def test_the_notice_follows_the_city_delay(app, alice, worker, database, runner):
    post_id = alice.create_post(kind="request")["id"]
    age_post(database, post_id, 5)
    assert "told" not in runner.invoke(args=["send-notifications"]).output
    sql(database, "UPDATE cities SET settings = '{\"escalation_after_hours\": 4}'")
    assert "of 1 unanswered" in runner.invoke(args=["send-notifications"]).output
