"""axe-core's automated accessibility rules (WCAG 2.1 A and AA) on every page, filled."""

from pathlib import Path

import pytest

from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_map_page import assert_page_shows, expect

pytestmark = needs_chromium

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list:
    page.add_script_tag(path=AXE)
    result = page.evaluate("options => axe.run(document, options)", RULES)
    return [
        (rule["id"], rule["help"], [node["target"] for node in rule["nodes"][:3]])
        for rule in result["violations"]
    ]


@pytest.fixture
def audited_page(new_context):
    # Injecting axe needs an inline script, which the pages' CSP (rightly) forbids.
    return new_context(bypass_csp=True).new_page()


def test_map_page_with_results(audited_page, server, spot):
    page = audited_page
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="district", limit=20)
    page.goto(f"/{CITY}/?lat={spot['lat']}&lon={spot['lon']}&scale=district")
    assert_page_shows(page, answer)
    page.locator("#categories summary").click()
    page.locator("#results > li .post-meta").first.click()
    page.wait_for_function(  # the popup is open and faded in: axe measures the final colours
        "() => { const popup = document.querySelector('.leaflet-popup');"
        " return popup !== null && getComputedStyle(popup).opacity === '1'; }"
    )
    assert violations(page) == []


def test_address_suggestions_open(audited_page):
    page = audited_page
    page.goto(f"/{CITY}/")
    page.locator("#f-address").fill("1 rue Félix Poul")
    expect(page.get_by_role("option").first).to_be_visible()
    page.locator("#f-address").press("ArrowDown")
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/login", "/register", "/posts/1"])
def test_anonymous_pages(audited_page, path):
    page = audited_page
    page.goto(f"/{CITY}{path}")
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_register_page_showing_errors(audited_page):
    page = audited_page
    page.goto(f"/{CITY}/register")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#register-summary")).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/me", "/new", "/posts/1"])
def test_pages_of_a_logged_in_resident(audited_page, path):
    page = audited_page
    page.goto(f"/{CITY}/login")
    page.get_by_label("Adresse e-mail", exact=True).fill("demo@voisinage.test")
    page.get_by_label("Mot de passe", exact=True).fill("demo-password-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{page.url.split('/' + CITY)[0]}/{CITY}/")
    page.goto(f"/{CITY}{path}")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
