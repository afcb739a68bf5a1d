"""Two app servers on one PostgreSQL see each other's writes and deletions at once: each
hears the other's commits through LISTEN/NOTIFY (``web.store.listener``) and applies the
change log before its next answer."""

import time

import psycopg

from tests.scaleout.conftest import MATCH, NO_LIMITS, POST, call
from web import testing
from web.store.listener import COUNT_BASE, Listener

HEARD_WITHIN_S = 5.0


def test_a_write_or_deletion_through_one_server_shows_through_the_other_at_once(
    shared_database,
):
    url, token = shared_database
    first, a = testing.start(url, settings=NO_LIMITS)
    try:
        second, b = testing.start(url, settings=NO_LIMITS)
        try:
            for writer, reader in ((a, b), (b, a), (a, b)):
                status, post, _ = call(writer, "/api/v1/grenoble/posts", token, POST, "POST")
                assert status == 201
                assert post["id"] in _ids(reader)  # at once: no wait, no retry
                assert call(reader, f"/api/v1/grenoble/posts/{post['id']}")[0] == 200
                path = f"/api/v1/grenoble/posts/{post['id']}"
                assert call(writer, path, token, method="DELETE")[0] == 204
                assert post["id"] not in _ids(reader)
                assert post["id"] not in _ids(writer)
        finally:
            testing.stop(second)
    finally:
        testing.stop(first)


def test_the_listener_hears_commits_and_comes_back_after_a_restart(
    postgres_cluster, shared_database
):
    url, _ = shared_database
    listener = Listener(url)
    try:
        _wait_for(lambda: listener.version() is not None)
        before = listener.version()
        assert before is not None and before > COUNT_BASE
        _log_a_change(url)
        _wait_for(lambda: listener.version() != before)
        postgres_cluster.restart(mode="immediate")
        _wait_for(lambda: listener.version() is not None)
        after = listener.version()
        _log_a_change(url)
        _wait_for(lambda: listener.version() != after)
    finally:
        listener.close()


def test_a_rolled_back_change_wakes_nobody(shared_database):
    url, _ = shared_database
    listener = Listener(url)
    try:
        _wait_for(lambda: listener.version() is not None)
        before = listener.version()
        with psycopg.connect(url) as conn:
            conn.execute("INSERT INTO change_log (city_id, post_id, op) VALUES (1, 1, 'delete')")
            conn.rollback()
        _log_a_change(url)  # then one that commits: heard, and alone
        _wait_for(lambda: listener.version() != before)
        assert listener.version() == before + 1  # type: ignore[operator]
    finally:
        listener.close()


def _ids(base_url: str) -> set[int]:
    status, body, _ = call(base_url, MATCH)
    assert status == 200, body
    return {feature["id"] for feature in body["features"]}


def _log_a_change(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO change_log (city_id, post_id, op) VALUES (1, 1, 'delete')")


def _wait_for(condition) -> None:
    deadline = time.monotonic() + HEARD_WITHIN_S
    while not condition():
        assert time.monotonic() < deadline, f"not within {HEARD_WITHIN_S} s"
        time.sleep(0.02)
