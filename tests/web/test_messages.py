"""Contact that always reaches: the poster is told of a contact, the requester of the
answer, each side of new messages (grouped); a connection's thread is for its two sides
only, open once accepted; it is in "my data" and leaves with the account."""

from tests.web.conftest import (
    PASSWORD,
    add_city,
    forget_mail,
    make_app,
    make_moderator,
    set_role,
    sign_up,
    sql,
)

POSTS = "/api/v1/grenoble/posts"


def thread(connection_id) -> str:
    return f"/api/v1/me/connections/{connection_id}/messages"


def contact(alice, bob, message="Bonjour, je peux aider") -> int:
    post = alice.create_post(title="Courses")
    answer = bob.post(f"{POSTS}/{post['id']}/contact", {"message": message})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def accepted(alice, bob) -> int:
    connection_id = contact(alice, bob)
    assert alice.post(f"/api/v1/me/connections/{connection_id}/accept").status_code == 200
    return connection_id


def inbox(session) -> list[dict]:
    return session.get("/api/v1/me/notifications").json["notifications"]


def test_the_two_sides_read_and_write_once_accepted(alice, bob):
    connection_id = accepted(alice, bob)
    assert bob.post(thread(connection_id), {"body": "Je passe à 18 h ?"}).status_code == 201
    answer = alice.post(thread(connection_id), {"body": "  Parfait, à tout à l'heure  "})
    assert answer.status_code == 201 and answer.json["body"] == "Parfait, à tout à l'heure"
    for session, mine in ((alice, [False, True]), (bob, [True, False])):
        read = session.get(thread(connection_id))
        assert read.status_code == 200
        assert [m["body"] for m in read.json["messages"]] == [
            "Je passe à 18 h ?",
            "Parfait, à tout à l'heure",
        ]
        assert [m["mine"] for m in read.json["messages"]] == mine
        assert read.json["next_after"] is None


def test_messages_page_by_keyset(alice, bob):
    connection_id = accepted(alice, bob)
    for number in range(5):
        bob.post(thread(connection_id), {"body": f"message {number}"})
    first = bob.get(thread(connection_id), query_string={"limit": 2}).json
    assert [m["body"] for m in first["messages"]] == ["message 0", "message 1"]
    rest = bob.get(thread(connection_id), query_string={"after": first["next_after"]}).json
    assert [m["body"] for m in rest["messages"]] == ["message 2", "message 3", "message 4"]


def test_nobody_else_reads_or_writes_a_thread(app, alice, bob, client):
    connection_id = accepted(alice, bob)
    bob.post(thread(connection_id), {"body": "privé"})
    carol = sign_up(app, "carol@example.org")
    moderator = sign_up(app, "modo@example.org")
    make_moderator(app.config["DATABASE"], "modo@example.org")
    for outsider in (carol, moderator):
        assert outsider.get(thread(connection_id)).status_code == 404
        assert outsider.post(thread(connection_id), {"body": "coucou"}).status_code == 404
    assert client.get(thread(connection_id)).status_code == 401  # anonymous: log in first
    for forged in (connection_id + 1000, 2**63, 2**64):
        assert alice.get(thread(forged)).status_code == 404
        assert alice.post(thread(forged), {"body": "x"}).status_code == 404
    assert [m["body"] for m in alice.get(thread(connection_id)).json["messages"]] == ["privé"]


def test_the_thread_opens_once_accepted(alice, bob):
    connection_id = contact(alice, bob)
    for session in (alice, bob):
        for answer in (
            session.get(thread(connection_id)),
            session.post(thread(connection_id), {"body": "trop tôt"}),
        ):
            assert answer.status_code == 409
            assert answer.json["errors"] == [
                {"param": "connection_id", "code": "conflict", "message": "not accepted yet"}
            ]
    alice.post(f"/api/v1/me/connections/{connection_id}/decline")
    assert bob.post(thread(connection_id), {"body": "et là ?"}).status_code == 409


def test_the_message_body_is_checked(alice, bob):
    connection_id = accepted(alice, bob)
    for body in ({"body": ""}, {"body": "   "}, {"body": "x" * 2001}, {"body": 3}, {}):
        answer = bob.post(thread(connection_id), body)
        assert answer.status_code == 422, body
        assert answer.json["errors"][0]["param"] == "body"
    assert bob.post(thread(connection_id), {"body": "x" * 2000}).status_code == 201
    assert bob.post(thread(connection_id), {"body": "a", "extra": 1}).status_code == 422


def test_a_second_request_for_the_same_post_is_refused(alice, bob):
    post = alice.create_post()
    url = f"{POSTS}/{post['id']}/contact"
    first = bob.post(url, {"message": "un"})
    for _ in range(2):  # while waiting, and after an answer
        again = bob.post(url, {"message": "deux"})
        assert again.status_code == 409
        assert again.json["errors"] == [
            {"param": "post_id", "code": "already_requested", "message": "already requested"}
        ]
        alice.post(f"/api/v1/me/connections/{first.json['id']}/decline")
    assert len(alice.get("/api/v1/me/connections").json["incoming"]) == 1


def test_contact_accept_and_decline_are_notified_at_once(app, alice, bob):
    connection_id = contact(alice, bob, "Je peux porter vos courses")
    [notice] = inbox(alice)
    assert notice["kind"] == "contact" and "bob" in notice["title"] and "Courses" in notice["title"]
    assert notice["body"] == "Je peux porter vos courses"
    assert notice["link"] == "/grenoble/me#incoming"
    alice.post(f"/api/v1/me/connections/{connection_id}/accept")
    [notice] = inbox(bob)
    assert notice["kind"] == "contact" and "acceptée" in notice["title"]
    link = f"/grenoble/posts/{_post_of(bob, connection_id)}?connection={connection_id}#thread"
    assert notice["link"] == link

    carol = sign_up(app, "carol@example.org")
    declined = contact(alice, carol)
    alice.post(f"/api/v1/me/connections/{declined}/decline")
    [notice] = inbox(carol)
    assert "déclinée" in notice["title"]


