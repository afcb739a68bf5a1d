"""A password reset by a mailed link: same answer for any address, single use, short-lived;
without SMTP the link waits in the outbox and the server log."""

import logging
import re

from tests.web.conftest import PASSWORD, add_city, mailed_token, make_app, sign_up, sql

RESET = "/api/v1/password-reset"
NEW_PASSWORD = "a new horse battery"


def outbox_count(database) -> int:
    return sql(database, "SELECT COUNT(*) FROM outbox")[0][0]


def log_in(app, password):
    answer = app.test_client().post(
        "/api/v1/session", json={"email": "alice@example.org", "password": password}
    )
    return answer.status_code


def test_a_reset_link_sets_a_new_password_once(app, alice, database, caplog):
    before = outbox_count(database)
    with caplog.at_level(logging.WARNING):
        asked = app.test_client().post(RESET, json={"email": "Alice@example.org"})
    assert asked.status_code == 202
    assert outbox_count(database) == before + 1
    token = mailed_token(database, "alice@example.org")
    assert f"/grenoble/reset#token={token}" in caplog.text  # no SMTP: the server log has it
    browser = app.test_client()
    reset = browser.post(f"{RESET}/new", json={"token": token, "password": NEW_PASSWORD})
    assert reset.status_code == 200
    assert reset.json["account"]["email"] == "alice@example.org"
    assert alice.get("/api/v1/me").status_code == 401  # every other session ended
    assert log_in(app, PASSWORD) == 401 and log_in(app, NEW_PASSWORD) == 200
    again = app.test_client().post(f"{RESET}/new", json={"token": token, "password": PASSWORD})
    assert again.status_code == 422 and again.json["errors"][0]["param"] == "token"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, alice, database):
    before = outbox_count(database)
    known = app.test_client().post(RESET, json={"email": "alice@example.org"})
    unknown = app.test_client().post(RESET, json={"email": "nobody@example.org"})
    assert (known.status_code, known.json) == (unknown.status_code, unknown.json)
    assert outbox_count(database) == before + 1


def test_an_expired_link_does_nothing(app, alice, database):
    app.test_client().post(RESET, json={"email": "alice@example.org"})
    token = mailed_token(database, "alice@example.org")
    sql(database, "UPDATE mailed_links SET expires_at = expires_at - 3601")
    late = app.test_client().post(f"{RESET}/new", json={"token": token, "password": NEW_PASSWORD})
    assert late.status_code == 422
    assert log_in(app, PASSWORD) == 200


def test_a_new_link_voids_the_older_ones_once_used(app, alice, database):
    app.test_client().post(RESET, json={"email": "alice@example.org"})
    first = mailed_token(database, "alice@example.org")
    app.test_client().post(RESET, json={"email": "alice@example.org"})
    second = mailed_token(database, "alice@example.org")
    used = app.test_client().post(f"{RESET}/new", json={"token": second, "password": NEW_PASSWORD})
    assert used.status_code == 200
    old = app.test_client().post(f"{RESET}/new", json={"token": first, "password": PASSWORD})
    assert old.status_code == 422


def test_a_sent_link_leaves_no_live_token_in_the_outbox(database, smtp):
    # mailed_links keeps only the token's hash, so that someone reading the database (a
    # backup, a leak) cannot use a live link: the outbox must not keep it in clear either
    sink, port = smtp
    app = make_app(database, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="v@ville.example")
    add_city(database)
    sign_up(app, "alice@example.org")
    sink.messages.clear()
    assert app.test_client().post(RESET, json={"email": "alice@example.org"}).status_code == 202
    [mail] = sink.messages
    token = re.search(r"#token=([\w-]+)", mail.get_content()).group(1)
    kept = " ".join(body for (body,) in sql(database, "SELECT body FROM outbox"))
    assert token not in kept
    answer = app.test_client().post(
        "/api/v1/password-reset/new", json={"token": token, "password": NEW_PASSWORD}
    )
    assert answer.status_code in (200, 204), answer.get_json()


def test_a_reset_revokes_every_api_token(app, alice, database):
    # whoever took the account may have made a token: a reset must shut it out too
    made = alice.post("/api/v1/me/tokens")
    assert made.status_code == 201, made.get_json()
    bearer = {"Authorization": f"Bearer {made.json['token']}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    app.test_client().post(RESET, json={"email": "alice@example.org"})
    token = mailed_token(database, "alice@example.org")
    reset = app.test_client().post(f"{RESET}/new", json={"token": token, "password": NEW_PASSWORD})
    assert reset.status_code == 200
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
