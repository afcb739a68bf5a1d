"""GET /api/v1/<city>/match: validation, order, paging, scales, remote categories."""

import time

import pytest
from pyproj import Geod

from tests.web.conftest import CENTRE, sign_up
from web.store import Store

MATCH = "/api/v1/grenoble/match"
VALID = {"lat": "45.1885", "lon": "5.7245"}
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    "args, param",
    [
        ({"lat": "91"}, "lat"),  # beyond the pole
        ({"lat": "-90.5"}, "lat"),
        ({"lon": "181"}, "lon"),
        ({"lat": "nan"}, "lat"),  # not a number
        ({"lon": "inf"}, "lon"),
        ({"lat": "1e400"}, "lat"),  # overflows to infinity
        ({"lat": "abc"}, "lat"),
        ({"lat": "４５"}, "lat"),  # full-width digits
        ({"radius": "0"}, "radius"),
        ({"radius": "-1"}, "radius"),
        ({"radius": "50001"}, "radius"),
        ({"radius": "1e999"}, "radius"),
        ({"scale": "galaxy"}, "scale"),
        ({"radius": "100", "scale": "street"}, "scale"),  # both
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"limit": "99999999999999999999999"}, "limit"),
        ({"kind": "gift"}, "kind"),
        ({"category": "no-such-category"}, "category"),
        ({"category": "Bad Slug!"}, "category"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "x" * 301}, "cursor"),
        ({"address": "rue\x00felix"}, "address"),
    ],
)
def test_match_names_the_bad_parameter(client, args, param):
    response = client.get(MATCH, query_string={**VALID, **args})
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 422
    assert response.json["errors"][0]["param"] == param


@pytest.mark.parametrize(
    "args, param",
    [
        ({}, "lat"),  # no centre at all
        ({"lat": "45.1"}, "lon"),  # half a centre
        ({"lon": "5.7"}, "lat"),
        ({"lat": "45.1", "lon": "5.7", "address": "place grenette"}, "address"),
        ({"address": "zzzzqqq"}, "address"),  # geocodes to nothing
    ],
)
def test_match_needs_one_centre(client, args, param):
    response = client.get(MATCH, query_string=args)
    assert response.status_code == 422
    assert response.json["errors"][0]["param"] == param


def test_match_of_an_unknown_city_is_404(client):
    response = client.get("/api/v1/atlantis/match", query_string=VALID)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_match_answers_geojson_newest_first_with_rounded_distances(app, client):
    alice = sign_up(app)
    created = [
        alice.create_post(
            title=f"post {i}", precision="building", lat=CENTRE[0] + 0.0003 * i, lon=CENTRE[1]
        )
        for i in range(5)
    ]
    response = client.get(MATCH, query_string={**VALID, "radius": "500"})
    assert response.status_code == 200
    assert response.content_type == "application/geo+json"
    body = response.json
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [p["id"] for p in reversed(created)]
    assert body["next_cursor"] is None
    assert body["query"] == {
        "lat": 45.1885,
        "lon": 5.7245,
        "radius_m": 500.0,
        "category": [],
        "kind": None,
        "limit": 20,
        "citywide_categories": [],
    }
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        _, _, exact_m = GEOD.inv(CENTRE[1], CENTRE[0], lon, lat)
        assert feature["properties"]["distance_m"] % 10 == 0
        assert abs(feature["properties"]["distance_m"] - exact_m) <= 5.0


def test_match_excludes_what_is_beyond_the_radius_or_of_another_kind_or_category(app, client):
    alice = sign_up(app)
    near = alice.create_post(precision="building")
    alice.create_post(precision="building", lat=CENTRE[0] + 0.01)  # ~1.1 km north
    alice.create_post(precision="building", kind="request")
    alice.create_post(precision="building", category="pet-walking")
    response = client.get(
        MATCH, query_string={**VALID, "radius": "300", "kind": "offer", "category": "shopping"}
    )
    assert [f["id"] for f in response.json["features"]] == [near["id"]]


def test_repeated_category_means_any_of_them(app, client):
    alice = sign_up(app)
    shopping = alice.create_post(category="shopping")
    pets = alice.create_post(category="pet-walking")
    alice.create_post(category="childcare")
    response = client.get(
        MATCH, query_string=[*VALID.items(), ("category", "shopping"), ("category", "pet-walking")]
    )
    assert {f["id"] for f in response.json["features"]} == {shopping["id"], pets["id"]}


