"""The map page in a real browser, checked against the API's own answers for the same query."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import CITY, TYPED, needs_chromium

pytestmark = needs_chromium

SCALES = ["building", "street", "neighbourhood", "district"]
# Markers on the map: a cluster icon counts the markers it holds.
MARKER_TOTAL = """() => [...document.querySelectorAll('#map .leaflet-marker-icon')].reduce(
    (total, icon) => total + (icon.classList.contains('marker-cluster')
        ? Number(icon.querySelector('[data-count]').dataset.count) : 1), 0)"""


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def announced(count: int, more: bool) -> str:
    """The live region's French text for a page of ``count`` results."""
    if count == 0:
        return "Aucune annonce ici. Essayez une distance plus grande ou d'autres catégories."
    text = f"{count} annonce trouvée." if count == 1 else f"{count} annonces trouvées."
    return f"{text} D'autres annonces sont disponibles." if more else text


def choose_address(page, label: str, typed: str = TYPED) -> None:
    page.locator("#f-address").fill(typed)
    option = page.get_by_role("option", name=label, exact=True)
    option.click()
    expect(page.locator("#f-address")).to_have_value(label)


def search_by_address(page, spot, scale="street") -> None:
    page.goto(f"/{CITY}/")
    choose_address(page, spot["label"])
    page.select_option("#f-scale", scale)
    page.click("#search-button")


def ids(features) -> list[int]:
    return [feature["id"] for feature in features]


def mapped(features) -> int:
    """How many markers the page should draw: remote help is listed, not mapped."""
    return sum(1 for feature in features if not feature["properties"].get("remote"))


def listed_ids(page) -> list[int]:
    return [
        int(value)
        for value in page.locator("#results > li").evaluate_all(
            "entries => entries.map(entry => entry.dataset.postId)"
        )
    ]


def assert_marker_total(page, expected: int) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"n => ({MARKER_TOTAL})() === n", arg=expected, timeout=15_000)
    except PlaywrightTimeout:
        pytest.fail(f"the map shows {page.evaluate(MARKER_TOTAL)} markers, expected {expected}")


def assert_page_shows(page, answer: dict, shown: list | None = None) -> None:
    """The list, the live region and the markers agree with the API's answer."""
    features = shown if shown is not None else answer["features"]
    expect(page.locator("#result-count")).to_have_text(
        announced(len(features), answer["next_cursor"] is not None)
    )
    assert listed_ids(page) == ids(features)
    assert_marker_total(page, mapped(features))


@pytest.mark.parametrize("scale", SCALES)
def test_search_by_address_shows_what_the_api_answers(page, server, spot, scale):
    search_by_address(page, spot, scale)
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale=scale, limit=20)
    assert_page_shows(page, answer)
    dates = page.locator("#results time").evaluate_all("times => times.map(t => t.dateTime)")
    assert dates == sorted(dates, reverse=True), "the list is not newest first"
    query = parse_qs(urlsplit(page.url).query)
    assert query["scale"] == [scale]
    assert float(query["lat"][0]) == pytest.approx(spot["lat"], abs=1e-6)


def test_a_district_search_finds_posts_on_the_map(page, server, spot):
    search_by_address(page, spot, "district")
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    assert mapped(answer["features"]) > 0, "the demo city has no post near the test address"
    assert_page_shows(page, answer)
    entry = page.locator("#results > li").first
    expect(entry.locator(".post-meta")).to_contain_text(re.compile(r"il y a|maintenant|hier"))
    expect(page.get_by_role("button", name="Zoom avant", exact=True)).to_be_visible()


def test_filter_by_category_and_kind(page, server, spot):
    nearby = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=100)
    offered = [
        f["properties"]["category"]
        for f in nearby["features"]
        if f["properties"]["kind"] == "offer" and not f["properties"].get("remote")
    ]
    category = max(set(offered), key=offered.count)
    search_by_address(page, spot, "district")
    page.locator("#categories summary").click()
    page.check(f"#f-category-{category}")
    page.check("#f-kind-offer")
    page.click("#search-button")
    answer = server.match(
        lat=spot["lat"],
        lon=spot["lon"],
        scale="district",
        category=category,
        kind="offer",
        limit=20,
    )
    assert answer["features"], "the filter should leave some posts"
    assert_page_shows(page, answer)
    kinds = page.locator("#results > li").evaluate_all("entries => entries.map(e => e.className)")
    assert all("kind-offer" in kind for kind in kinds)
    query = parse_qs(urlsplit(page.url).query)
    assert query["category"] == [category] and query["kind"] == ["offer"]


def test_load_more_continues_with_the_api_cursor(page, server, spot):
    first = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    assert first["next_cursor"], "the demo city should have more than a page near the address"
    second = server.match(
        lat=spot["lat"], lon=spot["lon"], scale="district", limit=20, cursor=first["next_cursor"]
    )
    search_by_address(page, spot, "district")
    assert_page_shows(page, first)
    page.get_by_role("button", name="Voir plus").click()
    assert_page_shows(page, second, shown=first["features"] + second["features"])
    expect(page.get_by_role("button", name="Voir plus")).to_be_visible(
        visible=second["next_cursor"] is not None
    )


