"""The map page tells the truth: a new choice searches again, "Back to the search" returns
to it, a place outside the city is named so, the first visit shows the city's newest posts,
a missing house number is said, and on a phone the map is one tap from the results."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_map_page import (
    assert_page_shows,
    expect,
    listed_ids,
    search_by_address,
)

pytestmark = needs_chromium

LYON = (45.7640, 4.8357)
PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 800}
MAP_IN_VIEW = """() => { const box = document.querySelector('#map').getBoundingClientRect();
    return box.top < innerHeight && box.bottom > 0; }"""


def url_query(page) -> dict:
    return parse_qs(urlsplit(page.url).query)


def test_changing_scale_kind_or_category_searches_again_at_once(page, server, spot):
    search_by_address(page, spot, "street")
    page.select_option("#f-scale", "district")  # no click on "Search"
    expect(page).to_have_url(re.compile("scale=district"))
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    assert_page_shows(page, answer)
    page.check("#f-kind-offer")
    expect(page).to_have_url(re.compile("kind=offer"))
    offers = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", kind="offer")
    assert_page_shows(page, offers)
    category = offers["features"][0]["properties"]["category"]
    page.locator("#categories summary").click()
    page.check(f"#f-category-{category}")
    expect(page).to_have_url(re.compile(f"category={category}"))
    assert_page_shows(
        page,
        server.match(
            lat=spot["lat"],
            lon=spot["lon"],
            scale="district",
            kind="offer",
            category=category,
            limit=20,
        ),
    )


def test_back_to_the_search_returns_to_the_same_search(page, server, spot):
    search_by_address(page, spot, "district")
    page.check("#f-kind-request")
    expect(page).to_have_url(re.compile("kind=request"))
    search_url = page.url
    shown = listed_ids(page)
    page.locator("#results > li h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/posts/\d+"))
    page.get_by_role("link", name="Retour à la recherche").click()
    expect(page).to_have_url(search_url)
    expect(page.locator("#f-kind-request")).to_be_checked()
    page.wait_for_function(
        "n => document.querySelectorAll('#results > li').length === n", arg=len(shown)
    )
    assert listed_ids(page) == shown


@pytest.mark.parametrize("viewport", [PHONE, WIDE])
def test_around_me_outside_the_city_says_so(new_context, viewport):
    context = new_context(
        viewport=viewport,
        geolocation={"latitude": LYON[0], "longitude": LYON[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"/{CITY}/")
    page.get_by_role("button", name="Autour de moi").click()
    expect(page.locator("#f-address-error")).to_have_text(
        "Vous êtes en dehors de Grenoble. Tapez une adresse à Grenoble."
    )
    assert "distance plus grande" not in page.locator("main").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, WIDE])
def test_the_first_visit_shows_the_city_s_newest_posts(new_context, server, viewport):
    page = new_context(viewport=viewport).new_page()
    with page.expect_request(re.compile(r"/api/v1/grenoble/posts\?")) as listing:
        page.goto(f"/{CITY}/")
    query = parse_qs(urlsplit(listing.value.url).query)
    answer = server.api(f"/{CITY}/posts", {"bbox": query["bbox"][0], "limit": 20})
    assert len(answer["features"]) == 20, "the demo city has posts"
    expect(page.locator("#result-count")).to_contain_text("Les annonces les plus récentes")
    page.wait_for_function("() => document.querySelectorAll('#results > li').length === 20")
    assert listed_ids(page) == [feature["id"] for feature in answer["features"]]
    page.wait_for_function(
        "() => document.querySelectorAll('#map .leaflet-marker-icon').length > 0"
    )
    assert url_query(page) == {}


def test_the_placeholder_s_address_is_in_the_city_s_file(page, server):
    page.goto(f"/{CITY}/")
    example = page.locator("#f-address").get_attribute("placeholder").removeprefix("par ex. ")
    [found] = server.api(f"/{CITY}/geocode", {"q": example, "limit": 1})["features"]
    number = example.split()[0]
    assert found["properties"]["housenumber"] == number
    assert found["properties"]["label"].lower().startswith(example.lower())


def test_a_missing_house_number_is_said(page, server):
    page.goto(f"/{CITY}/")
    page.locator("#f-address").fill("12 rue Félix Poulat")
    page.locator("#f-address").press("Escape")
    page.click("#search-button")
    [used] = server.api(f"/{CITY}/geocode", {"q": "12 rue Félix Poulat", "limit": 1})["features"]
    assert used["properties"]["housenumber"] != "12"
    expect(page.locator("#address-note")).to_have_text(
        "Il n'y a pas de numéro 12 dans les adresses de la ville : "
        f"recherche autour de {used['properties']['label']}."
    )
    expect(page).to_have_url(re.compile("lat="))


def test_on_a_phone_the_map_is_one_tap_from_the_results(new_context, spot):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/{CITY}/?lat={spot['lat']}&lon={spot['lon']}&scale=district")
    page.wait_for_function("() => document.querySelectorAll('#results > li').length > 0")
    assert not page.evaluate(MAP_IN_VIEW)
    page.get_by_role("button", name="Voir la carte").click()
    page.wait_for_function(MAP_IN_VIEW)
    page.get_by_role("button", name="Revenir à la liste").click()
    page.wait_for_function(
        "() => document.querySelector('#results').getBoundingClientRect().top < innerHeight"
    )
    entry = page.locator("#results > li:not(:has(.post-meta:text('aide à distance')))").first
    entry.locator(".post-meta").click()
    expect(page.locator("#map .leaflet-popup")).to_be_visible()
    page.wait_for_function(MAP_IN_VIEW)


def test_on_a_wide_screen_the_map_needs_no_button(page):
    page.goto(f"/{CITY}/")
    expect(page.locator("#show-map")).to_be_hidden()
    expect(page.locator("#show-list")).to_be_hidden()
