"""Open data: the files over HTTP and from the CLI, rows under 5 withheld, the GeoJSON and
the datapackage describing the same rows."""

import csv
import io
import json
from datetime import UTC, datetime

import h3
import pytest

from tests.web.conftest import CENTRE, make_moderator, sign_up
from web.services.opendata import K, withhold

BASE = "/api/v1/grenoble/open-data/"
FAR = (45.1650, 5.7000)  # another resolution-7 cell than CENTRE


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def this_week() -> str:
    year, week, _ = datetime.now(UTC).isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture
def posted(alice):
    """Six offers at CENTRE (building precision: the public point is the point) and two
    requests elsewhere."""
    for _ in range(6):
        alice.create_post(precision="building")
    for _ in range(2):
        alice.create_post(kind="request", lat=FAR[0], lon=FAR[1], precision="building")
    return alice


def test_rows_under_five_are_withheld(posted, client):
    cell = h3.latlng_to_cell(*CENTRE, 7)
    assert cell != h3.latlng_to_cell(*FAR, 7)
    assert rows(client.get(BASE + "posts_by_cell.csv")) == [
        {
            "week": this_week(),
            "h3_cell": cell,
            "category": "shopping",
            "kind": "offer",
            "posts": "6",
        }
    ]


def test_the_geojson_has_the_same_rows_with_their_cells(posted, client):
    answer = client.get(BASE + "posts_by_cell.geojson")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    assert answer.headers["Cache-Control"] == "public, max-age=3600"  # the same for anyone
    [feature] = answer.json["features"]
    [row] = rows(client.get(BASE + "posts_by_cell.csv"))
    assert feature["properties"] == {**row, "posts": int(row["posts"])}
    ring = feature["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7  # a hexagon, closed
    lon = sum(p[0] for p in ring[:-1]) / 6
    lat = sum(p[1] for p in ring[:-1]) / 6
    assert h3.latlng_to_cell(lat, lon, 7) == row["h3_cell"]


def test_hidden_and_pending_posts_are_not_counted(posted, client, database, app):
    make_moderator(database, "alice@example.org")
    offers = [
        p for p in posted.get("/api/v1/grenoble/me/posts").json["posts"] if p["kind"] == "offer"
    ]
    for post in offers[:2]:
        answer = posted.post(
            f"/api/v1/grenoble/moderation/posts/{post['id']}/actions",
            {"action": "hide", "reason": "test"},
        )
        assert answer.status_code == 200, answer.json
    assert rows(client.get(BASE + "posts_by_cell.csv")) == []  # 6 - 2 hidden < 5


def test_connections_are_counted_by_week_category_and_outcome(app, alice, client):
    post = alice.create_post()
    for number in range(K):
        asker = sign_up(app, f"asker{number}@example.org")
        answer = asker.post(f"/api/v1/grenoble/posts/{post['id']}/contact", {"message": "Bonjour"})
        assert answer.status_code == 201
    assert rows(client.get(BASE + "connections_by_week.csv")) == [
        {"week": this_week(), "category": "shopping", "outcome": "requested", "connections": "5"}
    ]


def test_the_datapackage_describes_every_file(posted, client, app):
    package = client.get(BASE + "datapackage.json").json
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert "Licence Ouverte" in package["licenses"][0]["title"]
    for resource in package["resources"]:
        path = resource["path"]
        assert "/" not in path and not path.startswith("http")  # relative, beside it
        answer = client.get(BASE + path)
        assert answer.status_code == 200 and answer.mimetype == resource["mediatype"]
        if "schema" in resource:
            names = [field["name"] for field in resource["schema"]["fields"]]
            header = answer.get_data(as_text=True).splitlines()[0]
            assert header.split(",") == names
            assert set(resource["schema"]["primaryKey"]) < set(names)
        else:
            schema = resource["jsonSchema"]["properties"]["features"]["items"]["properties"]
            wanted = schema["properties"]["required"]
            assert all(set(f["properties"]) == set(wanted) for f in answer.json["features"])
    result = app.test_cli_runner().invoke(args=["city", "set", "grenoble", "--licence", "ODbL-1.0"])
    assert result.exit_code == 0, result.output
    package = client.get(BASE + "datapackage.json").json
    assert package["licenses"][0]["name"] == "ODbL-1.0"


def test_the_cli_exports_what_the_api_serves(posted, client, app, tmp_path):
    tmp_path = tmp_path / "open-data"
    result = app.test_cli_runner().invoke(args=["export-open-data", "grenoble", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "posts_by_cell.csv",
            "posts_by_cell.geojson",
            "connections_by_week.csv",
            "datapackage.json",
        ]
    )
    for name in names:
        assert (tmp_path / name).read_bytes() == client.get(BASE + name).data
    json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    missing = app.test_cli_runner().invoke(args=["export-open-data", "nowhere", str(tmp_path)])
    assert missing.exit_code != 0 and "no city 'nowhere'" in missing.output


@pytest.mark.parametrize(
    "path",
    [BASE + "secrets.csv", BASE + "..%2Fstore.py", "/api/v1/nowhere/open-data/posts_by_cell.csv"],
)
def test_unknown_files_and_cities_are_404_problems(client, path):
    answer = client.get(path)
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


def test_withhold_hides_small_rows_and_rows_that_would_give_them_back():
    counts = {("a", "x"): 7, ("b", "x"): 3, ("c", "x"): 9, ("a", "y"): 5, ("b", "y"): 6}
    assert withhold(counts, []) == {("a", "x"): 7, ("c", "x"): 9, ("a", "y"): 5, ("b", "y"): 6}
    # with a total by the second field published, x's 3 would be that total minus 7 and 9:
    # the smallest other row of x goes too
    assert withhold(counts, [(1,)]) == {("c", "x"): 9, ("a", "y"): 5, ("b", "y"): 6}
    # a grand total as well: nothing withheld in y, 10 withheld in x; nothing more to hide
    assert withhold(counts, [(1,), ()]) == withhold(counts, [(1,)])
