"""Fixtures: ``app``, ``client``, ``runner`` on a fresh temporary database holding the city
``grenoble`` (shipped boundary, categories and BAN sample), and helpers to sign up and post."""

import json
import re
import sqlite3
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from web import create_app
from web.services import geocode
from web.store import Store
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


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "voisinage.sqlite"


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
    conn = sqlite3.connect(database)
    try:
        (body,) = conn.execute(
            "SELECT body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1", (email,)
        ).fetchone()
    finally:
        conn.close()
    found = re.search(r"#token=([\w-]+)", body)
    if found is None:  # sent: the outbox forgot the token, the mail has it
        mail = [m for sink in SINKS for m in sink.messages if m["To"] == email][-1]
        found = re.search(r"#token=([\w-]+)", mail.get_content())
    return found.group(1)


def forget_mail(database, sink=None) -> None:
    """Forget the mail so far (the sign-up links, read by ``sign_up``): a test then sees
    only the mail its own steps send."""
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("DELETE FROM outbox")
    conn.close()
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
def oracle_app(tmp_path_factory):
    """One app for many hypothesis examples (each makes its own city): ``(app, database)``."""
    database = tmp_path_factory.mktemp("oracle") / "oracle.sqlite"
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
