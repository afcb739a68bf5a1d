""" "My data": the export of everything held about me, and deleting my account with my
password typed again (posts leave every index at once; anonymous counts remain)."""

import json

import pytest

from tests.web.conftest import (
    CENTRE,
    PASSWORD,
    Session,
    add_city,
    make_app,
    make_moderator,
    new_database,
    sign_up,
)


def delete_me(session: Session, body):
    return session.client.delete("/api/v1/me", json=body, headers={"X-CSRF-Token": session.csrf})


def found_ids(client) -> list[int]:
    answer = client.get("/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1]})
    return [feature["id"] for feature in answer.json["features"]]


def test_the_export_holds_everything_about_me_and_nothing_secret(alice, bob):
    post = alice.create_post(title="Courses du jeudi", address="2 rue Félix Poulat")
    contact = bob.post(f"/api/v1/grenoble/posts/{post['id']}/contact", {"message": "Je peux"})
    alice.post(f"/api/v1/me/connections/{contact.json['id']}/accept")
    bob_post = bob.create_post(title="Promenade")
    alice.post(f"/api/v1/grenoble/posts/{bob_post['id']}/reports", {"reason": "Doublon"})
    alice.post(f"/api/v1/me/connections/{contact.json['id']}/outcome", {"outcome": "done"})
    alice.patch("/api/v1/me", {"consent": {"share_email": False, "share_phone": True}})
    alice.post("/api/v1/me/tokens")

    answer = alice.get("/api/v1/me/export")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    assert answer.headers["Cache-Control"] == "private, no-store"
    data = json.loads(answer.get_data())
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["phone"] == "06 12 34 56 78"
    [mine] = data["posts"]
    assert (mine["title"], mine["lat"], mine["address"]) == (
        "Courses du jeudi",
        mine["lat"],
        "2 rue Félix Poulat",
    )
    [received] = data["connections_received"]
    assert (received["requester_name"], received["message"]) == ("bob", "Je peux")
    assert data["connections_asked"] == []
    assert [r["reason"] for r in data["reports_made"]] == ["Doublon"]
    assert [o["outcome"] for o in data["connection_outcomes"]] == ["done"]
    assert len(data["consent_log"]) == 2
    assert len(data["api_tokens"]) == 1
    text = answer.get_data(as_text=True)
    for secret in ("password_hash", "token_hash", "$argon2", "Promenade", "bob@example.org"):
        assert secret not in text  # no hashes, nothing of bob's but his name and message


def test_the_export_needs_a_login(client):
    assert client.get("/api/v1/me/export").status_code == 401


def test_deleting_my_account_needs_my_password_again(alice, client):
    post = alice.create_post()
    assert alice.client.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 403
    missing = delete_me(alice, {})
    assert missing.status_code == 422 and missing.json["errors"][0]["param"] == "password"
    wrong = delete_me(alice, {"password": "not my password"})
    assert wrong.status_code == 403 and wrong.json["errors"][0]["param"] == "password"
    no_json = alice.client.delete("/api/v1/me", headers={"X-CSRF-Token": alice.csrf})
    assert no_json.status_code == 415
    assert post["id"] in found_ids(client)
    assert alice.get("/api/v1/me").status_code == 200


def test_deleting_my_account_takes_my_posts_out_at_once_and_keeps_anonymous_counts(
    app, database, alice, bob, client
):
    carol = sign_up(app, "carol@example.org")
    make_moderator(database, "carol@example.org")
    post = alice.create_post()
    contact = bob.post(f"/api/v1/grenoble/posts/{post['id']}/contact", {"message": "Oui"})
    alice.post(f"/api/v1/me/connections/{contact.json['id']}/accept")
    bob.post(f"/api/v1/me/connections/{contact.json['id']}/outcome", {"outcome": "done"})
    assert post["id"] in found_ids(client)

    assert delete_me(alice, {"password": PASSWORD}).status_code == 204
    assert post["id"] not in found_ids(client)
    assert client.get(f"/api/v1/grenoble/posts/{post['id']}").status_code == 404
    assert alice.get("/api/v1/me").status_code == 401
    assert bob.get("/api/v1/me/connections").json["outgoing"] == []
    counts = carol.get("/api/v1/grenoble/stats/connections").json
    assert counts["total"] == 1 and counts["by_outcome"] == {"done": 1}
    relog = app.test_client().post(
        "/api/v1/session", json={"email": "alice@example.org", "password": PASSWORD}
    )
    assert relog.status_code == 401


@pytest.mark.parametrize("body", [{"password": 12}, {"password": "x", "more": 1}])
def test_the_deletion_body_is_checked(alice, body):
    assert delete_me(alice, body).status_code == 422


def test_password_guesses_on_deletion_are_rate_limited(request, tmp_path):
    database = new_database(request, tmp_path)
    app = make_app(database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_LOGIN="3/60")
    add_city(database)
    session = sign_up(app, "guesser@example.org")  # sign-up counts as one login
    statuses = [delete_me(session, {"password": f"guess {n}"}).status_code for n in range(3)]
    assert statuses == [403, 403, 429]
