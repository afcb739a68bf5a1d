"""Expiry: expired posts leave the index; posters are reminded before (inbox, e-mail)
once per expiry date, and renew in one click with a signed link."""

import calendar
import re
import time

import pytest

from tests.web.conftest import CENTRE, add_city, forget_mail, make_app, sign_up, sql

DAY_S = 86400.0


def set_expiry(database, post_id: int, expires_at: float) -> None:
    sql(database, "UPDATE posts SET expires_at = ? WHERE id = ?", (expires_at, post_id))
    sql(
        database,
        "INSERT INTO change_log (city_id, post_id, op) VALUES (1, ?, 'upsert')",
        (post_id,),
    )


def found(client) -> list[int]:
    query = {"lat": CENTRE[0], "lon": CENTRE[1], "radius": 1000}
    return [
        f["id"] for f in client.get("/api/v1/grenoble/match", query_string=query).json["features"]
    ]


@pytest.fixture
def mail_app(database, smtp):  # noqa: F811
    app = make_app(database, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp[1], REMINDER_DAYS_BEFORE=5)
    add_city(database)
    return app


def test_an_expired_post_leaves_the_index(app, alice, database):
    post = alice.create_post()
    client = app.test_client()
    assert post["id"] in found(client)
    set_expiry(database, post["id"], time.time() - 1)
    assert post["id"] not in found(client)
    mine = alice.get("/api/v1/grenoble/me/posts").json["posts"]
    assert [p["status"] for p in mine] == ["expired"]


def test_posters_are_reminded_once_and_renew_in_one_click(mail_app, smtp, database):  # noqa: F811
    sink, _ = smtp
    poster = sign_up(mail_app, "poster@example.org")
    forget_mail(database, sink)
    soon = poster.create_post(title="Bientôt fini")
    later = poster.create_post(title="Encore longtemps")
    set_expiry(database, soon["id"], time.time() + 3 * DAY_S)
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "reminded 1 posts; sent 1 e-mails" in result.output
    [message] = sink.messages
    assert message["To"] == "poster@example.org" and "Bientôt fini" in message["Subject"]
    [notice] = poster.get("/api/v1/me/notifications").json["notifications"]
    assert notice["kind"] == "reminder" and "Bientôt fini" in notice["title"]
    assert "Encore longtemps" not in notice["title"] and later["id"] != soon["id"]
    # a second run reminds nobody again
    assert "reminded 0 posts" in runner.invoke(args=["send-reminders"]).output
    link = re.search(r"http://localhost(/grenoble/posts/\d+/renew/\S+)", message.get_content())
    assert link and link.group(1) == notice["link"]
    page = mail_app.test_client().get(link.group(1))  # no login needed
    assert page.status_code == 200 and b'id="renewed"' in page.data
    [renewed] = [
        p for p in poster.get("/api/v1/grenoble/me/posts").json["posts"] if p["id"] == soon["id"]
    ]
    expires = calendar.timegm(time.strptime(renewed["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
    assert expires > time.time() + 59 * DAY_S
    # the link is spent, and the new expiry date gets its own reminder later
    assert mail_app.test_client().get(link.group(1)).status_code == 409


def test_an_expired_post_renewed_by_link_comes_back(app, alice, database):
    from web.services.expiry import renew_path

    post = alice.create_post()
    expired_at = time.time() - 1
    set_expiry(database, post["id"], expired_at)
    client = app.test_client()
    assert post["id"] not in found(client)
    with app.test_request_context():
        path = renew_path({"id": post["id"], "expires_at": expired_at, "city": "grenoble"})
    assert client.post(path).status_code == 204
    assert post["id"] in found(client)


@pytest.mark.parametrize(
    "path",
    [
        "/grenoble/posts/1/renew/forged.token",  # not signed by us
        "/grenoble/posts/999/renew/{token}",  # another post than the one signed
    ],
)
def test_a_bad_renewal_link_is_refused(app, alice, database, path):
    from web.services.expiry import renew_path

    post = alice.create_post()
    with app.test_request_context():
        token = renew_path({"id": post["id"], "expires_at": 1.0, "city": "grenoble"})
    page = app.test_client().get(path.format(token=token.rsplit("/", 1)[1]))
    assert page.status_code == 404 and b'id="renew-invalid"' in page.data


def test_reminders_without_smtp_go_to_the_inbox(app, alice, database):
    post = alice.create_post(title="Sans e-mail")
    set_expiry(database, post["id"], time.time() + DAY_S)
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "reminded 1 posts; sent 0 e-mails" in result.output, result.output
    [notice] = alice.get("/api/v1/me/notifications").json["notifications"]
    assert "Sans e-mail" in notice["title"]
