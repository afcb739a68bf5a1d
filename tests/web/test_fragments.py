"""Post fragments (``web.fragments``): /match serves each post's feature serialised once,
and a change made through one worker shows in every other at its next request (issue 19).

Two apps on one database stand for two workers: each has its own indexes and fragments."""

from tests.web.conftest import CENTRE, make_app, make_moderator, sign_up, sql
from web.http.answers import feature
from web.store import Store

MATCH = "/api/v1/grenoble/match"
NEAR = {"lat": CENTRE[0], "lon": CENTRE[1], "scale": "neighbourhood"}
NEAR_M = 1_000


def found(app) -> dict[int, dict]:
    answer = app.test_client().get(MATCH, query_string=NEAR)
    assert answer.status_code == 200
    return {f["id"]: f for f in answer.json["features"]}


def test_the_answer_is_the_features_of_the_store_rows(app, alice, database):
    """What serialising each row's feature gives, in compact JSON."""
    ids = [alice.create_post(title=f"Post {n} « été »")["id"] for n in range(3)]
    worker = make_app(database)  # its fragments built at start-up, from the store
    answer = worker.test_client().get(MATCH, query_string=NEAR)
    [(city_id,)] = sql(database, "SELECT id FROM cities WHERE slug = 'grenoble'")
    store = Store(database)
    try:
        rows = {row["id"]: row for row in store.public_posts_after(city_id, 0, 100, 0.0)}
    finally:
        store.close()
    assert sorted(f["id"] for f in answer.json["features"]) == sorted(ids)
    for each in answer.json["features"]:
        distance_m = each["properties"].pop("distance_m")  # to the public point, as the search
        assert distance_m % 10 == 0 and 0 <= distance_m <= NEAR_M
        assert each == feature(rows[each["id"]], frozenset())
    assert answer.data.startswith(b'{"type":"FeatureCollection","features":[{"type":"Feature"')
    assert "« été »".encode() in answer.data  # UTF-8, as json_answer gives


def test_an_edit_through_one_worker_shows_in_the_other(app, alice, database):
    post = alice.create_post(title="Avant")
    other = make_app(database)
    assert found(other)[post["id"]]["properties"]["title"] == "Avant"
    edited = alice.patch(f"/api/v1/grenoble/posts/{post['id']}", {"title": "Après"})
    assert edited.status_code == 200
    assert found(other)[post["id"]]["properties"]["title"] == "Après"
    assert found(app)[post["id"]]["properties"]["title"] == "Après"


def test_hidden_and_deleted_posts_leave_every_worker(app, alice, database):
    hidden = alice.create_post(title="À cacher")
    deleted = alice.create_post(title="À supprimer")
    kept = alice.create_post(title="Gardé")
    other = make_app(database)
    assert set(found(other)) == {hidden["id"], deleted["id"], kept["id"]}
    moderator = sign_up(app, "moderator@example.org")
    make_moderator(database, "moderator@example.org")
    hide = moderator.post(
        f"/api/v1/grenoble/moderation/posts/{hidden['id']}/actions",
        {"action": "hide", "reason": "Offre payante"},
    )
    assert hide.status_code == 200
    assert alice.delete(f"/api/v1/grenoble/posts/{deleted['id']}").status_code in (200, 204)
    assert set(found(other)) == {kept["id"]}


def test_a_verified_poster_shows_its_badge_in_every_worker(app, database):
    asso = sign_up(app, "asso@example.org", poster_type="association")
    post = asso.create_post()
    other = make_app(database)
    before = found(other)[post["id"]]["properties"]
    assert (before["poster_verified"], before["poster_type"]) == (False, "individual")
    store = Store(database)
    try:  # the city approves the organisation (as the moderation API does)
        store.update_account(asso.account["id"], role="association", verification="approved")
    finally:
        store.close()
    after = found(other)[post["id"]]["properties"]
    assert (after["poster_verified"], after["poster_type"]) == (True, "association")


def test_a_new_post_after_start_up_is_read_once_then_kept(app, alice, database):
    other = make_app(database)
    post = alice.create_post(title="Nouveau")
    assert found(other)[post["id"]]["properties"]["title"] == "Nouveau"
    # a raw write, no change_log row: the fragment kept is served
    sql(database, "UPDATE posts SET title = 'Changé en douce' WHERE id = ?", (post["id"],))
    assert found(other)[post["id"]]["properties"]["title"] == "Nouveau"
