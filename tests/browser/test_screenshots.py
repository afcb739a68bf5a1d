"""The README's screenshots, taken on the real page: at desktop size and on a 375 px phone,
where the list comes before a shorter map and nothing overflows sideways."""

import pytest

from tests.browser.conftest import CITY, DOCS, needs_chromium
from tests.browser.test_map_page import assert_page_shows

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def shown_place(server):
    """A search 1.7 km from where the other tests post: the pictures show demo posts only."""
    found = server.api(f"/{CITY}/geocode", {"q": "1 cours de la Libération", "limit": 1})
    place = found["features"][0]
    lon, lat = place["geometry"]["coordinates"]
    answer = server.match(lat=lat, lon=lon, scale="neighbourhood", limit=20)
    return place["properties"]["label"], lat, lon, answer


def open_search(new_context, shown_place, **options):
    label, lat, lon, answer = shown_place
    page = new_context(**options).new_page()
    page.goto(f"/{CITY}/?address={label}&lat={lat}&lon={lon}&scale=neighbourhood")
    assert_page_shows(page, answer)
    page.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
    return page


def test_desktop_screenshot(new_context, shown_place):
    page = open_search(new_context, shown_place, viewport={"width": 1280, "height": 800})
    side = page.locator(".finder-side").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert map_box["x"] >= side["x"] + side["width"], "the map sits beside the list"
    assert map_box["height"] >= 600
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=DOCS / "screenshot-map.png")


def test_phone_screenshot(new_context, shown_place):
    page = open_search(
        new_context,
        shown_place,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "sideways scrolling"
    results = page.locator("#results").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert results["y"] < map_box["y"], "on a phone the list comes first"
    assert map_box["height"] <= 812 / 2
    DOCS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, document.getElementById('result-count').offsetTop - 180)")
    page.screenshot(path=DOCS / "screenshot-phone.png")
