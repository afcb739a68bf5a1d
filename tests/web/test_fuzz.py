"""Schemathesis fuzzes the whole API in-process from its own OpenAPI document: no input
gives a 5xx, and every answer conforms to the document (status, media type, schema)."""

import re
import zlib

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.web.conftest import add_city, make_app, new_database, sign_up


@pytest.fixture(scope="module")
def fuzzed_app(request, tmp_path_factory):
    database = new_database(request, tmp_path_factory.mktemp("fuzz"), "fuzz")
    add_city(database)
    app = make_app(database)
    resident = sign_up(app, "fuzz@example.org")
    for i in range(3):
        resident.create_post(title=f"fuzz {i}")
    app.config["FUZZ_TOKEN"] = resident.post("/api/v1/me/tokens").json["token"]
    return app


# Schema-valid is not always acceptable: "lat and lon go together", "unknown category",
# "outside the city" are rules a JSON Schema cannot state; they answer 422 by design.
EXCLUDED = [checks.positive_data_acceptance]


def map_path_parameters(context, path_parameters):
    """Two cases in three use the city that exists (the others only reach the 404)."""
    city = (path_parameters or {}).get("city")
    if city is not None and zlib.crc32(str(city).encode()) % 3:
        return {**path_parameters, "city": "grenoble"}
    return path_parameters


def test_api_conforms_and_never_fails(fuzzed_app):
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)
    api.hook(map_path_parameters)
    headers = {"Authorization": f"Bearer {fuzzed_app.config['FUZZ_TOKEN']}"}
    operations = [result.ok() for result in api.get_all_operations()]
    # Revoking the token or deleting the account would leave later operations unauthenticated.
    last = ["DELETE /api/v1/me/tokens/{token_id}", "DELETE /api/v1/me"]
    operations.sort(key=lambda op: last.index(op.label) + 1 if op.label in last else 0)
    assert len(operations) >= 25
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def fuzz(case):
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

        fuzz()


@given(
    lat=st.floats(45.0, 45.4),
    lon=st.floats(5.5, 5.9),
    radius=st.one_of(st.none(), st.floats(1, 50_000)),
    scale=st.one_of(
        st.none(), st.sampled_from(["building", "street", "neighbourhood", "district"])
    ),
    categories=st.lists(st.sampled_from(["shopping", "conversation", "pet-walking"]), max_size=3),
    kind=st.one_of(st.none(), st.sampled_from(["offer", "request"])),
    limit=st.integers(1, 100),
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_valid_match_queries_answer_within_their_radius(
    fuzzed_app, lat, lon, radius, scale, categories, kind, limit
):
    query = [("lat", lat), ("lon", lon), ("limit", limit)]
    query += [("category", c) for c in categories]
    if radius is not None and scale is None:
        query.append(("radius", radius))
    if scale is not None:
        query.append(("scale", scale))
    if kind is not None:
        query.append(("kind", kind))
    response = fuzzed_app.test_client().get("/api/v1/grenoble/match", query_string=query)
    if response.status_code == 422:  # the box spills over the city: a search from outside
        assert {e["code"] for e in response.json["errors"]} == {"outside_city"}
        return
    assert response.status_code == 200, response.json
    body = response.json
    assert len(body["features"]) <= limit
    for feature in body["features"]:
        properties = feature["properties"]
        if not properties["remote"]:
            assert properties["distance_m"] <= body["query"]["radius_m"] + 5
        if kind:
            assert properties["kind"] == kind
        if categories:
            assert properties["category"] in categories


BODIES = [None, b"", b"{", b"[]", b'{"a": 1}', b"\x00\xff", b'"' + b"x" * 5000 + b'"']
_VARIABLE = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>")


def _concrete_paths(rule: str) -> list[str]:
    """The rule with its variables filled with edge values (ids 1, 0 and beyond 64 bits;
    an existing city, an unknown one, a non-ASCII one)."""

    def value(match, case):
        converter, arguments = match.group(1), match.group(2)
        if converter == "int":
            return ["1", "0", str(2**70)][case]
        if converter == "any":
            choices = [choice.strip() for choice in arguments.split(",")]
            return choices[case % len(choices)]
        return ["grenoble", "zz", "%C3%A9"][case]

    return [_VARIABLE.sub(lambda m, case=case: value(m, case), rule) for case in range(3)]


def test_every_api_route_survives_garbage(fuzzed_app):
    """Routes the OpenAPI document may not describe (yet) are still never a 5xx: every
    method, path values at the edges, bodies no schema wants, with and without a token."""
    client = fuzzed_app.test_client()
    token = {"Authorization": f"Bearer {fuzzed_app.config['FUZZ_TOKEN']}"}
    rules = [rule for rule in fuzzed_app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert len(rules) >= 25
    failures = []
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for number, path in enumerate(_concrete_paths(rule.rule)):
                for headers, body in [({}, BODIES[number]), (token, BODIES[number + 3])]:
                    response = client.open(
                        path,
                        method=method,
                        data=body,
                        headers=headers,
                        content_type="application/json",
                    )
                    if response.status_code >= 500:
                        failures.append((method, path, body, response.status_code))
    assert failures == []
