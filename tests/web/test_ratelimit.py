"""Rate limits: shared through SQLite by every process, 429 with Retry-After."""

from tests.web.conftest import CENTRE, add_city, make_app, new_database, sign_up

MATCH = {"lat": CENTRE[0], "lon": CENTRE[1]}


def test_anonymous_searches_are_limited_per_ip_with_retry_after(request, tmp_path):
    database = new_database(request, tmp_path)
    settings = {"RATE_LIMITS_ENABLED": True, "RATE_LIMIT_SEARCH": "3/60"}
    add_city(database)
    first, second = make_app(database, **settings), make_app(database, **settings)
    statuses = [
        app.test_client().get("/api/v1/grenoble/match", query_string=MATCH).status_code
        for app in (first, second, first, second)
    ]
    # Two app instances (as two workers) share the counter: the 4th search is over.
    assert statuses == [200, 200, 200, 429]
    response = second.test_client().get("/api/v1/grenoble/match", query_string=MATCH)
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    other_ip = first.test_client().get(
        "/api/v1/grenoble/match", query_string=MATCH, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other_ip.status_code == 200


def test_logged_in_searches_are_not_limited_but_writes_are(request, tmp_path):
    database = new_database(request, tmp_path)
    add_city(database)
    app = make_app(
        database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_SEARCH="1/60", RATE_LIMIT_WRITE="2/60"
    )
    alice = sign_up(app)
    for _ in range(3):
        assert alice.get("/api/v1/grenoble/match", query_string=MATCH).status_code == 200
    body = {"kind": "offer", "category": "shopping", "title": "t", **MATCH}
    statuses = [alice.post("/api/v1/grenoble/posts", body).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_login_attempts_are_limited(request, tmp_path):
    database = new_database(request, tmp_path)
    add_city(database)
    app = make_app(database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_LOGIN="2/60")
    client = app.test_client()
    wrong = {"email": "x@example.org", "password": "wrong password"}
    statuses = [client.post("/api/v1/session", json=wrong).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_old_counters_are_forgotten(request, tmp_path, monkeypatch):
    from web.http import ratelimit
    from web.store import Store

    database = new_database(request, tmp_path)
    add_city(database)
    app = make_app(database, RATE_LIMITS_ENABLED=True)
    store = Store(database)
    store.hit("search:203.0.113.7", 60, 1000.0)  # a client seen once, long ago
    monkeypatch.setattr(ratelimit, "FORGET_EVERY", 1)
    app.test_client().get("/api/v1/grenoble/match", query_string=MATCH)
    keys = [row[0] for row in store.execute("SELECT key FROM ratelimit.buckets")]
    assert keys == ["search:127.0.0.1"]
    store.close()
