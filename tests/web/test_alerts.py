"""Alerts: new published posts matched against subscriptions around residents' homes
(matcher.Subscriptions), notified in the inbox and by e-mail (local SMTP sink), daily
digest, one-click unsubscribe."""

import re
import sqlite3
import sys

import pytest
from pyproj import Geod

from tests.web.conftest import CENTRE, add_city, forget_mail, make_app, make_moderator, sign_up, sql
from tests.web.test_notify import outbox
from web.services import alerts

GEOD = Geod(ellps="WGS84")
ALERTS = "/api/v1/grenoble/alerts"


def north(metres: float) -> dict:
    lon, lat, _ = GEOD.fwd(CENTRE[1], CENTRE[0], 0, metres)
    return {"lat": lat, "lon": lon}


def alerts_of(session) -> list[dict]:
    return [n for n in session.get("/api/v1/me/notifications").json["notifications"]]


def subscriber(app, email: str, metres: float = 0, **alert):
    session = sign_up(app, email, **north(metres))
    answer = session.post(ALERTS, {"kind": "request", "radius_m": 500, **alert})
    assert answer.status_code == 201, answer.json
    return session


@pytest.fixture
def mail_app(database, smtp):
    app = make_app(database, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp[1])
    add_city(database)
    return app


def test_a_request_nearby_alerts_the_subscriber(app, alice):
    near = subscriber(app, "near@example.org", 100)
    far = subscriber(app, "far@example.org", 2000)
    offers_only = subscriber(app, "offers@example.org", 100, kind="offer")
    food_only = subscriber(app, "food@example.org", 100, categories=["food-aid"])
    post = alice.create_post(kind="request", category="shopping", title="Courses pour moi")
    [alert] = alerts_of(near)
    assert alert["kind"] == "alert" and "Courses pour moi" in alert["title"]
    assert alert["link"] == f"/grenoble/posts/{post['id']}"
    for session in (far, offers_only, food_only):
        assert alerts_of(session) == []


def test_ones_own_post_alerts_nobody_twice_nor_oneself(app):
    poster = subscriber(app, "poster@example.org", 0)
    near = subscriber(app, "near@example.org", 100)
    post = poster.create_post(kind="request", title="Besoin de pain")
    assert alerts_of(poster) == []
    poster.patch(f"/api/v1/grenoble/posts/{post['id']}", {"title": "Besoin de pain frais"})
    assert len(alerts_of(near)) == 1  # an edit does not alert again


def test_deletions_in_the_change_log_are_stepped_over(app, alice, database):
    near = subscriber(app, "near@example.org", 100)
    first = alice.create_post(kind="request", title="Premier")
    assert alice.delete(f"/api/v1/grenoble/posts/{first['id']}").status_code == 204
    alice.create_post(kind="request", title="Second")
    assert ["Second" in a["title"] for a in alerts_of(near)] == [True, False]
    [(progress,)] = sql(database, "SELECT last_seq FROM alert_progress")
    assert [(progress,)] == sql(database, "SELECT MAX(seq) FROM change_log")


def test_a_post_published_later_by_a_moderator_alerts_then(database):
    app = make_app(database)
    add_city(database, premoderation=True)
    near = subscriber(app, "near@example.org", 100)
    poster = sign_up(app, "poster@example.org")
    post = poster.create_post(kind="request", title="Aide administrative")
    assert post["properties"]["status"] == "pending"
    assert alerts_of(near) == []
    moderator = sign_up(app, "mod@example.org")
    make_moderator(database, "mod@example.org")
    answer = moderator.post(
        f"/api/v1/grenoble/moderation/posts/{post['id']}/actions", {"action": "publish"}
    )
    assert answer.status_code == 200, answer.json
    [alert] = alerts_of(near)
    assert "Aide administrative" in alert["title"]


def test_remote_categories_alert_across_the_city(app, alice):
    caller = subscriber(app, "caller@example.org", 2000, categories=["conversation"])
    alice.create_post(kind="request", category="conversation", title="Parler au téléphone")
    assert len(alerts_of(caller)) == 1


