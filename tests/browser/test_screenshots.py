"""The README's screenshots, taken on the real page: at desktop size and on a 375 px phone,
where the list comes before a shorter map and nothing overflows sideways."""

import pytest

from tests.browser.conftest import CITY, DOCS, needs_chromium
from tests.browser.test_map_page import assert_page_shows

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def district_answer(server, spot):
    return spot, server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)


def open_search(new_context, district_answer, **options):
    spot, answer = district_answer
    page = new_context(**options).new_page()
    page.goto(
        f"/{CITY}/?address={spot['label']}&lat={spot['lat']}&lon={spot['lon']}&scale=district"
    )
    assert_page_shows(page, answer)
    return page


def test_desktop_screenshot(new_context, district_answer):
    page = open_search(new_context, district_answer, viewport={"width": 1280, "height": 800})
    side = page.locator(".finder-side").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert map_box["x"] >= side["x"] + side["width"], "the map sits beside the list"
    assert map_box["height"] >= 600
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=DOCS / "screenshot-map.png")


def test_phone_screenshot(new_context, district_answer):
    page = open_search(
        new_context,
        district_answer,
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
    page.locator("#results-heading").scroll_into_view_if_needed()
    page.screenshot(path=DOCS / "screenshot-phone.png")
