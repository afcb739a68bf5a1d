"""The CLI: flask --app web init-db | city | user | token | import-addresses | demo."""

import time

import pytest

from tests.web.conftest import ADDRESSES, DATA, add_city, make_app, sql
from web.store import MIGRATIONS, Store


@pytest.fixture
def bare_runner(database):
    """A runner on an app with no city yet."""
    return make_app(database).test_cli_runner()


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def test_init_db_reports_the_schema_version(bare_runner):
    version = f"schema version {len(MIGRATIONS)}"
    assert version in _ok(bare_runner.invoke(args=["init-db"]))


def test_city_user_token_lifecycle(bare_runner, database):
    boundary = str(DATA / "grenoble-boundary.geojson")
    _ok(
        bare_runner.invoke(
            args=["city", "create", "grenoble", "--name", "Grenoble", "--boundary", boundary]
        )
    )
    again = bare_runner.invoke(
        args=["city", "create", "grenoble", "--name", "G", "--boundary", boundary]
    )
    assert again.exit_code != 0 and "exists" in again.output
    _ok(
        bare_runner.invoke(
            args=[
                "user",
                "create",
                "mod@example.org",
                "--city",
                "grenoble",
                "--role",
                "moderator",
                "--password-stdin",
            ],
            input="a long enough password\n",
        )
    )
    short = bare_runner.invoke(
        args=["user", "create", "x@example.org", "--city", "grenoble", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "10 characters" in short.output
    created = bare_runner.invoke(args=["token", "create", "mod@example.org"])
    assert created.exit_code == 0
    token = created.stdout.strip()
    assert token.startswith("vsn_") and "\n" not in token  # the token alone on stdout
    app = make_app(database)
    client = app.test_client()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["role"] == "moderator"
    token_id = Store(database).tokens(me.json["id"])[0]["id"]
    _ok(bare_runner.invoke(args=["token", "revoke", str(token_id)]))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert bare_runner.invoke(args=["token", "revoke", str(token_id)]).exit_code != 0


@pytest.mark.parametrize("slug", ["me", "health", "session", "static", "Grenoble", "a b", "x_y"])
def test_city_create_refuses_slugs_that_would_shadow_paths_or_break_urls(bare_runner, slug):
    boundary = str(DATA / "grenoble-boundary.geojson")
    result = bare_runner.invoke(
        args=["city", "create", slug, "--name", "X", "--boundary", boundary]
    )
    assert result.exit_code != 0 and "cannot be a city slug" in result.output


def test_city_create_refuses_a_bad_boundary(bare_runner, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Point", "coordinates": [5, 45]}', encoding="utf-8")
    result = bare_runner.invoke(args=["city", "create", "x", "--name", "X", "--boundary", str(bad)])
    assert result.exit_code != 0 and "Polygon" in result.output
    not_json = tmp_path / "not.geojson"
    not_json.write_text("{oops", encoding="utf-8")
    result = bare_runner.invoke(
        args=["city", "create", "x", "--name", "X", "--boundary", str(not_json)]
    )
    assert result.exit_code != 0 and "not.geojson" in result.output


def test_import_addresses(bare_runner, database):
    boundary = str(DATA / "grenoble-boundary.geojson")
    _ok(
        bare_runner.invoke(
            args=["city", "create", "grenoble", "--name", "Grenoble", "--boundary", boundary]
        )
    )
    assert "imported 436 addresses" in _ok(
        bare_runner.invoke(args=["import-addresses", str(ADDRESSES), "--city", "grenoble"])
    )
    missing_city = bare_runner.invoke(args=["import-addresses", str(ADDRESSES), "--city", "nope"])
    assert missing_city.exit_code != 0 and "no city" in missing_city.output


def test_demo_builds_a_city_once(bare_runner, database):
    output = _ok(bare_runner.invoke(args=["demo", "--posts", "200"]))
    assert "200" in output or "203" in output
    assert "exists" in _ok(bare_runner.invoke(args=["demo", "--if-absent"]))
    assert bare_runner.invoke(args=["demo"]).exit_code != 0
    client = make_app(database).test_client()
    login = client.post(
        "/api/v1/session", json={"email": "demo@voisinage.test", "password": "demo-password-1"}
    )
    assert login.status_code == 200
    match = client.get(
        "/api/v1/grenoble/match",
        query_string={"lat": 45.1885, "lon": 5.7245, "scale": "district", "limit": "100"},
    )
    features = match.json["features"]
    assert len(features) >= 20
    assert {f["properties"]["poster_type"] for f in features} >= {"individual"}
    titles = {f["properties"]["title"] for f in features}
    assert len(titles) > 10
    mine = client.get("/api/v1/grenoble/me/posts").json["posts"]
    assert len(mine) == 3
    assert len(client.get("/api/v1/me/connections").json["incoming"]) == 1


def test_bulk_posts_are_inserted_in_chunks_each_post_logged_once(database):
    """The demo's insert: one transaction per chunk, every post in the change log (the
    indexes of a running server follow it)."""
    city_id = add_city(database)
    store = Store(database)
    try:
        account_id = store.create_account(city_id, email="bulk@example.org", display_name="B")
        now = time.time()
        row = {"account_id": account_id, "kind": "offer", "category": "shopping", "body": "",
               "lat": 45.19, "lon": 5.72, "precision": "street", "public_lat": 45.19,
               "public_lon": 5.72, "status": "published", "created_at": now,
               "updated_at": now, "expires_at": now + 86_400}  # fmt: skip
        rows = ({**row, "title": f"Post {n}"} for n in range(5))
        assert store.create_posts(city_id, rows, chunk=2) == 5
    finally:
        store.close()
    posts = sql(database, "SELECT id, title FROM posts WHERE city_id = ? ORDER BY id", (city_id,))
    assert [title for _, title in posts] == [f"Post {n}" for n in range(5)]
    logged = sql(database, "SELECT post_id, op FROM change_log WHERE city_id = ? ORDER BY seq",
                 (city_id,))  # fmt: skip
    assert logged == [(post_id, "upsert") for post_id, _ in posts]
    # alerts were caught up: the bulk posts are not news to alert anyone of
    assert sql(database, "SELECT last_seq FROM alert_progress") == sql(
        database, "SELECT MAX(seq) FROM change_log"
    )