def test_paging_with_cursors_walks_every_post_once_in_order(app, client):
    alice = sign_up(app)
    ids = [alice.create_post(title=f"p{i}")["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        args = {**VALID, "limit": "3", **({"cursor": cursor} if cursor else {})}
        body = client.get(MATCH, query_string=args).json
        seen += [f["id"] for f in body["features"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    assert pages == 3


def test_a_cursor_from_another_query_is_refused(app, client):
    alice = sign_up(app)
    for i in range(3):
        alice.create_post(title=f"p{i}")
    cursor = client.get(MATCH, query_string={**VALID, "limit": "1"}).json["next_cursor"]
    assert cursor
    response = client.get(
        MATCH, query_string={**VALID, "limit": "1", "kind": "offer", "cursor": cursor}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["param"] == "cursor"
    # A different page size is the same query: the cursor still works.
    response = client.get(MATCH, query_string={**VALID, "limit": "5", "cursor": cursor})
    assert response.status_code == 200
    assert len(response.json["features"]) == 2


def test_scale_building_returns_only_building_precision_posts_and_pages_exactly(app, client):
    association = sign_up(app, "asso@example.org", poster_type="association")
    resident = sign_up(app, "res@example.org")
    building = [association.create_post(precision="building", title=f"b{i}") for i in range(3)]
    for i in range(3):
        resident.create_post(precision="street", title=f"s{i}")
    first = client.get(MATCH, query_string={**VALID, "scale": "building", "limit": "2"}).json
    assert first["query"]["radius_m"] == 30
    second = client.get(
        MATCH,
        query_string={**VALID, "scale": "building", "limit": "2", "cursor": first["next_cursor"]},
    ).json
    ids = [f["id"] for f in first["features"] + second["features"]]
    assert ids == [p["id"] for p in reversed(building)]
    assert second["next_cursor"] is None
    assert all(
        f["properties"]["precision"] == "building" for f in first["features"] + second["features"]
    )


def test_default_scale_is_street(app, client):
    body = client.get(MATCH, query_string=VALID).json
    assert body["query"]["radius_m"] == 250


def test_remote_categories_asked_for_match_across_the_city(app, client):
    alice = sign_up(app)
    far_north = (45.225, 5.70)  # inside the boundary, ~5 km from the centre
    remote = alice.create_post(category="conversation", lat=far_north[0], lon=far_north[1])
    alice.create_post(category="shopping", lat=far_north[0], lon=far_north[1])
    asked = {**VALID, "scale": "street", "category": ["conversation", "shopping"]}
    body = client.get(MATCH, query_string=asked).json
    assert [f["id"] for f in body["features"]] == [remote["id"]]
    assert body["query"]["citywide_categories"] == ["conversation"]
    # Not asked for, remote help keeps the radius, so it cannot crowd nearby posts out.
    assert client.get(MATCH, query_string={**VALID, "scale": "street"}).json["features"] == []
    properties = body["features"][0]["properties"]
    assert properties["remote"] is True
    assert "distance_m" not in properties
    only_physical = client.get(MATCH, query_string={**VALID, "category": "shopping"}).json
    assert only_physical["features"] == []
    assert only_physical["query"]["citywide_categories"] == []


def test_closed_hidden_and_expired_posts_are_not_matched(app, client, database):
    alice = sign_up(app)
    closed = alice.create_post(title="closed")
    expired = alice.create_post(title="expired")
    kept = alice.create_post(title="kept")
    assert (
        alice.patch(f"/api/v1/grenoble/posts/{closed['id']}", {"status": "closed"}).status_code
        == 200
    )
    # Let "expired" reach its expiry: the index must drop it without any write.
    body = client.get(MATCH, query_string=VALID).json
    assert {f["id"] for f in body["features"]} == {expired["id"], kept["id"]}
    store = Store(database)
    store.execute("UPDATE posts SET expires_at = ? WHERE id = ?", (time.time() - 1, expired["id"]))
    store.close()  # a raw write, no change_log row: expiry must be enforced at read time
    body = client.get(MATCH, query_string=VALID).json
    assert [f["id"] for f in body["features"]] == [kept["id"]]


def test_match_by_address_geocodes_the_first_result(app, client):
    alice = sign_up(app)
    post = alice.create_post(address="Place Grenette, Grenoble")
    body = client.get(MATCH, query_string={"address": "place grenette", "scale": "street"}).json
    assert [f["id"] for f in body["features"]] == [post["id"]]
    assert body["query"]["address"] == "place grenette"


def test_paging_merges_nearby_and_citywide_posts_exactly(app, client):
    alice = sign_up(app)
    far = {"lat": 45.225, "lon": 5.70}  # beyond the radius: only remote posts count there
    expected = []
    for i in range(9):
        if i % 3 == 0:
            expected.append(alice.create_post(category="conversation", **far)["id"])
        elif i % 3 == 1:
            expected.append(alice.create_post(category="it-admin")["id"])  # remote, near
        else:
            expected.append(alice.create_post(category="shopping")["id"])
            alice.create_post(category="shopping", **far)  # never matched
    seen, cursor = [], None
    while True:
        args = {**VALID, "limit": "2", "category": ["conversation", "it-admin", "shopping"]}
        args |= {"cursor": cursor} if cursor else {}
        body = client.get(MATCH, query_string=args).json
        seen += [f["id"] for f in body["features"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(expected))
