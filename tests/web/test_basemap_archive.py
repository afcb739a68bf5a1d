"""The city's own base map: the PMTiles file of MAP_PMTILES_FILE, served in byte ranges
at /basemap.pmtiles, named by the map pages ahead of any tile server."""

import pytest

from tests.pmtiles_archive import build_archive
from tests.web.conftest import make_app

HEADER = (0, 126)  # a PMTiles v3 header: the first request a map makes
OSM = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("basemap") / "grenoble.pmtiles")


def fetch(client, **headers):
    """The archive's answer, its file closed (a test client leaves it open)."""
    with client.get("/basemap.pmtiles", headers=headers) as response:
        response.get_data()
    return response


@pytest.fixture
def archive_app(app, archive):
    app.config["MAP_PMTILES_FILE"] = str(archive)
    return app


def test_a_byte_range_of_the_archive_is_answered_alone(archive_app, archive):
    first, last = HEADER
    response = fetch(archive_app.test_client(), Range=f"bytes={first}-{last}")
    assert response.status_code == 206
    size = archive.stat().st_size
    assert response.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response.data == archive.read_bytes()[first : last + 1]
    assert response.data.startswith(b"PMTiles\x03")
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["ETag"]
    assert response.cache_control.public and response.cache_control.max_age > 0


def test_a_range_past_the_end_is_unsatisfiable(archive_app, archive):
    size = archive.stat().st_size
    response = fetch(archive_app.test_client(), Range=f"bytes={size}-{size + 100}")
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_the_browser_keeps_the_archive_until_it_changes(archive_app):
    client = archive_app.test_client()
    etag = fetch(client).headers["ETag"]
    again = fetch(client, **{"If-None-Match": etag})
    assert again.status_code == 304


def test_without_an_archive_there_is_none_to_serve(client):
    assert fetch(client).status_code == 404


def test_an_archive_that_is_not_there_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="MAP_PMTILES_FILE names .* not a file"):
        make_app(tmp_path / "db.sqlite", MAP_PMTILES_FILE=str(tmp_path / "nowhere.pmtiles"))


def test_a_relative_archive_path_is_from_the_working_directory(tmp_path, archive, monkeypatch):
    monkeypatch.chdir(archive.parent)
    app = make_app(tmp_path / "db.sqlite", MAP_PMTILES_FILE=archive.name)
    assert fetch(app.test_client(), Range="bytes=0-6").data == b"PMTiles"


@pytest.mark.parametrize("tile_url", ["", OSM])
def test_the_map_page_draws_the_archive_before_any_tile_server(archive_app, tile_url):
    archive_app.config["MAP_TILE_URL"] = tile_url
    response = archive_app.test_client().get("/grenoble/")
    html = response.get_data(as_text=True)
    assert 'data-pmtiles-url="/basemap.pmtiles"' in html
    assert 'data-tile-url=""' in html
    assert "vendor/protomaps-leaflet/protomaps-leaflet.js" in html
    assert "OpenStreetMap" in html  # its data's licence asks for the credit
    # Read from this site: the policy admits no other host, not even an unused tile server.
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]


def test_without_an_archive_the_page_loads_no_vector_renderer(client):
    html = client.get("/grenoble/").get_data(as_text=True)
    assert 'data-pmtiles-url=""' in html
    assert "protomaps-leaflet" not in html
