"""Posting once: creating requests sent again with the same ``Idempotency-Key`` get the
first answer and create nothing new (web.http.idempotency)."""

import hashlib
import json
import threading
import time

import pytest

from tests.web.conftest import CENTRE, PASSWORD, mailed_token, set_role, sign_up, sql
from web.store.posts import Posts

POSTS = "/api/v1/grenoble/posts"
MINE = "/api/v1/grenoble/me/posts"
POST = {
    "kind": "offer",
    "category": "shopping",
    "title": "Courses",
    "lat": CENTRE[0],
    "lon": CENTRE[1],
}


def keyed(key: str) -> dict:
    return {"headers": {"Idempotency-Key": key}}


def my_posts(session) -> list[dict]:
    return session.get(MINE).json["posts"]


def test_the_same_key_answers_the_first_answer_and_creates_nothing(alice):
    first = alice.post(POSTS, POST, **keyed("form-1"))
    again = alice.post(POSTS, POST, **keyed("form-1"))
    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert len(my_posts(alice)) == 1


def test_another_key_or_no_key_creates_again(alice):
    alice.post(POSTS, POST, **keyed("form-1"))
    alice.post(POSTS, POST, **keyed("form-2"))
    alice.post(POSTS, POST)
    assert len(my_posts(alice)) == 3


def test_the_same_key_with_another_body_is_a_422_naming_the_header(alice):
    alice.post(POSTS, POST, **keyed("form-1"))
    other = alice.post(POSTS, {**POST, "title": "Autre chose"}, **keyed("form-1"))
    assert other.status_code == 422
    assert other.json["errors"][0]["param"] == "Idempotency-Key"
    assert len(my_posts(alice)) == 1


def test_another_accounts_same_key_is_its_own(alice, bob):
    mine = alice.post(POSTS, POST, **keyed("form-1"))
    theirs = bob.post(POSTS, POST, **keyed("form-1"))
    assert theirs.status_code == 201
    assert theirs.json["id"] != mine.json["id"]
    assert len(my_posts(bob)) == 1


def test_a_key_expires_after_a_day(app, alice):
    alice.post(POSTS, POST, **keyed("form-1"))
    sql(app.config["DATABASE"], "UPDATE idempotency_keys SET created_at = created_at - 86401")
    again = alice.post(POSTS, POST, **keyed("form-1"))
    assert again.status_code == 201
    assert len(my_posts(alice)) == 2
    [(kept,)] = sql(app.config["DATABASE"], "SELECT count(*) FROM idempotency_keys")
    assert kept == 1  # the old key was purged when the new one was claimed


@pytest.mark.parametrize(
    "key",
    [
        "",  # empty
        "x" * 256,  # too long
        "clé",  # not ASCII
        "a\tb",  # a control character
    ],
)
def test_a_bad_key_is_a_422(alice, key):
    answer = alice.post(POSTS, POST, headers={"Idempotency-Key": key})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == "Idempotency-Key"
    assert my_posts(alice) == []


def test_the_longest_printable_key_is_fine(alice):
    assert alice.post(POSTS, POST, **keyed("~ !" + "k" * 252)).status_code == 201


def test_an_error_is_not_kept_so_a_fixed_retry_creates(alice):
    bad = alice.post(POSTS, {**POST, "kind": "nonsense"}, **keyed("form-1"))
    assert bad.status_code == 422
    fixed = alice.post(POSTS, {**POST, "kind": "nonsense"}, **keyed("form-1"))
    assert fixed.status_code == 422  # run again, not replayed
    assert "Idempotent-Replayed" not in fixed.headers


def test_concurrent_duplicates_create_one_post(app, alice, monkeypatch):
    token = alice.post("/api/v1/me/tokens").json["token"]
    create = Posts.create_post

    def slow_create(self, *args, **kwargs):  # the second request arrives meanwhile
        time.sleep(0.3)
        return create(self, *args, **kwargs)

    monkeypatch.setattr(Posts, "create_post", slow_create)
    answers = []

    def send() -> None:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "form-1"}
        answers.append(app.test_client().post(POSTS, json=POST, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_data() == answers[1].get_data()
    assert len(my_posts(alice)) == 1


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/grenoble/alerts", {"radius_m": 300}),
        ("/api/v1/grenoble/posts/1/reports", {"reason": "spam"}),
    ],
)
def test_other_creating_endpoints_answer_once(alice, bob, path, body):
    bob.create_post()  # post 1, for the report
    first = alice.post(path, body, **keyed("k"))
    again = alice.post(path, body, **keyed("k"))
    assert first.status_code in (200, 201)
    assert again.get_data() == first.get_data()


