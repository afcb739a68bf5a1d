"""The pages say what went wrong in their own language, from each error's ``code``: never
the API's English message, on a server whose rate limits are on."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from tests.browser.community import Community, MailSink, logged_in  # noqa: F401 (fixture)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.web.conftest import add_city
from web.testing import serve

pytestmark = needs_chromium

SPOT = (45.18867, 5.72443)  # near 1 rue Félix Poulat
ENGLISH = ["requests in", "retry in", "already", "must start", "Input should", "reported"]


@pytest.fixture(scope="module")
def community(tmp_path_factory) -> Iterator[Community]:
    """Replaces community.py's for this module: the same server, rate limits on (three
    logins per e-mail address a minute)."""
    database = tmp_path_factory.mktemp("limited") / "voisinage.sqlite"
    add_city(database)
    mail = MailSink()
    mail.controller.start()
    settings = {
        "VOISINAGE_TESTING": "1",
        "VOISINAGE_RATE_LIMITS_ENABLED": "1",
        "VOISINAGE_RATE_LIMIT_LOGIN": "100/60",
        "VOISINAGE_RATE_LIMIT_ADDRESS": "3/60",
        "VOISINAGE_PASSWORD_HASH": "fast",
        "VOISINAGE_SMTP_HOST": "127.0.0.1",
        "VOISINAGE_SMTP_PORT": str(mail.port),
    }
    try:
        with serve(database, settings=settings) as base_url:
            yield Community(base_url, database, mail)
    finally:
        mail.controller.stop()


def assert_no_english(page) -> None:
    text = page.locator("main").inner_text()
    assert not [words for words in ENGLISH if words in text], text


def test_too_many_logins_are_told_in_french(browser, community):
    community.account("lea@example.org", *SPOT)
    context = browser.new_context(base_url=community.base_url, locale="fr-FR")
    page = context.new_page()
    page.goto("/grenoble/login")
    page.fill("#f-email", "lea@example.org")
    summary = page.locator("#login-form .form-summary")
    for attempt in range(4):  # the sign-up counted as one: the third login is one too many
        page.fill("#f-password", f"wrong password {attempt}")
        page.click("#login-form button[type=submit]")
        expected = "mot de passe incorrect" if attempt == 0 else "Trop d'essais"
        if attempt in (0, 3):
            expect(summary).to_contain_text(expected)
    assert_no_english(page)
    unknown = page.evaluate(
        "import('/static/js/common.js').then((m) => m.errorText(422, 'x', 'a_future_code'))"
    )
    assert unknown == "Un problème est survenu. Veuillez réessayer."
    context.close()


def test_reporting_twice_and_contacting_twice_are_told_in_french(community, logged_in):  # noqa: F811
    community.account("poster@example.org", *SPOT)
    community.account("reader@example.org", *SPOT)
    poster = logged_in("poster@example.org")
    poster.goto("/grenoble/new")
    poster.check("#f-kind-offer")
    poster.select_option("#f-category", "shopping")
    poster.fill("#f-title", "Courses du mardi")
    poster.click("#post-form button[type=submit]")
    poster.wait_for_url("**/posts/**")
    post_path = poster.url.removeprefix(community.base_url)

    reader = logged_in("reader@example.org")
    second_tab = reader.context.new_page()
    for tab in (reader, second_tab):
        tab.goto(post_path)
        expect(tab.locator("#contact-form")).to_be_visible()
    for tab in (reader, second_tab):
        tab.fill("#f-message", "Bonjour, je peux aider.")
        tab.click("#contact-form button[type=submit]")
        expect(tab.locator("#connection-state")).to_contain_text("En attente")
        assert_no_english(tab)

    for tab in (reader, second_tab):
        tab.reload()
        tab.fill("#f-reason", "Cela ressemble à une publicité.")
    reader.click("#report-form button[type=submit]")
    expect(reader.locator("#report-sent")).to_be_visible()
    second_tab.click("#report-form button[type=submit]")
    expect(second_tab.locator("#report-summary")).to_have_text(
        "Vous avez déjà signalé cette annonce ; un modérateur va l'examiner."
    )
    assert_no_english(second_tab)


def test_a_date_in_the_past_is_told_in_french(community, logged_in):  # noqa: F811
    community.account("asso@example.org", *SPOT, role="association")
    page = logged_in("asso@example.org")
    page.goto("/grenoble/missions")
    page.fill("#f-title", "Distribution du samedi")
    yesterday = datetime.now() - timedelta(days=1)
    page.fill("#f-starts_at", yesterday.strftime("%Y-%m-%dT09:30"))
    page.fill("#f-address", "1 rue Félix Poulat")
    page.keyboard.press("Escape")
    page.fill("#f-radius_m", "1000")
    page.fill("#f-volunteers_needed", "3")
    page.click("#mission-form button[type=submit]")
    expect(page.locator("#f-starts_at-error")).to_have_text(
        "Choisissez une date et une heure à venir, dans l'année."
    )
    assert_no_english(page)
