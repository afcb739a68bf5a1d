"""Mission sign-up: an association posts a mission, a volunteer nearby says yes, the
association sees them."""

from datetime import datetime, timedelta

from pyproj import Geod

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium

GEOD = Geod(ellps="WGS84")
SPOT = (45.18867, 5.72443)  # near 1 rue Félix Poulat


@needs_chromium
def test_a_volunteer_signs_up_for_a_mission(community, logged_in):  # noqa: F811
    community.account("restos@example.org", *SPOT, role="association")
    lon, lat, _ = GEOD.fwd(SPOT[1], SPOT[0], 180, 400)
    community.account("josette@example.org", lat, lon, accepts_missions=1)
    association = logged_in("restos@example.org")
    association.goto("/grenoble/missions")
    association.fill("#f-title", "Distribution du samedi")
    in_a_month = datetime.now() + timedelta(days=30)
    association.fill("#f-starts_at", in_a_month.strftime("%Y-%m-%dT09:30"))
    association.fill("#f-address", "1 rue Félix Poulat")
    association.keyboard.press("Escape")
    association.fill("#f-radius_m", "1000")
    association.fill("#f-volunteers_needed", "3")
    association.click("#mission-form button[type=submit]")
    association.locator("#missions-posted li", has_text="Distribution du samedi").wait_for()
    assert "moins de 5" in association.locator("#missions-status").inner_text()  # one

    volunteer = logged_in("josette@example.org")
    volunteer.goto("/grenoble/missions")
    mission = volunteer.locator("#missions-around li", has_text="Distribution du samedi")
    mission.locator("input[type=checkbox]").check()
    mission.get_by_role("button", name="Oui").click()
    volunteer.locator("#missions-around .my-answer").wait_for()

    association.reload()
    posted = association.locator("#missions-posted li", has_text="Distribution du samedi")
    posted.locator("button").first.click()
    posted.locator(".answers li", has_text="josette@example.org").wait_for()
    assert "josette" in posted.locator(".answers li").first.inner_text()
