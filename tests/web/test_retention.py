"""Retention: the daily purge deletes what outlived its city's period, keeps anonymous
counts, audits what it did, and warns unused accounts before deleting them. Tests move the
clock (``purge(store, now)``) or the data (timestamps set in the past, for the CLI)."""

import time

import pytest

from tests.web.conftest import (
    CENTRE,
    REFUSED,
    add_city,
    forget_mail,
    make_app,
    make_moderator,
    sign_up,
    sql,
)
from web.services import notify
from web.services.retention import DEFAULTS, WARNING_DAYS, purge
from web.store import Store

DAY_S = 86400.0
CSV = "/api/v1/grenoble/open-data/posts_by_cell.csv"


def found(client) -> list[int]:
    query = {"lat": CENTRE[0], "lon": CENTRE[1], "radius": 1000}
    answer = client.get("/api/v1/grenoble/match", query_string=query)
    return [f["id"] for f in answer.json["features"]]


def purge_at(app, now: float):
    """The purge as the CLI runs it, at another time."""
    with app.app_context(), notify.command_store() as db:
        return purge(db, now)


def audit(database) -> list[tuple]:
    return sql(
        database, "SELECT actor_name, actor_role, action, post_id, reason FROM moderation_audit"
    )


def test_ended_posts_go_after_their_period_and_their_counts_stay(app, alice, client, database):
    posts = [alice.create_post(precision="building") for _ in range(6)]
    alice.patch(f"/api/v1/grenoble/posts/{posts[0]['id']}", {"status": "closed"})
    counts = client.get(CSV).data
    assert b",6\n" in counts
    now = time.time()
    done = purge_at(app, now + 89 * DAY_S)  # the closed post is not old enough
    assert done["posts"] == 0 and len(found(client)) == 5
    done = purge_at(app, now + 91 * DAY_S)
    assert done["posts"] == 1
    assert sql(database, "SELECT COUNT(*) FROM posts") == [(5,)]
    assert posts[0]["id"] not in found(client) and len(found(client)) == 5
    assert client.get(CSV).data == counts  # its count stays, anonymous
    # the others expire after 60 days, and go 90 days later
    done = purge_at(app, now + 151 * DAY_S)
    assert done["posts"] == 5 and found(client) == []  # gone from the index at once
    assert client.get(CSV).data == counts
    entries = audit(database)
    assert sorted(e[3] for e in entries if e[2] == "purge_post") == sorted(p["id"] for p in posts)
    assert {e[:2] for e in entries} == {("purge", "system")}
    assert "alice" not in str(entries) and "Courses" not in str(entries)


def test_the_cli_purges_what_is_old_by_the_real_clock(app, alice, database, runner):
    post = alice.create_post()
    alice.create_post()
    sql(
        database,
        "UPDATE posts SET expires_at = ? WHERE id = ?",
        (time.time() - (DEFAULTS["ended_posts"] + 1) * DAY_S, post["id"]),
    )
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "purged: 1 posts;" in result.output
    assert sql(database, "SELECT COUNT(*) FROM posts") == [(1,)]
    assert "purged: nothing;" in runner.invoke(args=["purge"]).output


def test_connections_people_notifications_and_audit_entries_go_too(app, alice, bob, database):
    make_moderator(database, "alice@example.org")
    post = alice.create_post()
    contact = bob.post(f"/api/v1/grenoble/posts/{post['id']}/contact", {"message": "Bonjour"})
    assert contact.status_code == 201
    alice.post(f"/api/v1/me/connections/{contact.json['id']}/accept")
    messages = f"/api/v1/me/connections/{contact.json['id']}/messages"
    assert bob.post(messages, {"body": "À samedi"}).status_code == 201
    bob.post(f"/api/v1/me/connections/{contact.json['id']}/report", {"reason": "test"})
    store = Store(database)
    try:
        store.create_call_person(
            1, alice.account["id"], name="Mme Martin", phone="04 76 00 00 00",
            address="Grenoble", lat=CENTRE[0], lon=CENTRE[1], consent_on="2026-01-01",
        )  # fmt: skip
        store.set_premoderation(1, True, {"id": None, "display_name": "Ann", "role": "admin"})
        store.queue_notifications([{"account_id": bob.account["id"], "kind": "t", "title": "Hi"}])
    finally:
        store.close()
    before = alice.get("/api/v1/grenoble/stats/connections").json
    assert before["total"] == 1
    now = time.time()
    done = purge_at(app, now + 366 * DAY_S)
    # The inbox held bob's test notice and the contact's three: contacted, accepted, message.
    assert done["connections"] == 1 and done["notifications"] == 4
    assert done["audit_entries"] == 2 and done["call_people"] == 0  # and the access log's
    assert sql(database, "SELECT COUNT(*) FROM connections") == [(0,)]
    assert sql(database, "SELECT COUNT(*) FROM messages") == [(0,)]  # the thread went with it
    assert sql(database, "SELECT COUNT(*) FROM thread_reports") == [(0,)]
    assert alice.get("/api/v1/grenoble/stats/connections").json == before  # counts stay
    assert purge_at(app, now + 731 * DAY_S)["call_people"] == 1
    assert sql(database, "SELECT COUNT(*) FROM call_people") == [(0,)]
    entries = audit(database)
    assert "Ann" not in str(entries) and "Martin" not in str(entries)
    actions = {e[2] for e in entries}
    assert {"purge_connection", "purge_inbox", "purge_audit", "purge_call_person"} <= actions


