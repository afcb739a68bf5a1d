"""A social worker adds a person to the call list, sees the nearest volunteer, assigns them."""

from playwright.sync_api import expect
from pyproj import Geod

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium

GEOD = Geod(ellps="WGS84")


@needs_chromium
def test_a_social_worker_assigns_the_nearest_volunteer(community, logged_in):  # noqa: F811
    spot = (45.18867, 5.72443)  # near 1 rue Félix Poulat (the BAN sample's point)
    community.account("assistante@ville.example", *spot, role="social_worker")
    for name, metres in (("paulette", 150), ("marcel", 1500)):
        lon, lat, _ = GEOD.fwd(spot[1], spot[0], 90, metres)
        community.account(f"{name}@example.org", lat, lon, accepts_calls=1)
    page = logged_in("assistante@ville.example")
    page.goto("/grenoble/calls")
    page.fill("#f-name", "Mme Odette Ferrand")
    page.fill("#f-phone", "04 76 12 34 56")
    page.fill("#f-address", "1 rue Félix Poulat")
    page.keyboard.press("Escape")
    page.check("#f-needs-shopping")
    page.fill("#f-consent_on", "2026-11-02")
    page.click("#person-form button[type=submit]")
    volunteers = page.locator("#volunteers li")
    expect(volunteers).to_have_count(2)
    expect(volunteers.first).to_contain_text("paulette")
    volunteers.first.get_by_role("button").click()
    details = page.locator("#person-details .assigned")
    details.filter(has_text="paulette").wait_for()
    page.locator("#people li", has_text="Mme Odette Ferrand – paulette").wait_for()
