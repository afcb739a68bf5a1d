"""Posts: create, read, edit, delete, viewport; every body error is a named problem."""

import pytest

from tests.web.conftest import CENTRE, INSIDE, LYON, make_moderator, sign_up

POSTS = "/api/v1/grenoble/posts"
VALID = {
    "kind": "offer",
    "category": "shopping",
    "title": "Courses",
    "lat": CENTRE[0],
    "lon": CENTRE[1],
}


def test_create_answers_the_public_feature_and_its_location(alice, client):
    response = alice.post(POSTS, {**VALID, "precision": "street", "body": "<b>plain</b> text"})
    assert response.status_code == 201
    assert response.content_type == "application/geo+json"
    feature = response.json
    assert response.headers["Location"] == f"{POSTS}/{feature['id']}"
    assert feature["properties"]["owned"] is True
    assert feature["properties"]["body"] == "<b>plain</b> text"  # stored and answered as text
    assert feature["geometry"]["coordinates"] != [CENTRE[1], CENTRE[0]]  # the cell's centre
    public = client.get(f"{POSTS}/{feature['id']}").json
    assert public["geometry"] == feature["geometry"]
    assert public["properties"]["owned"] is False
    assert "address" not in public["properties"]


def test_the_owner_sees_the_address_text_of_a_post(alice, client):
    post = alice.create_post(address="2 place grenette", lat=None, lon=None)
    assert post["properties"]["address"] == "2 place grenette"
    assert alice.get(f"{POSTS}/{post['id']}").json["properties"]["address"] == "2 place grenette"
    assert "address" not in client.get(f"{POSTS}/{post['id']}").json["properties"]


def test_create_defaults_to_the_account_home_and_precision(app):
    resident = sign_up(
        app, "home@example.org", lat=INSIDE[0], lon=INSIDE[1], precision="neighbourhood"
    )
    response = resident.post(POSTS, {"kind": "request", "category": "transport", "title": "Gare"})
    assert response.status_code == 201
    assert response.json["properties"]["precision"] == "neighbourhood"


def test_create_by_address(alice):
    body = {k: v for k, v in VALID.items() if k not in ("lat", "lon")}
    response = alice.post(POSTS, {**body, "address": "10 cours Berriat"})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "fields, params",
    [
        ({"lat": LYON[0], "lon": LYON[1]}, ["lat", "lon"]),
        ({"lat": None, "lon": None, "address": "zzzz nowhere"}, ["address"]),
    ],
)
def test_create_outside_the_city_or_nowhere_is_refused(alice, fields, params):
    body = {k: v for k, v in {**VALID, **fields}.items() if v is not None}
    response = alice.post(POSTS, body)
    assert response.status_code == 422
    assert [e["param"] for e in response.json["errors"]] == params


@pytest.mark.parametrize(
    "body, param",
    [
        ({**VALID, "kind": "gift"}, "kind"),
        ({**VALID, "category": "unknown"}, "category"),
        ({**VALID, "title": ""}, "title"),  # too short
        ({**VALID, "title": "   "}, "title"),  # blank once stripped
        ({**VALID, "title": "x" * 121}, "title"),
        ({**VALID, "body": "x" * 2001}, "body"),
        ({**VALID, "title": "a\x00b"}, "title"),  # NUL byte
        ({**VALID, "title": 42}, "title"),  # wrong type
        ({**VALID, "lat": "45.1"}, "lat"),  # a string is no number in JSON
        ({**VALID, "lat": True}, "lat"),
        ({**VALID, "lat": 1e308 * 10}, "lat"),  # inf is not JSON: serialised as Infinity
        ({**VALID, "lat": 10**30}, "lat"),  # huge integer
        ({**VALID, "precision": "exact"}, "precision"),
        ({**VALID, "extra": 1}, "extra"),  # unknown field
        ({"kind": "offer", "category": "shopping", "title": "t", "lat": 45.1}, "lon"),
        ([1, 2], "body"),  # not an object
    ],
)
def test_create_names_the_bad_field(alice, body, param):
    response = alice.post(POSTS, body)
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert param in [e["param"] for e in response.json["errors"]]


@pytest.mark.parametrize(
    "data, content_type, status",
    [
        ('{"kind": "offer",', "application/json", 422),  # malformed JSON
        ("[" * 5000, "application/json", 422),  # deeply nested
        ('{"title": "\\ud800"}', "application/json", 422),  # lone surrogate
        (b"\xff\xfe\x00", "application/json", 422),  # not UTF-8
        ("kind=offer", "application/x-www-form-urlencoded", 415),
        ('{"kind": "offer"}', "text/plain", 415),
        ("{" + '"a": 1,' * 20000 + '"b": 2}', "application/json", 413),  # over 64 KiB
    ],
)
def test_bad_bodies_are_problems_not_crashes(alice, data, content_type, status):
    response = alice.client.post(
        POSTS, data=data, content_type=content_type, headers={"X-CSRF-Token": alice.csrf}
    )
    assert response.status_code == status
    assert response.content_type == "application/problem+json"