def _post_of(session, connection_id) -> int:
    lists = session.get("/api/v1/me/connections").json
    return next(c["post_id"] for c in lists["outgoing"] if c["id"] == connection_id)


def test_messages_are_notified_once_until_read(alice, bob):
    connection_id = accepted(alice, bob)
    alice.post("/api/v1/me/notifications/read")
    for number in range(3):
        bob.post(thread(connection_id), {"body": f"message {number}"})
    [notice] = [n for n in inbox(alice) if not n["read"]]
    assert notice["kind"] == "message" and "bob" in notice["title"]
    assert notice["link"].endswith(f"?connection={connection_id}#thread")
    alice.post(f"/api/v1/me/notifications/{notice['id']}/read")
    bob.post(thread(connection_id), {"body": "encore"})
    assert [n["read"] for n in inbox(alice) if n["kind"] == "message"] == [
        False,
        True,
    ]  # a new one once it is read
    assert all(n["kind"] != "message" for n in inbox(bob))  # not told of my own messages
    alice.get(thread(connection_id))  # reading the thread reads its notice
    assert [n["read"] for n in inbox(alice) if n["kind"] == "message"] == [True, True]
    bob.post(thread(connection_id), {"body": "et encore"})
    assert [n["read"] for n in inbox(alice) if n["kind"] == "message"] == [False, True, True]


def test_each_notice_is_mailed_with_a_link_to_answer(database, smtp):
    sink, port = smtp
    app = make_app(database, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="v@ville.example")
    add_city(database)
    alice = sign_up(app, "alice@example.org")
    bob = sign_up(app, "bob@example.org")
    forget_mail(database, sink)
    connection_id = contact(alice, bob)
    [mail] = sink.messages
    assert mail["To"] == "alice@example.org" and "bob" in mail["Subject"]
    assert "http://localhost/grenoble/me#incoming" in mail.get_content()
    alice.post(f"/api/v1/me/connections/{connection_id}/accept")
    assert sink.messages[-1]["To"] == "bob@example.org"
    assert f"?connection={connection_id}#thread" in sink.messages[-1].get_content()
    sink.messages.clear()
    for number in range(3):
        bob.post(thread(connection_id), {"body": f"message {number}"})
    assert [m["To"] for m in sink.messages] == ["alice@example.org"]  # one mail, not three


def test_my_data_holds_the_thread(alice, bob):
    connection_id = accepted(alice, bob)
    bob.post(thread(connection_id), {"body": "Je passe à 18 h ?"})
    alice.post(thread(connection_id), {"body": "Parfait"})
    for session in (alice, bob):
        exported = session.get("/api/v1/me/export").get_json(force=True)
        assert [(m["body"], bool(m["mine"])) for m in exported["messages"]] == [
            ("Je passe à 18 h ?", session is bob),
            ("Parfait", session is alice),
        ]


def test_deleting_an_account_deletes_its_threads(app, alice, bob):
    connection_id = accepted(alice, bob)
    bob.post(thread(connection_id), {"body": "Je passe à 18 h ?"})
    alice.post(thread(connection_id), {"body": "Parfait"})
    deleted = bob.client.delete(
        "/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRF-Token": bob.csrf}
    )
    assert deleted.status_code == 204
    assert sql(app.config["DATABASE"], "SELECT COUNT(*) FROM messages") == [(0,)]
    assert alice.get(thread(connection_id)).status_code == 404


def test_moderators_read_a_thread_only_once_a_side_reports_it_audited(app, alice, bob):
    connection_id = accepted(alice, bob)
    bob.post(thread(connection_id), {"body": "Donnez-moi votre code de carte"})
    moderator = sign_up(app, "modo@example.org")
    make_moderator(app.config["DATABASE"], "modo@example.org")
    carol = sign_up(app, "carol@example.org")
    reported = f"/api/v1/grenoble/moderation/threads/{connection_id}"
    assert moderator.get(reported).status_code == 404  # nobody reported it: private
    assert moderator.get("/api/v1/grenoble/moderation/threads").json["threads"] == []

    report = f"/api/v1/me/connections/{connection_id}/report"
    assert carol.post(report, {"reason": "curieuse"}).status_code == 404
    assert alice.post(report, {"reason": ""}).json["errors"][0]["param"] == "reason"
    assert alice.post(report, {"reason": "Il demande mon code"}).status_code == 201
    assert alice.post(report, {"reason": "encore"}).status_code == 409
    assert alice.post("/api/v1/me/connections/424242/report", {"reason": "x"}).status_code == 404

    [listed] = moderator.get("/api/v1/grenoble/moderation/threads").json["threads"]
    assert listed["connection_id"] == connection_id and listed["reason"] == "Il demande mon code"
    read = moderator.get(reported)
    assert read.status_code == 200
    assert read.json["messages"][0]["body"] == "Donnez-moi votre code de carte"
    assert read.json["messages"][0]["author"] == "bob"
    assert carol.get(reported).status_code == 403  # not a moderator
    assert moderator.get(thread(connection_id)).status_code == 404  # still not a side
    set_role(app.config["DATABASE"], "modo@example.org", "admin")
    entries = moderator.get("/api/v1/grenoble/moderation/audit").json["entries"]
    assert [(e["action"], e["reason"]) for e in entries] == [
        ("read_thread", f"connection {connection_id}")
    ]
