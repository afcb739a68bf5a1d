"""Fixtures: ``app``, ``client``, ``runner`` on a fresh temporary database holding the city
``grenoble`` (shipped boundary, categories and BAN sample), and helpers to sign up and post.

The store is SQLite (a file in the test's folder) or, with ``--store=postgresql`` (or
``VOISINAGE_TEST_STORE=postgresql``), a fresh database of the session's throwaway
PostgreSQL cluster (tests/postgres.py); ``database`` is then its URL."""

import itertools
import json
import re
import sqlite3
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.postgres import postgres_cluster  # noqa: F401
from web import create_app
from web.services import geocode
from web.store import Store, migrate
from web.store.postgres import close_pools
from web.testing import free_port

DATA = Path(__file__).resolve().parents[2] / "data"
BOUNDARY = json.loads((DATA / "grenoble-boundary.geojson").read_text(encoding="utf-8"))
CATEGORIES = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))
ADDRESSES = DATA / "ban-38-grenoble-sample.csv"

# Places inside the boundary, and one outside (Lyon).
CENTRE = (45.1885, 5.7245)
INSIDE = (45.1930, 5.7310)
LYON = (45.7640, 4.8357)
PASSWORD = "correct horse battery"


def make_app(database: Path, **settings):
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(database),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH": "fast",
            "RATE_LIMITS_ENABLED": False,
            "BASE_URL": "http://localhost",  # the test client's host, whatever the shell says
            **settings,
        }
    )


def add_city(database: Path, slug: str = "grenoble", premoderation: bool = False) -> int:
    store = Store(database)
    try:
        store.migrate()
        city_id = store.create_city(
            slug, slug.title(), BOUNDARY, CATEGORIES, premoderation=premoderation
        )
        geocode.import_ban(store, city_id, ADDRESSES)
        return city_id
    finally:
        store.close()


def on_postgres(request) -> bool:
    return request.config.getoption("--store") == "postgresql"


def new_database(request, folder: Path, name: str = "voisinage"):
    """A new empty store: an SQLite file in ``folder``, or a PostgreSQL database's URL
    (emptied for another test at the end of the requesting test or module)."""
    if not on_postgres(request):
        return folder / f"{name}.sqlite"
    return postgres_url(request)


def migrated_template(cluster) -> str:
    """A database at the latest schema, copied for each new test database (a copy takes a
    tenth of the time the migrations take)."""
    if getattr(cluster, "migrated", None) is None:
        url = cluster.create_database()
        migrate(url)
        close_pools(url)
        cluster.migrated = url.rsplit("/", 1)[1]
    return cluster.migrated


_emptied: list[str] = []  # migrated test databases with no row, ready for the next test
_uses = itertools.count()


def postgres_url(request) -> str:
    """An empty migrated PostgreSQL database, emptied again when ``request`` ends: creating
    and dropping a database costs 0.6 s, emptying one 20 ms."""
    cluster = request.getfixturevalue("postgres_cluster")
    database = _emptied.pop() if _emptied else None
    if database is None:
        database = cluster.create_database(template=migrated_template(cluster))
    # A URL of its own for each use: no connection kept by a thread is ever reused.
    url = f"{database}?application_name=test_{next(_uses)}"

    def give_back() -> None:
        close_pools(url)
        try:
            empty(database)
        except psycopg.Error:  # a test changed more than rows: never reused
            cluster.drop_database(database)
        else:
            _emptied.append(database)

    request.addfinalizer(give_back)
    return url


def empty(url: str) -> None:
    """Back to the state the migrations left: no row but the alert progress, ids from 1,
    no connection left (triggers off meanwhile: the audit logs refuse deletion)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        tables = conn.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables"
            " WHERE schemaname IN ('public', 'ratelimit')"
            " AND tablename NOT IN ('spatial_ref_sys', 'schema_version')"
        ).fetchall()
        sequences = conn.execute("SELECT schemaname || '.' || sequencename FROM pg_sequences")
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            for (table,) in tables:
                conn.execute(f"DELETE FROM {table}")
            for (sequence,) in sequences.fetchall():
                conn.execute(f"ALTER SEQUENCE {sequence} RESTART")
            conn.execute("INSERT INTO alert_progress (id, last_seq) VALUES (1, 0)")


@pytest.fixture
def postgres_database(request) -> str:
    """A fresh PostgreSQL database's URL, whatever ``--store`` says."""
    return postgres_url(request)


@pytest.fixture
def database(request, tmp_path: Path):
    return new_database(request, tmp_path)


