"""A full disk (SQLite's max_page_count on a real file): writes answer 503 with
Retry-After, reads go on, the operator is told once, and writes resume by themselves
with nothing acknowledged lost."""

import logging

import pytest

from tests.web.conftest import CENTRE, sign_up
from web import store

pytestmark = pytest.mark.sqlite_only  # max_page_count stands for a full disk


def new_post(session, title: str):
    body = {"kind": "offer", "category": "shopping", "title": title, "body": "x" * 2000}
    return session.post("/api/v1/grenoble/posts", {**body, "lat": CENTRE[0], "lon": CENTRE[1]})


def ids(client) -> set[int]:
    answer = client.get(
        "/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1], "limit": 100}
    )
    assert answer.status_code == 200
    return {feature["id"] for feature in answer.json["features"]}


def test_a_full_disk_answers_503_keeps_reads_and_recovers(app, client, caplog):
    alice = sign_up(app)
    with app.app_context():
        connection = store.current().conn  # the one this thread's requests use
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    acknowledged, refused = [], []
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        for i in range(30):
            response = new_post(alice, f"p{i}")
            if response.status_code == 201:
                acknowledged.append(response.json["id"])
            else:
                refused.append(response)
    assert len(refused) >= 2, "the database never filled up"
    for response in refused:
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert int(response.headers["Retry-After"]) > 0
        assert "cannot store" in response.json["detail"]
    assert ids(client) == set(acknowledged)  # reads go on
    assert client.get("/grenoble/").status_code == 200
    told = [r for r in caplog.records if "cannot store" in r.getMessage()]
    assert len(told) == 1  # once for the operator, not once per request

    connection.execute("PRAGMA max_page_count = 1073741823")  # space returns
    response = new_post(alice, "after")
    assert response.status_code == 201
    assert ids(client) == {*acknowledged, response.json["id"]}
