"""Connection follow-up ("did the help happen?") and the city's connection counts."""

from datetime import UTC, datetime

import pytest

from tests.web.conftest import PASSWORD, Session, make_moderator, sign_up, sql

STATS = "/api/v1/grenoble/stats/connections"
DAY_S = 86400.0


def connect(poster: Session, requester: Session, category: str = "shopping", accept=True) -> int:
    post = poster.create_post(category=category)
    answer = requester.post(f"/api/v1/grenoble/posts/{post['id']}/contact", {"message": "Bonjour"})
    assert answer.status_code == 201
    connection_id = answer.json["id"]
    if accept is not None:
        verdict = "accept" if accept else "decline"
        assert poster.post(f"/api/v1/me/connections/{connection_id}/{verdict}").status_code == 200
    return connection_id


def outcome(session: Session, connection_id: int, answer: str):
    return session.post(f"/api/v1/me/connections/{connection_id}/outcome", {"outcome": answer})


def age_acceptance(database, connection_id: int, days: float) -> None:
    """As if the connection had been accepted ``days`` earlier."""
    sql(
        database,
        "UPDATE connection_stats SET accepted_at = accepted_at - ? WHERE connection_id = ?",
        (days * DAY_S, connection_id),
    )


def follow_up_ids(session: Session) -> list[int]:
    return [row["id"] for row in session.get("/api/v1/me/follow-ups").json["follow_ups"]]


def test_both_sides_are_asked_three_days_after_acceptance(alice, bob, database):
    connection_id = connect(alice, bob)
    assert follow_up_ids(alice) == follow_up_ids(bob) == []
    age_acceptance(database, connection_id, 2.9)
    assert follow_up_ids(alice) == []
    age_acceptance(database, connection_id, 0.2)
    [asked_alice] = alice.get("/api/v1/me/follow-ups").json["follow_ups"]
    [asked_bob] = bob.get("/api/v1/me/follow-ups").json["follow_ups"]
    assert (asked_alice["side"], asked_bob["side"]) == ("poster", "requester")
    assert asked_alice["post_title"] == "Courses le samedi"

    answer = outcome(bob, connection_id, "done")
    assert answer.status_code == 200 and answer.json["outcome"] == "done"
    assert follow_up_ids(bob) == [] and follow_up_ids(alice) == [connection_id]
    [mine] = bob.get("/api/v1/me/connections").json["outgoing"]
    assert mine["status"] == "done"


def test_the_delay_is_configurable(app, alice, bob):
    app.config["FOLLOW_UP_AFTER_DAYS"] = 0
    connection_id = connect(alice, bob)
    assert follow_up_ids(alice) == [connection_id]
    declined = connect(alice, bob, accept=False)
    asked = connect(alice, bob, accept=None)
    assert declined not in follow_up_ids(bob) and asked not in follow_up_ids(bob)


def test_only_the_two_sides_of_an_accepted_connection_answer(app, alice, bob, client):
    carol = sign_up(app, "carol@example.org")
    accepted = connect(alice, bob)
    pending = connect(alice, bob, accept=None)
    declined = connect(alice, bob, accept=False)
    url = f"/api/v1/me/connections/{accepted}/outcome"
    assert client.post(url, json={"outcome": "done"}).status_code == 401
    assert bob.client.post(url, json={"outcome": "done"}).status_code == 403  # no CSRF token
    assert outcome(carol, accepted, "done").status_code == 404
    assert outcome(bob, 10**6, "done").status_code == 404
    assert outcome(bob, pending, "done").status_code == 409
    assert outcome(bob, declined, "not_done").status_code == 409
    for body in ({"outcome": "maybe"}, {}, {"outcome": True}):
        answer = bob.post(url, body)
        assert answer.status_code == 422 and answer.json["errors"][0]["param"] == "outcome"
    assert outcome(alice, accepted, "not_done").json["outcome"] == "not_done"
    assert outcome(bob, accepted, "done").json["outcome"] == "done"  # either side's yes counts
    assert outcome(bob, accepted, "not_done").json["outcome"] == "not_done"  # and may change


def test_the_city_counts_connections_by_category_week_and_outcome(app, database, alice, bob):
    carol = sign_up(app, "carol@example.org")
    make_moderator(database, "carol@example.org")
    done = connect(alice, bob, "shopping")
    not_done = connect(alice, bob, "transport")
    connect(alice, bob, "transport", accept=False)
    connect(bob, alice, "shopping", accept=None)
    connect(bob, alice, "shopping")
    outcome(alice, done, "done")
    outcome(bob, not_done, "not_done")

    answer = carol.get(STATS)
    assert answer.status_code == 200
    year, week, _ = datetime.now(UTC).isocalendar()
    assert answer.json == {
        "total": 5,
        "by_category": {"shopping": 3, "transport": 2},
        "by_week": {f"{year}-W{week:02d}": 5},
        "by_outcome": {"accepted": 1, "declined": 1, "done": 1, "not_done": 1, "requested": 1},
    }
    assert "Bonjour" not in answer.get_data(as_text=True)

    # Deleting the accounts deletes their posts and connections, not the counts.
    assert (
        bob.client.delete(
            "/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRF-Token": bob.csrf}
        ).status_code
        == 204
    )
    assert carol.get(STATS).json["total"] == 5


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("resident", 403)])
def test_only_moderators_and_admins_read_the_counts(client, alice, who, status):
    session = client if who == "anonymous" else alice
    assert session.get(STATS).status_code == status


def test_every_consent_is_kept_with_its_text_and_time(alice, database):
    alice.patch("/api/v1/me", {"consent": {"share_email": False, "share_phone": True}})
    rows = sql(
        database,
        "SELECT consent, consent_text, recorded_at FROM consent_log WHERE account_id = ?"
        " ORDER BY id",
        (alice.account["id"],),
    )
    assert [row[0] for row in rows] == [
        '{"share_email": true, "share_phone": true}',
        '{"share_email": false, "share_phone": true}',
    ]
    assert all("I agree" in row[1] for row in rows) and rows[0][2] <= rows[1][2]
