"""Real servers in subprocesses: crash durability (SIGKILL) and two gunicorn processes."""

import http.client
import json
import threading
import urllib.error
import urllib.request

import pytest

from tests.web.conftest import CENTRE, add_city, make_app, new_database, sign_up
from web import testing

NO_LIMITS = {"VOISINAGE_RATE_LIMITS_ENABLED": "0"}
POST = {
    "kind": "offer",
    "category": "shopping",
    "title": "durable",
    "lat": CENTRE[0],
    "lon": CENTRE[1],
}


@pytest.fixture
def live_database(request, tmp_path):
    """A database with the city and an API token for a resident: ``(path, token)``."""
    database = new_database(request, tmp_path, "live")
    add_city(database)
    resident = sign_up(make_app(database))
    return database, resident.post("/api/v1/me/tokens").json["token"]


def _request(base_url, path, token=None, body=None, method="GET"):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_serve_yields_a_working_base_url(live_database):
    database, _ = live_database
    with testing.serve(database) as base_url:
        status, body = _request(base_url, "/api/v1/grenoble")
        assert status == 200 and body["slug"] == "grenoble"


def test_no_acknowledged_post_is_lost_when_the_server_is_killed(live_database):
    database, token = live_database
    acknowledged: list[int] = []
    refused: list[tuple[int, object]] = []
    for _round in range(3):
        process, base_url = testing.start(database, settings=NO_LIMITS)
        enough = threading.Event()
        stop_writing = threading.Event()
        target = len(acknowledged) + 10

        def write(base_url=base_url, enough=enough, stop_writing=stop_writing, target=target):
            while not stop_writing.is_set():
                try:
                    status, body = _request(base_url, "/api/v1/grenoble/posts", token, POST, "POST")
                except (OSError, http.client.HTTPException, ValueError):
                    return  # the server died mid-request: this write was never acknowledged
                if status == 201:
                    acknowledged.append(body["id"])
                else:
                    refused.append((status, body))
                if len(acknowledged) >= target:
                    enough.set()

        writers = [threading.Thread(target=write) for _ in range(3)]
        for writer in writers:
            writer.start()
        assert enough.wait(timeout=60), (acknowledged, refused, testing.server_errors(process))
        testing.stop(process, kill=True)  # SIGKILL while writes are in flight
        stop_writing.set()
        for writer in writers:
            writer.join()
    assert refused == []
    assert len(acknowledged) >= 30
    with testing.serve(database, settings=NO_LIMITS) as base_url:
        for post_id in acknowledged:
            status, _ = _request(base_url, f"/api/v1/grenoble/posts/{post_id}")
            assert status == 200, post_id
        # And the rebuilt index has them all: page through every match.
        found, cursor = set(), ""
        while cursor is not None:
            query = f"lat={CENTRE[0]}&lon={CENTRE[1]}&limit=100" + (
                f"&cursor={cursor}" if cursor else ""
            )
            body = _request(base_url, f"/api/v1/grenoble/match?{query}")[1]
            found |= {feature["id"] for feature in body["features"]}
            cursor = body["next_cursor"]
        assert set(acknowledged) <= found


def test_two_gunicorn_servers_on_one_database_agree_at_once(live_database):
    database, token = live_database
    first, first_url = testing.start(database, server="gunicorn", settings=NO_LIMITS)
    try:
        second, second_url = testing.start(database, server="gunicorn", settings=NO_LIMITS)
        try:
            match = f"/api/v1/grenoble/match?lat={CENTRE[0]}&lon={CENTRE[1]}"
            assert _request(second_url, match)[1]["features"] == []  # index built, empty
            status, post = _request(first_url, "/api/v1/grenoble/posts", token, POST, "POST")
            assert status == 201
            assert [f["id"] for f in _request(second_url, match)[1]["features"]] == [post["id"]]
            status, _ = _request(
                second_url, f"/api/v1/grenoble/posts/{post['id']}", token, method="DELETE"
            )
            assert status == 204
            assert _request(first_url, match)[1]["features"] == []
        finally:
            testing.stop(second)
    finally:
        testing.stop(first)
