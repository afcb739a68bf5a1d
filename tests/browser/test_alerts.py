"""A subscriber creates an alert, a neighbour posts a request, the alert is in the
subscriber's inbox (and in the local SMTP sink)."""

from pyproj import Geod

from tests.browser.community import (  # noqa: F401 (fixtures)
    community,
    logged_in,
    publish_from_the_form,
)
from tests.browser.conftest import needs_chromium

GEOD = Geod(ellps="WGS84")
SPOT = (45.18867, 5.72443)


@needs_chromium
def test_a_subscriber_receives_an_alert_after_a_neighbour_posts(community, logged_in):  # noqa: F811
    community.account("guetteur@example.org", *SPOT)
    lon, lat, _ = GEOD.fwd(SPOT[1], SPOT[0], 45, 200)
    community.account("voisine@example.org", lat, lon)
    subscriber = logged_in("guetteur@example.org")
    subscriber.goto("/grenoble/alerts")
    subscriber.check("#f-kind-request")
    subscriber.locator("#f-categories-shopping").check()
    subscriber.fill("#f-radius_m", "400")
    subscriber.click("#alert-form button[type=submit]")
    subscriber.locator("#my-alerts li button").wait_for()

    neighbour = logged_in("voisine@example.org")
    publish_from_the_form(neighbour, "Qui peut me rapporter du pain ?", "request")

    subscriber.goto("/grenoble/notifications")
    alert = subscriber.locator("#inbox li", has_text="Qui peut me rapporter du pain ?")
    alert.wait_for()
    alert.get_by_role("link").click()
    subscriber.wait_for_url("**/grenoble/posts/**")
    mails = [
        m
        for m in community.mail.messages
        if m["To"] == "guetteur@example.org" and "#token=" not in m.get_content()  # sign-up
    ]
    assert len(mails) == 1 and "Qui peut me rapporter du pain ?" in mails[0]["Subject"]
