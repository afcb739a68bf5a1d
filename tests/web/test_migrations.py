"""Versioned migrations: an old database is brought to the latest schema, keeping its rows."""

import sqlite3

import pytest

from tests.web.conftest import BOUNDARY, CATEGORIES, make_app
from web import store as stores

pytestmark = pytest.mark.sqlite_only  # old SQLite files, migrated


def _database_at_version(path, version):
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    for statements in stores.MIGRATIONS[:version]:
        for statement in statements:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.close()


def test_a_first_version_database_migrates_and_keeps_its_posts(tmp_path):
    path = tmp_path / "old.sqlite"
    _database_at_version(path, 1)
    old = stores.Store(path)
    old.conn.execute(
        "CREATE TABLE IF NOT EXISTS ratelimit.buckets (key TEXT PRIMARY KEY,"
        " window_start REAL NOT NULL, count INTEGER NOT NULL)"
    )
    city_id = old.create_city("grenoble", "Grenoble", BOUNDARY, CATEGORIES)
    account_id = old.conn.execute(
        "INSERT INTO accounts (city_id, email, display_name, created_at) VALUES (?, ?, ?, 0)",
        (city_id, "old@example.org", "Old"),
    ).lastrowid
    old.conn.execute(
        "INSERT INTO posts (city_id, account_id, kind, category, title, lat, lon, precision,"
        " public_lat, public_lon, status, created_at, updated_at, expires_at) VALUES"
        " (?, ?, 'offer', 'shopping', 'ancien', 45.1885, 5.7245, 'building', 45.1885, 5.7245,"
        " 'published', 1, 1, 9e9)",
        (city_id, account_id),
    )
    old.close()
    app = make_app(path)  # migrates
    assert stores.Store(path).schema_version() == len(stores.MIGRATIONS)
    response = app.test_client().get(
        "/api/v1/grenoble/match", query_string={"lat": 45.1885, "lon": 5.7245}
    )
    assert [f["properties"]["title"] for f in response.json["features"]] == ["ancien"]


def test_migrating_twice_changes_nothing(tmp_path):
    path = tmp_path / "twice.sqlite"
    assert stores.migrate(path) == stores.migrate(path) == len(stores.MIGRATIONS)
