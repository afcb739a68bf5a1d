"""Keyset cursors of /match: signed with the app's key, exact types, 422 otherwise."""

import base64
import hashlib
import json

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings
from itsdangerous import URLSafeSerializer

from tests.web.conftest import add_city, make_app, new_database, sign_up
from web.http import cursor

MATCH = "/api/v1/grenoble/match"
QUERY = {"lat": "45.1885", "lon": "5.7245", "limit": "1"}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def paged(request, tmp_path_factory):
    """An app with two posts and a real next cursor of the one-post first page."""
    database = new_database(request, tmp_path_factory.mktemp("cursor"), "cursor")
    app = make_app(database)
    add_city(database)
    alice = sign_up(app)
    alice.create_post(title="first")
    alice.create_post(title="second")
    next_cursor = app.test_client().get(MATCH, query_string=QUERY).json["next_cursor"]
    return app, next_cursor


def signed(app, payload) -> str:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=cursor.SALT).dumps(payload)


def test_a_cursor_forged_with_the_public_fingerprint_is_refused(paged):
    app, _ = paged
    # What a client could compute before: the unkeyed hash of the query, and any values.
    parts = ["grenoble", 45.1885, 5.7245, 250.0, [], None, False]
    fingerprint = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]
    forged = base64.urlsafe_b64encode(json.dumps([True, True, fingerprint]).encode()).decode()
    response = app.test_client().get(MATCH, query_string={**QUERY, "cursor": forged})
    assert response.status_code == 422
    assert response.json["errors"][0]["param"] == "cursor"


@pytest.mark.parametrize(
    "created_at, post_id",
    [
        (True, True),  # booleans are no numbers here
        (1.0, 1.5),  # an id is an integer
        ("1", 1),
        (1.0, 2**63),  # beyond SQLite's ids
        (None, 1),
    ],
)
def test_a_signed_cursor_of_the_wrong_types_is_refused(paged, created_at, post_id):
    app, next_cursor = paged
    fingerprint = URLSafeSerializer(app.config["SECRET_KEY"], salt=cursor.SALT).loads(next_cursor)[
        2
    ]
    forged = signed(app, [created_at, post_id, fingerprint])
    response = app.test_client().get(MATCH, query_string={**QUERY, "cursor": forged})
    assert response.status_code == 422
    assert response.json["errors"][0]["param"] == "cursor"


def test_the_cursor_given_walks_on(paged):
    app, next_cursor = paged
    response = app.test_client().get(MATCH, query_string={**QUERY, "cursor": next_cursor})
    assert response.status_code == 200
    assert [f["properties"]["title"] for f in response.json["features"]] == ["first"]


@given(
    text=st.text(max_size=300),
    payload=JSON,
    values=st.tuples(JSON, JSON),
    sign=st.sampled_from(["text", "payload", "values"]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_cursor_gives_a_500(paged, text, payload, values, sign):
    app, next_cursor = paged
    fingerprint = URLSafeSerializer(app.config["SECRET_KEY"], salt=cursor.SALT).loads(next_cursor)[
        2
    ]
    candidate = {
        "text": text,
        "payload": signed(app, payload),
        "values": signed(app, [*values, fingerprint]),
    }[sign]
    response = app.test_client().get(MATCH, query_string={**QUERY, "cursor": candidate})
    assert response.status_code in (200, 422), response.json
