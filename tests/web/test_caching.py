"""Cache and transport headers: answers made for one person are never stored by a
cache; HSTS once a TLS proxy says the request came over HTTPS."""

import pytest

from tests.web.conftest import add_city, make_app, new_database
from tests.web.test_missions import MISSIONS, association, mission_body, volunteer  # noqa: F401


def test_missions_and_their_answers_are_not_stored(app, association):  # noqa: F811
    near = volunteer(app, "near@example.org", 100, consent={"share_email": True})
    mission = association.post(MISSIONS, mission_body()).json
    near.post(f"{MISSIONS}/{mission['id']}/answer", {"answer": "yes"})
    for session, path in [
        (near, MISSIONS),
        (association, MISSIONS),
        (association, f"{MISSIONS}/{mission['id']}/answers"),  # volunteers' e-mails
    ]:
        response = session.get(path)
        assert response.status_code == 200, response.json
        assert "no-store" in response.headers["Cache-Control"], path
        assert {"Cookie", "Authorization"} <= set(response.vary)


def test_alerts_are_not_stored(alice):
    assert alice.post("/api/v1/grenoble/alerts", {}).status_code == 201
    response = alice.get("/api/v1/grenoble/alerts")
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/grenoble/", "/grenoble/missions", "/grenoble/alerts", "/grenoble/login"]
)
def test_pages_holding_a_csrf_token_are_not_stored(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'name="csrf-token"' in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_public_api_answers_stay_cacheable(client):
    response = client.get("/api/v1/grenoble/categories")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert {"Cookie", "Authorization"} <= set(response.vary)


@pytest.mark.parametrize(
    "hops, forwarded, hsts",
    [
        (1, "https", True),  # behind a TLS proxy
        (1, "http", False),
        (0, "https", False),  # no proxy trusted: the header is anyone's
    ],
)
def test_hsts_only_behind_tls(request, tmp_path, hops, forwarded, hsts):
    database = new_database(request, tmp_path)
    app = make_app(database, PROXY_HOPS=hops)
    add_city(database)
    response = app.test_client().get(
        "/api/v1/grenoble/categories", headers={"X-Forwarded-Proto": forwarded}
    )
    assert ("max-age=" in response.headers.get("Strict-Transport-Security", "")) == hsts


def test_the_rule_is_registered_once_for_the_app(app):
    rules = [f for functions in app.after_request_funcs.values() for f in functions]
    assert [f.__qualname__ for f in rules].count("private_answers_are_not_stored") == 1