def test_api_tokens_are_never_kept_in_clear(app, alice):
    first = alice.post("/api/v1/me/tokens", **keyed("k"))
    again = alice.post("/api/v1/me/tokens", **keyed("k"))
    assert first.json["token"] != again.json["token"]  # the key does not apply there
    [(kept,)] = sql(app.config["DATABASE"], "SELECT count(*) FROM idempotency_keys")
    assert kept == 0


def test_a_contact_request_is_sent_once(alice, bob):
    post = alice.create_post()
    contact = f"{POSTS}/{post['id']}/contact"
    first = bob.post(contact, {"message": "Bonjour"}, **keyed("k"))
    again = bob.post(contact, {"message": "Bonjour"}, **keyed("k"))
    assert first.status_code in (200, 201), first.json
    assert again.get_data() == first.get_data()
    assert len(alice.get("/api/v1/me/connections").json["incoming"]) == 1


def test_an_anonymous_sign_up_is_known_by_its_key_and_body(app, client):
    body = {
        "email": "new@example.org",
        "password": PASSWORD,
        "display_name": "New",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    first = client.post("/api/v1/grenoble/accounts", json=body, **keyed("signup"))
    mailed_token(app.config["DATABASE"], "new@example.org")
    again = client.post("/api/v1/grenoble/accounts", json=body, **keyed("signup"))
    assert first.status_code == again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    someone_else = {**body, "email": "other@example.org"}
    other = client.post("/api/v1/grenoble/accounts", json=someone_else, **keyed("signup"))
    assert other.status_code == 202
    assert "Idempotent-Replayed" not in other.headers


def test_the_openapi_document_names_the_header_on_creating_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]

    def keyed_operation(method, path) -> bool:
        return any(p["name"] == "Idempotency-Key" for p in paths[path][method]["parameters"])

    assert keyed_operation("post", "/api/v1/{city}/posts")
    assert keyed_operation("post", "/api/v1/{city}/accounts")
    assert not keyed_operation("post", "/api/v1/session")  # logging in creates nothing to keep


def test_a_sign_up_keeps_no_fast_hash_of_its_password(app, client):
    body = {
        "email": "new@example.org",
        "password": PASSWORD,
        "display_name": "New",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }
    raw = json.dumps(body).encode()
    sent = client.post(
        "/api/v1/grenoble/accounts", data=raw, content_type="application/json", **keyed("s")
    )
    assert sent.status_code == 202
    # a plain SHA-256 of the request (the password in it) could be tried a billion times a
    # second against a stolen database: the fingerprint needs the app's secret key too
    plain = hashlib.sha256(b"POST /api/v1/grenoble/accounts\n" + raw)
    kept = sql(app.config["DATABASE"], "SELECT owner, fingerprint FROM idempotency_keys")
    assert len(kept) == 1
    assert plain.hexdigest() not in "".join(kept[0])


def test_a_person_removed_from_the_call_list_is_not_kept_in_an_answer(app, database):
    worker = sign_up(app, "worker@ville.example")
    set_role(database, "worker@ville.example", "social_worker")
    person = {
        "name": "Mme Jeanne Martin",
        "phone": "04 76 00 00 01",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        "needs": ["shopping"],
        "consent_on": "2026-11-02",
    }
    people = "/api/v1/grenoble/calls/people"
    added = worker.post(people, person, **keyed("k")).json
    call = {"outcome": "reached", "notes": "Va bien"}
    worker.post(f"{people}/{added['id']}/calls", call, **keyed("c"))
    assert worker.delete(f"{people}/{added['id']}").status_code == 204
    # they asked to be removed: their name and phone leave the kept answers too (else a
    # replay answers them again, and the worker's "my data" export holds them for a day)
    assert "04 76 00 00 01" not in worker.get("/api/v1/me/export").get_data(as_text=True)
    again = worker.post(people, person, **keyed("k"))
    assert "Idempotent-Replayed" not in again.headers
