"""Without tiles the map shows the city's streets (named at high zoom) and a scale bar,
and no request leaves the site."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_map_page import expect

pytestmark = needs_chromium


@pytest.mark.parametrize(
    "viewport", [{"width": 375, "height": 740}, {"width": 1280, "height": 800}]
)
def test_the_streets_are_drawn_and_named_with_a_scale_bar(new_context, server, spot, viewport):
    page = new_context(viewport=viewport).new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(f"/{CITY}/")
    lines = page.locator("#map .leaflet-streets-pane path")
    expect(lines.first).to_be_attached()
    assert lines.count() >= 20
    expect(page.locator("#map .leaflet-control-scale")).to_be_visible()
    expect(page.locator("#map .street-label")).to_have_count(0)  # the whole city: no names
    page.goto(f"/{CITY}/?lat={spot['lat']}&lon={spot['lon']}&scale=street")  # zooms in
    expect(page.locator("#map .street-label", has_text="Rue Félix Poulat")).to_have_count(1)
    assert hosts == {urlsplit(server.base_url).netloc}
