"""The README's screenshots, taken on the real page at its first visit (the city's newest
posts over the demo's street layer): at desktop size, and on a 375 px phone, where the list
comes before a shorter map, "Voir la carte" brings it into view and nothing overflows
sideways."""

from tests.browser.conftest import CITY, DOCS, needs_chromium
from tests.browser.test_map_page import expect

pytestmark = needs_chromium


def first_visit(new_context, **options):
    page = new_context(**options).new_page()
    page.goto(f"/{CITY}/")
    expect(page.locator("#results > li")).to_have_count(20)
    expect(page.locator("#map .leaflet-streets-pane path").first).to_be_attached()
    page.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
    return page


def test_desktop_screenshot(new_context):
    page = first_visit(new_context, viewport={"width": 1280, "height": 800})
    side = page.locator(".finder-side").bounding_box()
    map_box = page.locator("#map").bounding_box()
    assert map_box["x"] >= side["x"] + side["width"], "the map sits beside the list"
    assert map_box["height"] >= 600
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=DOCS / "screenshot-map.png")


def test_phone_screenshot(new_context):
    page = first_visit(
        new_context,
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
    page.get_by_role("button", name="Voir la carte").click()
    page.wait_for_function("() => document.getElementById('map').getBoundingClientRect().top < 300")
    page.wait_for_timeout(600)  # the end of the smooth scroll
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=DOCS / "screenshot-phone.png")
