"""Sessions live in the database: logging out, changing the password and "log out
everywhere" end them, whatever copy of the cookie someone kept."""

from tests.web.conftest import PASSWORD

COOKIE = "voisinage_session"
NEW_PASSWORD = "a new horse battery"


def log_in(app, email="alice@example.org", password=PASSWORD):
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"email": email, "password": password})
    return client, answer


def test_a_cookie_kept_from_before_logging_out_opens_nothing(app, alice):
    kept = alice.client.get_cookie(COOKIE).value
    assert alice.client.delete("/api/v1/session").status_code == 204
    thief = app.test_client()
    thief.set_cookie(COOKIE, kept)
    assert thief.get("/api/v1/me").status_code == 401


def test_log_out_everywhere_ends_every_session(app, alice):
    laptop, _ = log_in(app)
    assert laptop.get("/api/v1/me").status_code == 200
    assert alice.delete("/api/v1/me/sessions").status_code == 204
    assert laptop.get("/api/v1/me").status_code == 401
    assert alice.get("/api/v1/me").status_code == 401


def test_changing_the_password_ends_the_other_sessions(app, alice):
    laptop, _ = log_in(app)
    kept = alice.client.get_cookie(COOKIE).value
    change = {"current_password": PASSWORD, "password": NEW_PASSWORD}
    changed = alice.client.put(
        "/api/v1/me/password", json=change, headers={"X-CSRF-Token": alice.csrf}
    )
    assert changed.status_code == 200, changed.json
    assert laptop.get("/api/v1/me").status_code == 401
    assert alice.get("/api/v1/me").status_code == 200  # this browser got a new session
    thief = app.test_client()
    thief.set_cookie(COOKIE, kept)
    assert thief.get("/api/v1/me").status_code == 401
    assert log_in(app)[1].status_code == 401
    assert log_in(app, password=NEW_PASSWORD)[1].status_code == 200


def test_changing_the_password_needs_the_current_one(app, alice):
    change = {"current_password": "not my password", "password": NEW_PASSWORD}
    refused = alice.client.put(
        "/api/v1/me/password", json=change, headers={"X-CSRF-Token": alice.csrf}
    )
    assert refused.status_code == 403
    assert refused.json["errors"][0]["param"] == "current_password"
    assert log_in(app)[1].status_code == 200


def test_the_cookie_serializer_is_made_once_per_key(app):
    """Not on every request (issue 19); a new key gets its own."""
    first = app.session_interface.get_signing_serializer(app)
    assert app.session_interface.get_signing_serializer(app) is first
    app.secret_key = "another-secret"
    assert app.session_interface.get_signing_serializer(app) is not first