def test_recent_audit_entries_cannot_be_deleted(app, alice, database):
    store = Store(database)
    try:
        store.set_premoderation(1, True, {"id": None, "display_name": "Ann", "role": "admin"})
    finally:
        store.close()
    with pytest.raises(REFUSED, match="cannot be changed"):
        sql(database, "DELETE FROM moderation_audit")
    purge_at(app, time.time() + (DEFAULTS["audit_log"] - 1) * DAY_S)
    with pytest.raises(REFUSED, match="cannot be changed"):
        sql(database, "DELETE FROM moderation_audit WHERE action = 'premoderation_on'")


@pytest.fixture
def mail_app(database, smtp):
    app = make_app(database, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp[1])
    add_city(database)
    return app


def test_unused_accounts_are_warned_then_deleted_unless_used(mail_app, smtp, database):
    sink, _ = smtp
    idle = sign_up(mail_app, "idle@example.org")
    back = sign_up(mail_app, "back@example.org")
    forget_mail(database, sink)  # the sign-up links
    idle.create_post()
    period = DEFAULTS["unused_accounts"]
    long_ago = time.time() - (period - WARNING_DAYS + 1) * DAY_S
    sql(database, "UPDATE accounts SET last_seen_at = ?", (long_ago,))
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["purge"])
    assert "2 warned" in result.output and "sent 2 e-mails" in result.output, result.output
    assert sorted(m["To"] for m in sink.messages) == ["back@example.org", "idle@example.org"]
    [notice] = back.get("/api/v1/me/notifications").json["notifications"]  # used again
    assert notice["kind"] == "inactivity"
    assert "2 warned" not in runner.invoke(args=["purge"]).output  # warned once

    now = time.time()
    done = purge_at(mail_app, now + (WARNING_DAYS - 1) * DAY_S)
    assert done["accounts"] == 0  # the warning gives them WARNING_DAYS
    done = purge_at(mail_app, now + (WARNING_DAYS + 1) * DAY_S)
    assert done["accounts"] == 1 and done["posts"] == 1
    emails = [row[0] for row in sql(database, "SELECT email FROM accounts")]
    assert emails == ["back@example.org"]
    assert ("purge_account", f"account {idle.account['id']}") in [
        (e[2], e[4]) for e in audit(database)
    ]


def test_city_set_changes_the_periods_and_refuses_unknown_ones(app, alice, database, runner):
    result = runner.invoke(args=["city", "set", "grenoble", "--retention", "ended_posts=10"])
    assert result.exit_code == 0 and "ended_posts=10," in result.output, result.output
    assert "connections=365" in result.output and "licence etalab-2.0" in result.output
    for wrong in ("posts=10", "ended_posts=0", "unused_accounts=20"):
        result = runner.invoke(
            args=["city", "set", "grenoble", "--retention", "connections=30", "--retention", wrong]
        )
        assert result.exit_code == 1 and "Error" in result.output, result.output
    unchanged = runner.invoke(args=["city", "set", "grenoble"]).output
    assert "ended_posts=10," in unchanged and "connections=365" in unchanged
    result = runner.invoke(args=["city", "set", "grenoble", "--licence", "WTFPL"])
    assert result.exit_code == 1 and "etalab-2.0" in result.output
    post = alice.create_post()
    sql(database, "UPDATE posts SET expires_at = ?", (time.time() - 11 * DAY_S,))
    assert "purged: 1 posts" in runner.invoke(args=["purge"]).output
    assert alice.get(f"/api/v1/grenoble/posts/{post['id']}").status_code == 404


def test_unconfirmed_sign_ups_are_deleted_after_a_day_and_never_warned(app, client, database):
    """A sign-up nobody confirmed holds a home address typed by whoever knew the e-mail:
    it goes after a day, and no inactivity warning is ever mailed to that address."""
    body = {"email": "nobody@example.org", "password": "correct horse battery"}
    body |= {"display_name": "X", "lat": CENTRE[0], "lon": CENTRE[1]}
    assert client.post("/api/v1/grenoble/accounts", json=body).status_code == 202
    confirmed = sign_up(app, "alice@example.org")
    assert len(sql(database, "SELECT id FROM accounts")) == 2

    assert purge_at(app, time.time() + 0.5 * DAY_S)["unconfirmed"] == 0
    done = purge_at(app, time.time() + 1.5 * DAY_S)
    assert done["unconfirmed"] == 1
    assert sql(database, "SELECT id FROM accounts") == [(confirmed.account["id"],)]
    assert ("purge_unconfirmed_account",) in sql(database, "SELECT action FROM moderation_audit")


def test_an_old_unconfirmed_sign_up_is_deleted_not_warned(app, client, database):
    body = {"email": "nobody@example.org", "password": "correct horse battery"}
    body |= {"display_name": "X", "lat": CENTRE[0], "lon": CENTRE[1]}
    assert client.post("/api/v1/grenoble/accounts", json=body).status_code == 202
    forget_mail(database)
    long_ago = time.time() - (DEFAULTS["unused_accounts"] - WARNING_DAYS + 1) * DAY_S
    sql(database, "UPDATE accounts SET created_at = ?, last_seen_at = NULL", (long_ago,))
    done = purge_at(app, time.time())
    assert (done["unconfirmed"], done["warned"]) == (1, 0)
    assert sql(database, "SELECT to_address FROM outbox") == []
