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


@needs_chromium
def test_a_long_list_comes_a_page_at_a_time(community, logged_in, tmp_path):  # noqa: F811
    """35 people beside those other tests added (the community is shared): a page of 30,
    then "Load more" gives the others, each once."""
    spot = (45.18867, 5.72443)
    community.account("as-liste@ville.example", *spot, role="social_worker")
    register = tmp_path / "registre.csv"
    rows = [f"Personne {n:02};04 76 00 00 {n:02};1 rue Félix Poulat;oui;" for n in range(35)]
    register.write_text("name;phone;address;consent;notes\n" + "\n".join(rows), encoding="utf-8")
    page = logged_in("as-liste@ville.example")
    page.goto("/grenoble/calls")
    page.set_input_files("#f-register", str(register))
    page.click("#import-form button[type=submit]")
    people = page.locator("#people li")
    expect(people).to_have_count(30)
    total = page.evaluate(
        """async () => {
            let count = 0, cursor = null;
            do {
                const query = cursor ? `?cursor=${cursor}` : "";
                const page = await (await fetch(`/api/v1/grenoble/calls/people${query}`)).json();
                count += page.people.length;
                cursor = page.next_cursor;
            } while (cursor);
            return count;
        }"""
    )
    assert 35 <= total <= 60
    page.click("#people-more")
    expect(people).to_have_count(total)
    expect(page.locator("#people-more")).to_be_hidden()
    names = [name for name in people.all_inner_texts() if name.startswith("Personne")]
    assert sorted(names) == [f"Personne {n:02}" for n in range(35)]
