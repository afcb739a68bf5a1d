"""PostgreSQL going away under a real server: 503 with Retry-After while it is down, never
a 500, nothing acknowledged lost, and the server back to work by itself within seconds."""

import threading
import time

from tests.scaleout.conftest import NO_LIMITS, POST, call, matched
from web import testing

WRITERS = 4
BACK_WITHIN_S = 5.0


def test_an_immediate_restart_under_four_writers_loses_nothing_acknowledged(
    postgres_cluster, shared_database
):
    url, token = shared_database
    process, base_url = testing.start(url, settings=NO_LIMITS)
    answers: list[tuple[float, int, int | None, str | None]] = []  # (sent, status, id, R-A)
    failures: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            sent = time.monotonic()
            try:
                status, body, headers = call(base_url, "/api/v1/grenoble/posts", token, POST,
                                             "POST")  # fmt: skip
            except OSError as error:  # the app server never goes away: none expected
                failures.append(error)
                return
            post_id = body["id"] if status == 201 else None
            answers.append((sent, status, post_id, headers.get("Retry-After")))

    writers = [threading.Thread(target=write) for _ in range(WRITERS)]
    try:
        for writer in writers:
            writer.start()
        _wait_for(lambda: sum(a[1] == 201 for a in answers) >= 20, 60)
        postgres_cluster.restart(mode="immediate")  # a crash, then recovery from the WAL
        back = time.monotonic()
        _wait_for(lambda: sum(a[1] == 201 and a[0] > back for a in answers) >= 20, 30)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        errors = testing.server_errors(process)
        testing.stop(process)
    assert failures == [], errors
    statuses = {a[1] for a in answers}
    assert statuses <= {201, 503}, (statuses, errors)  # never a 500
    assert all(a[3] == "2" for a in answers if a[1] == 503)  # Retry-After on every 503
    first_after = min(a[0] for a in answers if a[1] == 201 and a[0] > back)
    assert first_after - back < BACK_WITHIN_S
    acknowledged = {a[2] for a in answers if a[1] == 201}
    with testing.serve(url, settings=NO_LIMITS) as fresh:
        for post_id in acknowledged:
            assert call(fresh, f"/api/v1/grenoble/posts/{post_id}")[0] == 200, post_id
        assert acknowledged <= matched(fresh)


def test_while_postgresql_is_down_answers_are_503_and_what_memory_holds(
    postgres_cluster, shared_database
):
    url, token = shared_database
    with testing.serve(url, settings=NO_LIMITS) as base_url:
        assert call(base_url, "/api/v1/grenoble/posts", token, POST, "POST")[0] == 201
        postgres_cluster.stop(mode="immediate")
        try:
            for path, method in (("/api/v1/grenoble/posts", "POST"), ("/api/v1/health", "GET"),
                                 ("/api/v1/grenoble/match?lat=45.19&lon=5.72", "GET")):  # fmt: skip
                status, body, headers = call(base_url, path, token, POST if method == "POST"
                                             else None, method)  # fmt: skip
                assert (status, headers.get("Retry-After")) == (503, "2"), (path, body)
                assert body["type"].endswith("/unavailable")
            # The categories come from the index this server holds in memory.
            status, body, _ = call(base_url, "/api/v1/grenoble/categories")
            assert status == 200 and body["categories"]
            status, _, _ = call(base_url, "/grenoble/")  # a page: from memory or 503
            assert status in (200, 503)
        finally:
            postgres_cluster.start()
        _wait_for(lambda: call(base_url, "/api/v1/grenoble/posts", token, POST, "POST")[0]
                  == 201, BACK_WITHIN_S)  # fmt: skip


def _wait_for(condition, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout_s} s"
        time.sleep(0.05)
