"""Every process's index follows SQLite: writes through one app are seen by another at once."""

from tests.web.conftest import CENTRE, add_city, make_app, new_database, sign_up

MATCH = {"lat": CENTRE[0], "lon": CENTRE[1]}


def _ids(client):
    response = client.get("/api/v1/grenoble/match", query_string=MATCH)
    return [f["id"] for f in response.json["features"]]


def test_two_app_instances_on_one_database_agree_at_once(request, tmp_path):
    database = new_database(request, tmp_path)
    add_city(database)
    writer_app, reader_app = make_app(database), make_app(database)
    reader = reader_app.test_client()
    assert _ids(reader) == []  # the reader's index is built (empty) now
    alice = sign_up(writer_app)
    post = alice.create_post()
    assert _ids(reader) == [post["id"]]  # caught up from the change log
    url = f"/api/v1/grenoble/posts/{post['id']}"
    alice.patch(url, {"kind": "request"})
    response = reader.get("/api/v1/grenoble/match", query_string={**MATCH, "kind": "offer"})
    assert response.json["features"] == []
    alice.patch(url, {"status": "closed"})
    assert _ids(reader) == []
    alice.patch(url, {"status": "published"})
    assert _ids(reader) == [post["id"]]
    assert alice.delete(url).status_code == 204
    assert _ids(reader) == []


def test_a_restarted_app_rebuilds_its_index_from_the_store(request, tmp_path):
    database = new_database(request, tmp_path)
    add_city(database)
    alice = sign_up(make_app(database))
    ids = [alice.create_post(title=f"p{i}")["id"] for i in range(4)]
    fresh = make_app(database).test_client()
    assert _ids(fresh) == list(reversed(ids))
