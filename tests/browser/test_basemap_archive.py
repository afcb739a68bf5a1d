"""With a PMTiles archive configured, the map reads it from the site in byte ranges and
draws its vector tiles (land, water, roads) on canvas; no request leaves the site."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import CITY, browser_contexts, needs_chromium, serving
from tests.browser.test_map_page import expect
from tests.pmtiles_archive import build_archive

pytestmark = needs_chromium

# The "light" Protomaps colours of the archive's three layers, as drawn on the tiles.
COLOURS = {"earth": (226, 223, 218), "water": (128, 222, 234), "roads": (255, 255, 255)}
# How many pixels of each colour the map's tile canvases hold.
COUNT_COLOURS = """colours => {
    const counts = Object.fromEntries(Object.keys(colours).map(name => [name, 0]));
    for (const canvas of document.querySelectorAll('#map .leaflet-tile-pane canvas')) {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
            for (const [name, [r, g, b]] of Object.entries(colours)) {
                if (data[i] === r && data[i + 1] === g && data[i + 2] === b) counts[name]++;
            }
        }
    }
    return counts;
}"""


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive-server")
    archive = build_archive(folder / "grenoble.pmtiles")
    with serving(folder, posts=0, MAP_PMTILES_FILE=str(archive)) as served:
        yield served


@pytest.fixture
def archive_context(browser, archive_server):
    with browser_contexts(browser, archive_server.base_url) as make:
        yield make


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 740}, {"width": 1280, "height": 800}]
)
def test_the_archive_is_read_in_ranges_and_drawn(archive_context, archive_server, viewport):
    page = archive_context(viewport=viewport).new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"/{CITY}/")
    expect(page.locator("#map .leaflet-tile-pane canvas").first).to_be_attached()
    page.wait_for_function(
        f"colours => Object.values(({COUNT_COLOURS})(colours)).every(count => count > 0)",
        arg=COLOURS,
    )
    archive_reads = [request for request in requests if request.url.endswith("/basemap.pmtiles")]
    assert archive_reads, "the map never asked for the archive"
    for request in archive_reads:
        assert request.all_headers()["range"].startswith("bytes=")
    archive_statuses = {
        response.status for response in responses if response.url.endswith("/basemap.pmtiles")
    }
    assert archive_statuses == {206}
    site = urlsplit(archive_server.base_url).netloc
    assert {urlsplit(request.url).netloc for request in requests} == {site}
    # The archive replaces the address file's streets, drawn only when there is no base map.
    expect(page.locator("#map .leaflet-streets-pane")).to_have_count(0)
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("OpenStreetMap")