def test_unknown_api_route_and_wrong_method_are_problems(client):
    assert client.get("/api/v1/nope/nope/nope").status_code == 404
    response = client.put("/api/v1/grenoble/match")
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_huge_and_unknown_post_ids_are_404(client):
    assert client.get(f"{POSTS}/{2**70}").status_code == 404
    assert client.get(f"{POSTS}/12345").status_code == 404
    assert client.get("/api/v1/atlantis/posts/1").status_code == 404


def test_owner_edits_closes_renews_and_deletes(alice, client):
    post = alice.create_post()
    url = f"{POSTS}/{post['id']}"
    response = alice.patch(url, {"title": "Nouveau titre", "precision": "neighbourhood"})
    assert response.status_code == 200
    assert response.json["properties"]["title"] == "Nouveau titre"
    assert response.json["geometry"] != post["geometry"]  # a coarser cell
    before = alice.get(url).json["properties"]["expires_at"]
    assert alice.patch(url, {"renew": True}).json["properties"]["expires_at"] >= before
    assert alice.patch(url, {"status": "closed"}).json["properties"]["status"] == "closed"
    assert client.get(url).status_code == 404  # closed: not public any more
    assert alice.get(url).status_code == 200  # its owner still sees it
    assert alice.patch(url, {"status": "published"}).status_code == 200  # reopened
    assert alice.delete(url).status_code == 204
    assert alice.get(url).status_code == 404


def test_others_may_not_edit_but_moderators_may_hide(app, database, alice, bob, client):
    post = alice.create_post()
    url = f"{POSTS}/{post['id']}"
    assert bob.patch(url, {"title": "hacked"}).status_code == 403
    assert bob.delete(url).status_code == 403
    assert client.patch(url, json={"title": "x"}).status_code == 401
    assert alice.patch(url, {"status": "hidden"}).status_code == 422  # nobody hides by PATCH
    make_moderator(database, "bob@example.org")
    hide = {"action": "hide", "reason": "Annonce commerciale"}
    response = bob.post(f"/api/v1/grenoble/moderation/posts/{post['id']}/actions", hide)
    assert response.status_code == 200
    assert response.json["status"] == "hidden"
    assert client.get(url).status_code == 404


def test_premoderated_city_keeps_posts_pending(request, tmp_path):
    from tests.web.conftest import add_city, make_app, new_database

    database = new_database(request, tmp_path)
    app = make_app(database)
    add_city(database, premoderation=True)
    alice = sign_up(app)
    post = alice.create_post()
    assert post["properties"]["status"] == "pending"
    client = app.test_client()
    assert client.get(f"{POSTS}/{post['id']}").status_code == 404
    match = client.get("/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1]})
    assert match.json["features"] == []


def test_viewport_returns_posts_inside_the_box(alice, client):
    inside = alice.create_post(precision="building")
    alice.create_post(precision="building", lat=45.22, lon=5.70)
    box = f"{CENTRE[1] - 0.005},{CENTRE[0] - 0.005},{CENTRE[1] + 0.005},{CENTRE[0] + 0.005}"
    response = client.get(POSTS, query_string={"bbox": box})
    assert response.status_code == 200
    assert response.content_type == "application/geo+json"
    assert [f["id"] for f in response.json["features"]] == [inside["id"]]


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "0,50,1,40", "0,0,200,1", "nan,0,1,1", ""])
def test_viewport_names_a_bad_bbox(client, bbox):
    response = client.get(POSTS, query_string={"bbox": bbox})
    assert response.status_code == 422
    assert response.json["errors"][0]["param"] == "bbox"


def test_my_posts_lists_every_status_with_the_private_address(alice):
    alice.create_post(address="Place Grenette", lat=None, lon=None)
    closed = alice.create_post()
    alice.patch(f"{POSTS}/{closed['id']}", {"status": "closed"})
    posts = alice.get("/api/v1/grenoble/me/posts").json["posts"]
    assert [p["status"] for p in posts] == ["closed", "published"]
    assert posts[1]["address"] == "Place Grenette"


def test_an_account_posts_only_in_its_own_city(app, database, alice):
    from tests.web.conftest import add_city

    add_city(database, slug="voiron")
    body = {**VALID}
    response = alice.post("/api/v1/voiron/posts", body)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert alice.post(POSTS, body).status_code == 201
