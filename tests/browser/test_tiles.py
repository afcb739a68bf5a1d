"""Map tiles come from configuration only: none by default, else the configured server, which
the Content-Security-Policy then lets the page load images from."""

import pytest

from web import create_app
from web.http.html import tile_server_origin

OSM = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.mark.parametrize(
    "tile_url, origin",
    [
        ("", ""),  # the default: no tiles, nothing leaves the machine
        (OSM, "https://*.tile.openstreetmap.org"),  # {s} subdomains become a wildcard
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("/tiles/{z}/{x}/{y}.png", ""),  # same origin: 'self' covers it
        ("https://{a}.{b}.example.org/{z}.png", ""),  # a template we cannot express in CSP
    ],
)
def test_tile_server_origin(tile_url, origin):
    assert tile_server_origin(tile_url) == origin


def map_page(tmp_path, **config):
    settings = {
        "DATABASE": str(tmp_path / "db.sqlite"),
        "SECRET_KEY": "x",
        "BASE_URL": "http://localhost",
    }
    app = create_app({**settings, **config})
    made = app.test_cli_runner().invoke(args=["demo", "--posts", "0"])
    assert made.exit_code == 0, made.output
    return app.test_client().get("/grenoble/")


def test_no_tiles_by_default(tmp_path):
    response = map_page(tmp_path)
    assert 'data-tile-url=""' in response.get_data(as_text=True)
    assert "img-src 'self' data:;" in response.headers["Content-Security-Policy"]


def test_configured_tiles_reach_the_page_and_its_policy(tmp_path):
    attribution = "© OpenStreetMap contributors"
    response = map_page(tmp_path, MAP_TILE_URL=OSM, MAP_TILE_ATTRIBUTION=attribution)
    html = response.get_data(as_text=True)
    assert f'data-tile-url="{OSM}"' in html
    assert f'data-tile-attribution="{attribution}"' in html
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in policy
