"""Contact: details only on acceptance, only those consented, withdrawal at once."""

POSTS = "/api/v1/grenoble/posts"


def _connection(session, side):
    lists = session.get("/api/v1/me/connections").json
    assert len(lists[side]) == 1
    return lists[side][0]


def test_contact_then_accept_shows_only_consented_details(alice, bob):
    post = alice.create_post(title="Courses")
    response = bob.post(f"{POSTS}/{post['id']}/contact", {"message": "Bonjour !"})
    assert response.status_code == 201
    assert response.json["status"] == "requested"
    incoming = _connection(alice, "incoming")
    assert incoming["other"] == {"display_name": "bob"}  # nothing before acceptance
    assert _connection(bob, "outgoing")["other"] == {"display_name": "alice"}
    assert incoming["post_title"] == "Courses" and incoming["message"] == "Bonjour !"

    accepted = alice.post(f"/api/v1/me/connections/{incoming['id']}/accept")
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    # Alice shares both; Bob shares his phone only.
    assert _connection(bob, "outgoing")["other"] == {
        "display_name": "alice",
        "email": "alice@example.org",
        "phone": "06 12 34 56 78",
    }
    assert _connection(alice, "incoming")["other"] == {
        "display_name": "bob",
        "phone": "07 00 00 00 01",
    }


def test_withdrawing_consent_takes_effect_at_once(alice, bob):
    post = alice.create_post()
    bob.post(f"{POSTS}/{post['id']}/contact", {"message": "Bonjour"})
    alice.post(f"/api/v1/me/connections/{_connection(alice, 'incoming')['id']}/accept")
    assert "email" in _connection(bob, "outgoing")["other"]
    response = alice.patch("/api/v1/me", {"consent": {"share_email": False, "share_phone": False}})
    assert response.status_code == 200
    assert response.json["consent"] == {"share_email": False, "share_phone": False}
    assert _connection(bob, "outgoing")["other"] == {"display_name": "alice"}


def test_decline_shows_nothing_and_cannot_be_answered_twice(alice, bob):
    post = alice.create_post()
    bob.post(f"{POSTS}/{post['id']}/contact", {"message": "Bonjour"})
    connection_id = _connection(alice, "incoming")["id"]
    assert alice.post(f"/api/v1/me/connections/{connection_id}/decline").status_code == 200
    assert _connection(bob, "outgoing")["status"] == "declined"
    assert _connection(bob, "outgoing")["other"] == {"display_name": "alice"}
    again = alice.post(f"/api/v1/me/connections/{connection_id}/accept")
    assert again.status_code == 409


def test_contact_rules(alice, bob, client):
    post = alice.create_post()
    url = f"{POSTS}/{post['id']}/contact"
    assert alice.post(url, {"message": "moi"}).status_code == 409  # own post
    assert client.post(url, json={"message": "anon"}).status_code == 401
    assert bob.post(url, {"message": ""}).json["errors"][0]["param"] == "message"
    assert bob.post(url, {"message": "x" * 1001}).status_code == 422
    assert bob.post(url, {"message": "un"}).status_code == 201
    assert bob.post(url, {"message": "deux"}).status_code == 409  # already pending
    assert bob.post(f"{POSTS}/999999/contact", {"message": "?"}).status_code == 404


def test_only_the_poster_answers(alice, bob):
    post = alice.create_post()
    bob.post(f"{POSTS}/{post['id']}/contact", {"message": "Bonjour"})
    connection_id = _connection(bob, "outgoing")["id"]
    assert bob.post(f"/api/v1/me/connections/{connection_id}/accept").status_code == 404
    assert alice.post("/api/v1/me/connections/424242/accept").status_code == 404
