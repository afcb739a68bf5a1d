"""``VOISINAGE_CITIES``: a server indexes the cities it serves, and answers 421 (problem+json,
``misdirected-request``) for any other, on the API and the pages alike (issue 18)."""

import pytest

from tests.web.conftest import CENTRE, add_city, make_app
from web import indexes

MISDIRECTED = "https://voisinage.example/problems/misdirected-request"


@pytest.fixture
def two_cities(database):
    add_city(database, "grenoble")
    add_city(database, "marseille")
    return database


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/marseille"),
        ("GET", "/api/v1/marseille/categories"),
        ("GET", f"/api/v1/marseille/match?lat={CENTRE[0]}&lon={CENTRE[1]}"),
        ("POST", "/api/v1/marseille/posts"),
        ("GET", "/marseille/"),  # a page
        ("GET", "/marseille/login"),
        ("GET", "/api/v1/lyon"),  # no such city: not this server's either
        ("GET", "/lyon/"),
    ],
)
def test_a_city_served_elsewhere_is_421(two_cities, method, path):
    client = make_app(two_cities, CITIES="grenoble").test_client()
    answer = client.open(path, method=method, json={} if method == "POST" else None)
    assert answer.status_code == 421
    assert answer.mimetype == "application/problem+json"
    assert answer.json["type"] == MISDIRECTED
    assert answer.json["errors"][0]["param"] == "city"
    assert "grenoble" in answer.json["detail"]


def test_the_cities_served_are_indexed_at_start_and_answer(two_cities):
    app = make_app(two_cities, CITIES=" grenoble , ")
    at_start = app.extensions["voisinage.indexes.at-start"]
    assert at_start.builds == 1 and at_start.cities == {"grenoble"}
    client = app.test_client()
    assert client.get("/api/v1/grenoble").status_code == 200
    assert client.get("/grenoble/").status_code == 200
    query = {"lat": CENTRE[0], "lon": CENTRE[1]}
    assert client.get("/api/v1/grenoble/match", query_string=query).status_code == 200
    assert client.get("/api/v1/health").status_code == 200  # no city: served
    assert at_start.builds == 1  # marseille was never built


def test_without_the_setting_every_city_is_served(two_cities):
    app = make_app(two_cities)
    assert app.extensions["voisinage.indexes.at-start"].builds == 2
    assert app.test_client().get("/api/v1/marseille").status_code == 200


@pytest.mark.parametrize(
    ("setting", "cities"),
    [("", None), (" , ", None), ("grenoble", {"grenoble"}), ("a,b ,a", {"a", "b"})],
)
def test_the_setting_reads_as_a_list_of_slugs(setting, cities):
    assert indexes.served(setting) == cities