def test_stopping_an_alert_applies_at_once(app, alice):
    near = subscriber(app, "near@example.org", 100)
    alice.create_post(kind="request", title="Premier")
    [mine] = near.get(ALERTS).json["alerts"]
    assert near.delete(f"{ALERTS}/{mine['id']}").status_code == 204
    alice.create_post(kind="request", title="Second")
    [alert] = alerts_of(near)
    assert "Premier" in alert["title"]


def test_an_alert_is_mailed_with_a_one_click_unsubscribe(mail_app, smtp, database):
    sink, _ = smtp
    near = subscriber(mail_app, "near@example.org", 100)
    poster = sign_up(mail_app, "poster@example.org")
    forget_mail(database, sink)
    poster.create_post(kind="request", title="Courses urgentes")
    [message] = sink.messages
    assert message["To"] == "near@example.org"
    assert "Courses urgentes" in message["Subject"]
    link = re.search(
        r"<(http://localhost(/grenoble/alerts/unsubscribe/\S+))>", message["List-Unsubscribe"]
    )
    assert link and link.group(1) in message.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    visitor = mail_app.test_client()  # no login
    page = visitor.get(link.group(2))  # a mail scanner or a preview opens the link: no change
    assert page.status_code == 200 and b'id="unsubscribe-confirm"' in page.data
    assert len(near.get(ALERTS).json["alerts"]) == 1
    page = visitor.post(link.group(2))  # the page's button
    assert page.status_code == 200 and b'id="unsubscribed"' in page.data
    assert near.get(ALERTS).json["alerts"] == []
    poster.create_post(kind="request", title="Encore des courses")
    assert len(sink.messages) == 1


def test_a_mail_clients_one_click_post_stops_the_alert(mail_app, smtp, database):
    """RFC 8058: the client POSTs List-Unsubscribe=One-Click to the header's address."""
    sink, _ = smtp
    near = subscriber(mail_app, "near@example.org", 100)
    poster = sign_up(mail_app, "poster@example.org")
    forget_mail(database, sink)
    poster.create_post(kind="request", title="Courses urgentes")
    [message] = sink.messages
    path = re.search(r"<http://localhost(/\S+)>", message["List-Unsubscribe"]).group(1)
    body = {"List-Unsubscribe": "One-Click"}
    assert mail_app.test_client().post(path, data=body).status_code == 204
    assert near.get(ALERTS).json["alerts"] == []


def test_a_forged_unsubscribe_link_is_refused(app):
    near = subscriber(app, "near@example.org", 100)
    page = app.test_client().get("/grenoble/alerts/unsubscribe/1.forged")
    assert page.status_code == 404
    assert len(near.get(ALERTS).json["alerts"]) == 1


def test_the_daily_digest_gathers_the_alerts(mail_app, smtp, database):
    sink, _ = smtp
    near = subscriber(mail_app, "near@example.org", 100, digest=True)
    poster = sign_up(mail_app, "poster@example.org")
    forget_mail(database, sink)
    poster.create_post(kind="request", title="Premier besoin")
    poster.create_post(kind="request", title="Second besoin")
    assert sink.messages == []  # nothing until the digest
    assert len(alerts_of(near)) == 2  # the inbox has them at once
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["send-digest"])
    assert result.exit_code == 0, result.output
    [digest] = sink.messages
    assert digest["To"] == "near@example.org"
    body = digest.get_content()
    assert "Premier besoin" in body and "Second besoin" in body
    assert "/grenoble/alerts/unsubscribe/" in body
    runner.invoke(args=["send-digest"])
    assert len(sink.messages) == 1  # each alert once


