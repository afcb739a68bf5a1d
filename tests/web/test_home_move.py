"""A new home address from the account page (PATCH /api/v1/me): the posts placed at the
old home and the alerts centred on it follow; posts placed elsewhere stay."""

from matcher import public_point
from tests.web.conftest import CENTRE, INSIDE, sql

POSTS = "/api/v1/grenoble/posts"
MATCH = "/api/v1/grenoble/match"


def found(client, point, radius_m=60) -> set[int]:
    query = {"lat": point[0], "lon": point[1], "radius": radius_m}
    return {f["id"] for f in client.get(MATCH, query_string=query).json["features"]}


def coordinates(client, post_id) -> tuple[float, float]:
    lon, lat = client.get(f"{POSTS}/{post_id}").json["geometry"]["coordinates"]
    return lat, lon


def test_posts_at_the_old_home_move_and_others_stay(app, alice, client):
    at_home = alice.create_post(lat=None, lon=None, title="Chez moi")  # the home, by default
    elsewhere = alice.create_post(lat=INSIDE[0], lon=INSIDE[1], title="Ailleurs")
    old_point = public_point(*CENTRE, "street")
    assert at_home["id"] in found(client, old_point)

    answer = alice.patch("/api/v1/me", {"address": "1 Place Grenette"})
    assert answer.status_code == 200, answer.json
    assert answer.json["home_address"].startswith("1 Place Grenette")

    new_point = public_point(45.190930, 5.727576, "street")
    assert coordinates(client, at_home["id"]) == new_point
    assert coordinates(client, elsewhere["id"]) == public_point(*INSIDE, "street")
    assert at_home["id"] in found(client, new_point)
    assert at_home["id"] not in found(client, old_point)
    mine = {p["id"]: p for p in alice.get("/api/v1/grenoble/me/posts").json["posts"]}
    assert mine[at_home["id"]]["address"].startswith("1 Place Grenette")
    assert alice.create_post(lat=None, lon=None)["geometry"]["coordinates"] == [
        new_point[1],
        new_point[0],
    ]  # and new posts start from the new home


def test_alerts_centred_on_the_old_home_follow_it(app, alice):
    assert alice.post("/api/v1/grenoble/alerts", {"radius_m": 300}).status_code == 201
    alice.patch("/api/v1/me", {"lat": INSIDE[0], "lon": INSIDE[1]})
    [(lat, lon)] = sql(app.config["DATABASE"], "SELECT lat, lon FROM alert_subscriptions")
    assert (lat, lon) == public_point(*INSIDE, "street")


def test_a_home_outside_the_city_is_refused_and_nothing_moves(alice, client):
    post = alice.create_post(lat=None, lon=None)
    answer = alice.patch("/api/v1/me", {"lat": 45.7640, "lon": 4.8357})
    assert answer.status_code == 422
    assert coordinates(client, post["id"]) == public_point(*CENTRE, "street")


def test_name_and_phone_change_too(alice):
    answer = alice.patch("/api/v1/me", {"display_name": "Alice B.", "phone": "06 00 00 00 02"})
    assert (answer.json["display_name"], answer.json["phone"]) == ("Alice B.", "06 00 00 00 02")
