# ruff: noqa: E501  (a table of requests reads best one per line)
"""Every problem answer carries stable machine codes from the documented enum: on the
problem and on each of its ``errors``; the pages translate from ``param`` + ``code``."""

import pytest

from tests.web.conftest import LYON, add_city, make_app
from web.http.problems import ERROR_CODES, Problem, invalid

M = "/api/v1/grenoble/match"

# (method, path, JSON body or query, the expected problem code, {param: code} expected)
ANONYMOUS = [
    ("GET", M, {}, "required", {"lat": "required"}),
    ("GET", M, {"lat": "x", "lon": 5.72}, "invalid_format", {"lat": "invalid_format"}),
    ("GET", M, {"lat": 91, "lon": 5.72}, "out_of_range", {"lat": "out_of_range"}),
    ("GET", M, {"lat": 45.19, "lon": 5.72, "radius": 0}, "out_of_range", {"radius": "out_of_range"}),
    ("GET", M, {"lat": 45.19, "lon": 5.72, "kind": "gift"}, "not_allowed_value", {"kind": "not_allowed_value"}),
    ("GET", M, {"lat": 45.19}, "required", {"lon": "required"}),
    ("GET", M, {"lat": 45.19, "lon": 5.72, "address": "x"}, "mutually_exclusive", {"address": "mutually_exclusive"}),
    ("GET", M, {"lat": 45.19, "lon": 5.72, "radius": 9, "scale": "street"}, "mutually_exclusive", {"scale": "mutually_exclusive"}),
    ("GET", M, {"lat": LYON[0], "lon": LYON[1]}, "outside_city", {"lat": "outside_city", "lon": "outside_city"}),
    ("GET", M, {"address": "999 rue qui n'existe pas"}, "not_found", {"address": "not_found"}),
    ("GET", M, {"lat": 45.19, "lon": 5.72, "category": "nope"}, "not_allowed_value", {"category": "not_allowed_value"}),
    ("GET", M, {"lat": 45.19, "lon": 5.72, "cursor": "zzz"}, "invalid_format", {"cursor": "invalid_format"}),
    ("GET", "/api/v1/grenoble/posts", {"bbox": "1,2"}, "invalid_format", {"bbox": "invalid_format"}),
    ("GET", "/api/v1/grenoble/posts", {"bbox": "0,0,200,1"}, "out_of_range", {"bbox": "out_of_range"}),
    ("GET", "/api/v1/nowhere/match", {"lat": 45.19, "lon": 5.72}, "not_found", {"city": "not_found"}),
    ("GET", "/api/v1/grenoble/posts/999999", None, "not_found", {"post_id": "not_found"}),
    ("GET", "/api/v1/no/such/path", None, "not_found", {}),
    ("DELETE", "/api/v1/grenoble/categories", None, "method_not_allowed", {}),
    ("GET", "/api/v1/me/connections", None, "unauthorized", {}),
    ("POST", "/api/v1/session", {"email": "a@example.org"}, "required", {"password": "required"}),
    ("POST", "/api/v1/session", {"email": "a@example.org", "password": "wrong one!", "x": 1}, "unknown_parameter", {"x": "unknown_parameter"}),
    ("POST", "/api/v1/session", {"email": "a@example.org", "password": "wrong password"}, "wrong_credentials", {"password": "wrong_credentials"}),
    ("POST", "/api/v1/grenoble/accounts", {"email": "nope", "password": "short", "display_name": "x" * 81}, "invalid_format", {"email": "invalid_format", "password": "too_short", "display_name": "too_long"}),
    ("POST", "/api/v1/accounts/confirm", {"token": "not-a-token-we-made"}, "expired", {"token": "expired"}),
]  # fmt: skip


def _check(answer, problem_code, param_codes):
    assert answer.mimetype == "application/problem+json", answer.data
    body = answer.json
    assert body["code"] in ERROR_CODES and body["code"] == problem_code, body
    assert {e["param"]: e["code"] for e in body.get("errors", [])} == param_codes, body
    assert all(e["code"] in ERROR_CODES for e in body.get("errors", []))


@pytest.mark.parametrize(("method", "path", "data", "problem_code", "param_codes"), ANONYMOUS)
def test_each_bad_request_has_its_code(client, method, path, data, problem_code, param_codes):
    if method == "GET":
        answer = client.get(path, query_string=data)
    else:
        answer = client.open(path, method=method, json=data)
    _check(answer, problem_code, param_codes)


def test_an_account_s_errors_have_their_codes(app, alice, bob):
    post = alice.create_post()
    contact = f"/api/v1/grenoble/posts/{post['id']}/contact"
    _check(alice.post(contact, {"message": "moi"}), "conflict", {"post_id": "conflict"})
    assert bob.post(contact, {"message": "bonjour"}).status_code == 201
    again = bob.post(contact, {"message": "bonjour"})
    _check(again, "already_requested", {"post_id": "already_requested"})
    _check(
        alice.post("/api/v1/grenoble/posts", {"kind": "offer", "category": "shopping"}),
        "required",
        {"title": "required"},
    )
    far = {"kind": "offer", "category": "shopping", "title": "Loin", "lat": LYON[0], "lon": LYON[1]}
    _check(
        alice.post("/api/v1/grenoble/posts", far),
        "outside_city",
        {"lat": "outside_city", "lon": "outside_city"},
    )
    forged = bob.client.post("/api/v1/grenoble/posts", json={"kind": "offer"})
    _check(forged, "forbidden", {"X-CSRF-Token": "forbidden"})
    report = f"/api/v1/grenoble/posts/{post['id']}/reports"
    assert bob.post(report, {"reason": "pub"}).status_code == 201
    _check(bob.post(report, {"reason": "pub"}), "already_exists", {"post_id": "already_exists"})
    _check(
        alice.post("/api/v1/grenoble/missions", {"starts_at": "demain"}),
        "forbidden",
        {},
    )


def test_the_rate_limit_has_its_code(database):
    add_city(database)
    app = make_app(database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_LOGIN="2/60")
    client = app.test_client()
    body = {"email": "a@example.org", "password": "wrong password"}
    answers = [client.post("/api/v1/session", json=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    _check(answers[-1], "too_many_requests", {})
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_the_openapi_document_lists_the_codes(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert tuple(schemas["ProblemError"]["properties"]["code"]["enum"]) == ERROR_CODES
    assert tuple(schemas["ProblemDetails"]["properties"]["code"]["enum"]) == ERROR_CODES


def test_a_new_problem_without_code_gets_its_status_s(app):
    assert Problem(409, "Conflict", "x", [("post_id", "x")]).errors == [
        ("post_id", "x", "conflict")
    ]
    assert Problem(404, "Not found").code == "not_found"
    assert invalid("radius", "bad").errors == [("radius", "bad", "invalid")]
    assert Problem(422, "Invalid", "x", [("a", "x", "too_long"), ("b", "y")]).code == "too_long"