def test_the_cli_catches_up_on_posts_written_elsewhere(mail_app, smtp, database):
    """A post written by another program (here: the store itself) is matched by the CLI."""
    from web.store import Store

    sink, _ = smtp
    subscriber(mail_app, "near@example.org", 100)
    poster = sign_up(mail_app, "poster@example.org")
    forget_mail(database, sink)
    store = Store(database)
    try:
        store.create_post(
            1,
            account_id=poster.account["id"],
            kind="request",
            category="shopping",
            title="Écrit à côté",
            lat=CENTRE[0],
            lon=CENTRE[1],
            precision="building",
            public_lat=CENTRE[0],
            public_lon=CENTRE[1],
            status="published",
            expires_at=4e9,
        )
    finally:
        store.close()
    assert sink.messages == []
    result = mail_app.test_cli_runner().invoke(args=["send-notifications"])
    assert "sent 1 e-mails" in result.output, result.output
    assert "Écrit à côté" in sink.messages[0]["Subject"]
    assert outbox(database)[0][1] == 1


@pytest.mark.parametrize(
    "body, param",
    [
        ({"radius_m": 10}, "radius_m"),  # below 50 m
        ({"radius_m": 20_000}, "radius_m"),  # beyond 10 km
        ({"kind": "gift"}, "kind"),
        ({"categories": ["nothing-such"]}, "categories"),
        ({"digest": "yes"}, "digest"),
        ({"where": "here"}, "where"),
    ],
)
def test_a_bad_alert_names_the_field(alice, body, param):
    answer = alice.post(ALERTS, body)
    assert answer.status_code == 422, answer.json
    assert answer.json["errors"][0]["param"] == param


def test_alerts_are_private(app, alice, bob):
    mine = alice.post(ALERTS, {"radius_m": 300}).json
    assert "lat" not in mine and "lon" not in mine  # the circle's centre is the home
    assert bob.get(ALERTS).json["alerts"] == []
    assert bob.delete(f"{ALERTS}/{mine['id']}").status_code == 404
    assert app.test_client().get(ALERTS).status_code == 401
    assert app.test_client().post(ALERTS, json={}).status_code == 401


def test_the_alerts_page_renders(client):
    page = client.get("/grenoble/alerts")
    assert page.status_code == 200 and b'id="alert-form"' in page.data


def test_alert_writes_are_rate_limited(database):
    app = make_app(database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_WRITE="2/60")
    add_city(database)
    resident = sign_up(app, "busy@example.org")
    answers = [resident.post(ALERTS, {"radius_m": 300}).status_code for _ in range(3)]
    assert answers == [201, 201, 429]


def test_an_account_holds_at_most_20_alerts(app, alice):
    for _ in range(20):
        assert alice.post(ALERTS, {"radius_m": 500}).status_code == 201
    refused = alice.post(ALERTS, {"radius_m": 500})
    assert refused.status_code == 409
    assert "at most 20 alerts" in refused.json["detail"]
    assert refused.json["errors"][0]["param"] == "alerts"
    first = alice.get(ALERTS).json["alerts"][0]
    assert alice.delete(f"{ALERTS}/{first['id']}").status_code == 204
    assert alice.post(ALERTS, {"radius_m": 500}).status_code == 201


def test_many_alerts_of_one_account_give_one_notice_per_post(app, alice):
    near = subscriber(app, "near@example.org", 100)
    for radius_m in (600, 700):
        assert near.post(ALERTS, {"kind": "request", "radius_m": radius_m}).status_code == 201
    alice.create_post(kind="request", title="Besoin d'aide")
    assert len(alerts_of(near)) == 1


@pytest.mark.sqlite_only  # probes SQLite's write lock
def test_alerts_are_matched_outside_the_write_transaction(app, database, alice):
    near = subscriber(app, "near@example.org", 100)
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    write_lock_free = []

    def watch(frame, event, _arg):
        # Each time the matcher runs, can another writer take the write lock?
        if event == "call" and frame.f_code is alerts.CityCircles.matching.__code__:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                write_lock_free.append(True)
            except sqlite3.OperationalError:
                write_lock_free.append(False)

    sys.setprofile(watch)
    try:
        alice.create_post(kind="request", title="Besoin de pain")
    finally:
        sys.setprofile(None)
        probe.close()
    assert write_lock_free == [True]
    assert len(alerts_of(near)) == 1
