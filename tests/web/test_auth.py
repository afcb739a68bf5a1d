"""Sessions with CSRF, Bearer tokens, cookie flags, accounts."""

import pytest

from tests.web.conftest import CENTRE, LYON, PASSWORD, mailed_token, make_app, sign_up, sql

POSTS = "/api/v1/grenoble/posts"
POST = {"kind": "offer", "category": "shopping", "title": "t", "lat": CENTRE[0], "lon": CENTRE[1]}


def test_anonymous_session_has_a_csrf_token_and_no_account(client):
    body = client.get("/api/v1/session").json
    assert body["account"] is None
    assert len(body["csrf_token"]) >= 32


def test_log_in_and_out(app, alice):
    client = app.test_client()
    bad = client.post("/api/v1/session", json={"email": "alice@example.org", "password": "nope"})
    assert bad.status_code == 401
    assert bad.content_type == "application/problem+json"
    response = client.post(
        "/api/v1/session", json={"email": "ALICE@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json["account"]["email"] == "alice@example.org"
    assert client.get("/api/v1/me").status_code == 200
    assert client.delete("/api/v1/session").status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_session_writes_need_the_csrf_header(alice):
    missing = alice.client.post(POSTS, json=POST)
    assert missing.status_code == 403
    assert missing.json["errors"][0]["param"] == "X-CSRF-Token"
    wrong = alice.client.post(POSTS, json=POST, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    assert alice.post(POSTS, POST).status_code == 201


def test_writes_need_an_account(client):
    response = client.post(POSTS, json=POST)
    assert response.status_code == 401


def test_session_cookie_flags(tmp_path):
    from tests.web.conftest import add_city

    database = tmp_path / "s.sqlite"
    app = make_app(database, TESTING=False)  # production flags
    add_city(database)
    response = app.test_client().get("/api/v1/session")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_bearer_tokens_write_without_csrf_and_can_be_revoked(app, alice):
    created = alice.post("/api/v1/me/tokens")
    assert created.status_code == 201
    token = created.json["token"]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(POSTS, json=POST, headers=headers).status_code == 201
    listed = alice.get("/api/v1/me/tokens").json["tokens"]
    assert [t["id"] for t in listed] == [created.json["id"]]
    assert alice.delete(f"/api/v1/me/tokens/{created.json['id']}").status_code == 204
    revoked = client.post(POSTS, json=POST, headers=headers)
    assert revoked.status_code == 401
    assert revoked.json["errors"][0]["param"] == "Authorization"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer vsn_unknown", "Bearer \u00e9"])
def test_bad_authorization_headers_are_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_tokens_are_stored_hashed(app, alice, database):

    token = alice.post("/api/v1/me/tokens").json["token"]
    rows = sql(database, "SELECT token_hash FROM api_tokens")
    assert token not in str(rows)


@pytest.mark.parametrize(
    "fields, status, param",
    [
        ({"email": "not-an-email"}, 422, "email"),
        ({"password": "short"}, 422, "password"),
        ({"display_name": ""}, 422, "display_name"),
        ({"poster_type": "king"}, 422, "poster_type"),
        ({"lat": LYON[0], "lon": LYON[1]}, 422, "lat"),  # outside the city
        ({"lat": None, "lon": None}, 422, "address"),  # no home at all
        ({"phone": "call me maybe"}, 422, "phone"),
        ({"consent": {"share_email": "yes"}}, 422, "consent.share_email"),
    ],
)
def test_sign_up_names_the_bad_field(app, alice, fields, status, param):
    body = {
        "email": "new@example.org",
        "password": PASSWORD,
        "display_name": "New",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        **fields,
    }
    response = app.test_client().post("/api/v1/grenoble/accounts", json=body)
    assert response.status_code == status, response.json
    assert response.json["errors"][0]["param"] == param


def test_sign_up_by_address_keeps_the_home_private(app, database):
    client = app.test_client()
    response = client.post(
        "/api/v1/grenoble/accounts",
        json={
            "email": "d@example.org",
            "password": PASSWORD,
            "display_name": "D",
            "address": "3 place grenette",
            "precision": "building",
            "consent": {"share_email": True},
        },
    )
    assert response.status_code == 202
    token = mailed_token(database, "d@example.org")
    assert client.post("/api/v1/accounts/confirm", json={"token": token}).status_code == 200
    me = client.get("/api/v1/me").json
    assert me["home_address"] == "3 place grenette"
    assert me["consent"] == {"share_email": True, "share_phone": False}
    assert me["consent_text"] and me["consent_at"]
    assert "home_lat" not in me and "password_hash" not in str(me)


def test_delete_account_removes_its_posts_from_every_answer(app, alice, client):
    post = alice.create_post()
    match = {"lat": CENTRE[0], "lon": CENTRE[1]}
    assert len(client.get("/api/v1/grenoble/match", query_string=match).json["features"]) == 1
    deleted = alice.client.delete(
        "/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRF-Token": alice.csrf}
    )
    assert deleted.status_code == 204
    assert client.get("/api/v1/grenoble/match", query_string=match).json["features"] == []
    assert client.get(f"{POSTS}/{post['id']}").status_code == 404
    login = client.post(
        "/api/v1/session", json={"email": "alice@example.org", "password": PASSWORD}
    )
    assert login.status_code == 401


def test_sign_up_as_association_asks_for_verification(app):
    session = sign_up(app, "asso@example.org", poster_type="association")
    assert session.account["role"] == "resident"
    assert session.account["poster_type"] == "association"
    assert session.account["verification"] == "pending"