@pytest.fixture
def app(database: Path):
    app = make_app(database)
    add_city(database)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Session:
    """A logged-in test client with its CSRF token."""

    def __init__(self, client, csrf: str, account: dict):
        self.client = client
        self.csrf = csrf
        self.account = account

    def _send(self, method: str, path: str, body=None, **kwargs):
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, json=body, headers=headers, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self._send("POST", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self._send("PATCH", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self._send("PUT", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self._send("DELETE", path, **kwargs)

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def create_post(self, **fields):
        body = {
            "kind": "offer",
            "category": "shopping",
            "title": "Courses le samedi",
            "lat": CENTRE[0],
            "lon": CENTRE[1],
            **fields,
        }
        if "address" in fields and "lat" not in fields:
            del body["lat"], body["lon"]
        response = self.post("/api/v1/grenoble/posts", body)
        assert response.status_code == 201, response.json
        return response.json


def mailed_token(database, email: str) -> str:
    """The token of the last link mailed to ``email`` (read from the outbox, as the person
    would read the mail)."""
    store = Store(database)
    try:
        (body,) = store.execute(
            "SELECT body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1", (email,)
        ).fetchone()
    finally:
        store.close()
    found = re.search(r"#token=([\w-]+)", body)
    if found is None:  # sent: the outbox forgot the token, the mail has it
        mail = [m for sink in SINKS for m in sink.messages if m["To"] == email][-1]
        found = re.search(r"#token=([\w-]+)", mail.get_content())
    return found.group(1)


def forget_mail(database, sink=None) -> None:
    """Forget the mail so far (the sign-up links, read by ``sign_up``): a test then sees
    only the mail its own steps send."""
    store = Store(database)
    try:
        store.execute("DELETE FROM outbox")
    finally:
        store.close()
    if sink is not None:
        sink.messages.clear()


def sign_up(app, email: str = "alice@example.org", **fields) -> Session:
    """A new account on its own test client (own cookie jar), confirmed through the link
    mailed to it, and so logged in."""
    client = app.test_client()
    body = {
        "email": email,
        "password": PASSWORD,
        "display_name": email.split("@")[0],
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        **fields,
    }
    response = client.post("/api/v1/grenoble/accounts", json=body)
    assert response.status_code == 202, response.json
    token = mailed_token(app.config["DATABASE"], email)
    response = client.post("/api/v1/accounts/confirm", json={"token": token})
    assert response.status_code == 200, response.json
    return Session(client, response.json["csrf_token"], response.json["account"])


@pytest.fixture
def alice(app) -> Session:
    return sign_up(
        app,
        "alice@example.org",
        consent={"share_email": True, "share_phone": True},
        phone="06 12 34 56 78",
    )


@pytest.fixture
def bob(app) -> Session:
    return sign_up(
        app,
        "bob@example.org",
        consent={"share_email": False, "share_phone": True},
        phone="07 00 00 00 01",
    )


def set_role(database: Path, email: str, role: str) -> None:
    store = Store(database)
    try:
        store.update_account(store.account_by_email(email)["id"], role=role)
    finally:
        store.close()


def make_moderator(database: Path, email: str) -> None:
    set_role(database, email, "moderator")


def verified_organisation(app, email: str = "asso@example.org", **fields) -> Session:
    """An association that signed up and that the city approved (as the moderation API
    does, without its notice: tests/web/test_verification.py tests that)."""
    session = sign_up(app, email, poster_type="association", **fields)
    store = Store(app.config["DATABASE"])
    try:
        store.update_account(session.account["id"], role="association", verification="approved")
    finally:
        store.close()
    return session


@pytest.fixture(scope="module")
def oracle_app(request, tmp_path_factory):
    """One app for many hypothesis examples (each makes its own city): ``(app, database)``."""
    database = new_database(request, tmp_path_factory.mktemp("oracle"), "oracle")
    return make_app(database), database


SINKS: list["Sink"] = []  # every sink, for mailed_token once a link's mail was sent


class Sink:
    """A local SMTP server's inbox: every message it accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        SINKS.append(self)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


# What a trigger refusing a change raises, in either store.
REFUSED = (sqlite3.IntegrityError, psycopg.Error)


def sql(database, statement: str, params=()) -> list[tuple]:
    """Run one statement on the test's store, outside the app (autocommitted); its rows."""
    store = Store(database)
    try:
        return [tuple(row) for row in store.execute(statement, params).fetchall()]
    finally:
        store.close()