def test_around_me_searches_where_the_browser_is(new_context, server, spot):
    context = new_context(
        geolocation={"latitude": spot["lat"], "longitude": spot["lon"]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"/{CITY}/")
    page.get_by_role("button", name="Autour de moi").click()
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="street", limit=20)
    assert_page_shows(page, answer)
    expect(page.locator("#f-address")).to_have_value("Ma position")
    expect(page.locator("#geo-message")).to_be_hidden()


def test_around_me_refused_says_what_to_do(page):
    page.goto(f"/{CITY}/")
    page.get_by_role("button", name="Autour de moi").click()
    message = page.locator("#geo-message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Vous n'avez pas autorisé l'accès à votre position")
    expect(page.locator("#result-count")).to_contain_text("Les annonces les plus récentes")


def test_list_entries_and_markers_point_at_each_other(page, server, spot):
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    page.goto(f"/{CITY}/?lat={spot['lat']}&lon={spot['lon']}&scale=district")
    assert_page_shows(page, answer)
    marker = page.locator("#map .post-marker").first
    marker_title = marker.get_attribute("title")
    marker.click()
    selected = page.locator("#results > li.selected")
    expect(selected).to_have_count(1)
    assert selected.locator(".post-title").inner_text() in marker_title
    expect(selected).to_be_in_viewport()
    expect(page.locator("#map .leaflet-marker-icon.selected")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)

    mapped_post = next(f for f in answer["features"] if not f["properties"].get("remote"))
    entry = page.locator(f'#results > li[data-post-id="{mapped_post["id"]}"]')
    entry.locator(".post-meta").click()
    expect(entry).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#results > li.selected")).to_have_count(1)
    popup = page.locator(".leaflet-popup .popup-title")
    expect(popup).to_have_text(mapped_post["properties"]["title"])
    expect(page.locator("#map .leaflet-marker-icon.selected")).to_have_count(1)


def test_search_with_the_keyboard_only(page, server, spot):
    page.goto(f"/{CITY}/")
    focus_by_tabbing(page, "f-address")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused field shows no focus ring"
    page.keyboard.type(TYPED)
    expect(page.get_by_role("option", name=spot["label"], exact=True)).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#f-address")).to_have_attribute("aria-activedescendant", re.compile("."))
    page.keyboard.press("Enter")
    expect(page.locator("#f-address")).to_have_value(spot["label"])
    focus_by_tabbing(page, "f-scale")
    page.keyboard.press("ArrowDown")
    assert page.locator("#f-scale").input_value() == "neighbourhood"
    focus_by_tabbing(page, "search-button")
    page.keyboard.press("Enter")
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="neighbourhood", limit=20)
    assert_page_shows(page, answer)
    page.keyboard.press("Tab")  # the next stop after "Search" is the first post's link
    first = page.locator("#results > li").first
    expect(first).to_have_class(re.compile(r"\bselected\b"))


def focus_by_tabbing(page, element_id: str, most: int = 40) -> None:
    for _ in range(most):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"#{element_id} cannot be reached with the Tab key")


def test_the_address_bar_restores_a_search(page, new_context, server, spot):
    search_by_address(page, spot, "neighbourhood")
    page.check("#f-kind-request")
    page.click("#search-button")
    answer = server.match(
        lat=spot["lat"], lon=spot["lon"], scale="neighbourhood", kind="request", limit=20
    )
    assert_page_shows(page, answer)
    page.reload()
    expect(page.locator("#f-address")).to_have_value(spot["label"])
    assert page.locator("#f-scale").input_value() == "neighbourhood"
    expect(page.locator("#f-kind-request")).to_be_checked()
    assert_page_shows(page, answer)

    shared = new_context().new_page()  # someone who was sent the link
    shared.goto(page.url)
    assert_page_shows(shared, answer)
    shared.go_back()
    expect(shared).to_have_url("about:blank")


def test_english_is_one_click_away_and_remembered(page, server, spot):
    page.goto(f"/{CITY}/?lat={spot['lat']}&lon={spot['lon']}&scale=district")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("How near")).to_be_visible()
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    expect(page.locator("#result-count")).to_have_text(
        f"{len(answer['features'])} posts found. More posts are available."
    )
    expect(page.locator("#results time").first).to_have_text(re.compile(r"ago|now|yesterday"))
    expect(page.get_by_role("button", name="Zoom in", exact=True)).to_be_visible()
    page.goto(f"/{CITY}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_an_unknown_address_is_explained_next_to_the_field(page):
    page.goto(f"/{CITY}/")
    page.locator("#f-address").fill("Impasse des Nulle-Part")
    page.locator("#f-address").press("Enter")
    expect(page.locator("#f-address-error")).to_have_text(
        "Cette adresse n'a pas été trouvée dans la ville. "
        "Saisissez-la de nouveau et choisissez-la dans la liste."
    )
    expect(page.locator("#f-address")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-address")).to_have_value("Impasse des Nulle-Part")
    assert listed_ids(page) == []
