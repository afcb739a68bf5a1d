"""The app factory: settings, the persisted secret key, health, OpenAPI, overload."""

import sqlite3
import subprocess
import sys

import pytest

from tests.web.conftest import CENTRE, make_app, sign_up
from web import create_app, store


def test_a_missing_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("VOISINAGE_SECRET_KEY", raising=False)
    settings = {"DATABASE": str(tmp_path / "k.sqlite"), "INSTANCE_PATH": str(tmp_path / "inst")}
    first, second = create_app(settings), create_app(settings)
    key_file = tmp_path / "inst" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 40
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    other = create_app({**settings, "INSTANCE_PATH": str(tmp_path / "other")})
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VOISINAGE_DATABASE", str(tmp_path / "env.sqlite"))
    monkeypatch.setenv("VOISINAGE_SECRET_KEY", "from-env")
    monkeypatch.setenv("VOISINAGE_RATE_LIMITS_ENABLED", "0")
    monkeypatch.setenv("VOISINAGE_MAX_CONTENT_LENGTH", "1024")
    app = create_app()
    assert app.config["DATABASE"] == str(tmp_path / "env.sqlite")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["RATE_LIMITS_ENABLED"] is False
    assert app.config["MAX_CONTENT_LENGTH"] == 1024
    assert app.config["SESSION_COOKIE_SECURE"] is True  # secure by default
    assert (tmp_path / "env.sqlite").exists()


@pytest.mark.sqlite_only
def test_database_runs_in_wal_mode_with_the_latest_schema(app, database):
    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
    connection.close()


def test_health_and_openapi(client):
    assert client.get("/api/v1/health").json == {
        "status": "ok",
        "schema_version": len(store.MIGRATIONS),
    }
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    match = document["paths"]["/api/v1/{city}/match"]["get"]
    names = {p["name"] for p in match["parameters"]}
    assert names == {
        "city",
        "lat",
        "lon",
        "address",
        "radius",
        "scale",
        "category",
        "kind",
        "limit",
        "cursor",
    }
    assert "application/geo+json" in match["responses"]["200"]["content"]


def test_city_and_categories(client):
    city = client.get("/api/v1/grenoble").json
    assert city["slug"] == "grenoble" and city["languages"] == ["fr", "en"]
    assert city["boundary"]["type"] == "Polygon"
    lat, lon = city["center"]
    assert 45.1 < lat < 45.25 and 5.6 < lon < 5.85
    categories = client.get("/api/v1/grenoble/categories").json["categories"]
    assert {c["slug"] for c in categories if c["remote"]} == {"conversation", "it-admin"}
    assert client.get("/api/v1/nowhere/categories").status_code == 404


def test_stats_count_posts_and_withhold_counts_under_five(alice, bob, client):
    post = alice.create_post(kind="request", category="transport")
    for _ in range(5):
        alice.create_post()
    bob.post(f"/api/v1/grenoble/posts/{post['id']}/contact", {"message": "un message secret"})
    stats = client.get("/api/v1/grenoble/stats").json
    assert stats == {"posts": [{"category": "shopping", "kind": "offer", "posts": 5}]}


@pytest.mark.sqlite_only  # SQLite's busy timeout
def test_a_locked_database_answers_503_with_retry_after(app, database, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)  # before the first connection opens
    alice = sign_up(app)
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = alice.post(
            "/api/v1/grenoble/posts",
            {
                "kind": "offer",
                "category": "shopping",
                "title": "t",
                "lat": CENTRE[0],
                "lon": CENTRE[1],
            },
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"


def test_the_console_script_runs_the_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from web.cli import main; main()", "init-db"],
        env={
            "VOISINAGE_DATABASE": str(tmp_path / "cli.sqlite"),
            "VOISINAGE_SECRET_KEY": "k",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"schema version {len(store.MIGRATIONS)}" in result.stdout


def test_pages_and_other_paths_keep_their_own_errors(client):
    response = client.get("/static/no-such-file.css")
    assert response.status_code == 404
    assert response.content_type != "application/problem+json"


def test_make_app_fixture_uses_the_temporary_database(app, database):
    assert app.config["DATABASE"] == str(database)
    assert make_app(database).config["TESTING"] is True


def test_personal_answers_are_not_cached(alice, client):
    assert alice.get("/api/v1/me").headers["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in client.get("/api/v1/grenoble/categories").headers
    assert "Cookie" in client.get("/api/v1/grenoble/categories").headers["Vary"]


def test_behind_a_proxy_rate_limits_key_on_the_forwarded_client(tmp_path):
    from tests.web.conftest import add_city

    database = tmp_path / "proxy.sqlite"
    add_city(database)
    app = make_app(database, PROXY_HOPS=1, RATE_LIMITS_ENABLED=True, RATE_LIMIT_SEARCH="1/60")
    client = app.test_client()
    match = {"lat": CENTRE[0], "lon": CENTRE[1]}

    def search(ip):
        headers = {"X-Forwarded-For": ip}
        return client.get("/api/v1/grenoble/match", query_string=match, headers=headers)

    assert [search(ip).status_code for ip in ("1.1.1.1", "2.2.2.2", "1.1.1.1")] == [200, 200, 429]
