"""Several real app servers (subprocesses) on one PostgreSQL of the session's throwaway
cluster (tests/postgres.py), whatever ``--store`` says: what only several processes on a
shared store can show (restarts of PostgreSQL, servers seeing each other's writes, cities
spread across servers, a proxy in front)."""

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.postgres import postgres_cluster  # noqa: F401
from tests.web.conftest import CENTRE, add_city, make_app, postgres_url, sign_up

NO_LIMITS = {"VOISINAGE_RATE_LIMITS_ENABLED": "0"}
POST = {"kind": "offer", "category": "shopping", "title": "shared", "lat": CENTRE[0],
        "lon": CENTRE[1]}  # fmt: skip
MATCH = f"/api/v1/grenoble/match?lat={CENTRE[0]}&lon={CENTRE[1]}&limit=100"


@pytest.fixture
def shared_database(request) -> tuple[str, str]:
    """A PostgreSQL database with the city ``grenoble`` and a resident's API token:
    ``(url, token)``."""
    url = postgres_url(request)
    add_city(url)
    resident = sign_up(make_app(url))
    return url, resident.post("/api/v1/me/tokens").json["token"]


def call(
    base_url: str, path: str, token: str | None = None, body: Any = None, method: str = "GET"
) -> tuple[int, Any, dict[str, str]]:
    """``(status, body, headers)`` of one request to a real server."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, _body(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, _body(error.read()), dict(error.headers)


def _body(raw: bytes) -> Any:
    """JSON as data; a page (or nothing) as its text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def matched(base_url: str) -> set[int]:
    """The ids ``/match`` gives at the centre, every page."""
    found: set[int] = set()
    cursor = ""
    while cursor is not None:
        status, body, _ = call(base_url, MATCH + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200, body
        found |= {feature["id"] for feature in body["features"]}
        cursor = body["next_cursor"]
    return found
