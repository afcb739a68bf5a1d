"""The poster's journey in chromium: from "Publier" to an account and back to the form,
with a confirmation at each step; and a new address on the account page, which the posts
placed at home follow (those placed elsewhere stay)."""

import re
import secrets

import pytest

from matcher import public_point
from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_accounts import PASSWORD, publish, register
from tests.browser.test_map_page import choose_address, expect

pytestmark = needs_chromium

GRENETTE = (45.190930, 5.727576)  # 1 Place Grenette, in the city's address sample


@pytest.mark.parametrize("width", [375, 1280])
def test_registering_from_publish_lands_back_on_the_form(new_context, server, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(f"/{CITY}/new")
    page.locator("#login-needed").get_by_role("link", name="créer un compte").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/register\\?next="))

    email = f"nina-{secrets.token_hex(4)}@example.org"
    page.get_by_label("Nom affiché avec vos annonces").fill("Nina")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    choose_address(page, "4 Rue Félix Poulat 38000 Grenoble", typed="4 rue Félix Poul")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#register-sent")).to_be_visible()  # the first confirmation

    page.goto(server.mailed_link(email))
    expect(page).to_have_url(re.compile(f"/{CITY}/new$"))  # the notice's ?done= is gone
    expect(page.locator("#done-notice")).to_have_text(
        "Votre compte est ouvert et vous êtes connecté(e)."
    )
    expect(page.locator("#post-form")).to_be_visible()
    page.select_option("#f-category", "shopping")
    page.get_by_label("Titre").fill("Courses pour Nina")
    page.get_by_role("button", name="Publier").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/posts/\\d+$"))
    expect(page.locator("#done-notice")).to_have_text("Votre annonce est publiée.")


def publish_elsewhere(page, title: str) -> int:
    page.goto(f"/{CITY}/new")
    page.select_option("#f-category", "shopping")
    page.get_by_label("Titre").fill(title)
    page.check("#f-place-other")
    choose_address(page, "2 Place Grenette 38000 Grenoble", typed="2 place Grenet")
    page.get_by_role("button", name="Publier").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/posts/\\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def public_coordinates(server, post_id: int) -> tuple[float, float]:
    lon, lat = server.api(f"/{CITY}/posts/{post_id}")["geometry"]["coordinates"]
    return lat, lon


@pytest.mark.parametrize("width", [375, 1280])
def test_a_new_address_on_the_account_page_moves_the_posts_at_home(new_context, server, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    register(page, server, "Rémi", "4 rue Félix Poul", "4 Rue Félix Poulat 38000 Grenoble")
    at_home = publish(page, "Arrosage des plantes", "Pendant les vacances")
    elsewhere = publish_elsewhere(page, "Courses place Grenette")
    placed_elsewhere = public_coordinates(server, elsewhere)

    page.goto(f"/{CITY}/me")
    expect(page.locator("#f-address")).to_have_value(re.compile("4 Rue Félix Poulat"))
    page.get_by_label("Nom affiché avec vos annonces").fill("Rémi B.")
    choose_address(page, "1 Place Grenette 38000 Grenoble", typed="1 place Grenet")
    page.get_by_role("button", name="Enregistrer mes coordonnées").click()
    expect(page.locator("#me-status")).to_have_text("Enregistré.")

    assert public_coordinates(server, at_home) == pytest.approx(public_point(*GRENETTE, "street"))
    assert public_coordinates(server, elsewhere) == placed_elsewhere
    page.reload()
    expect(page.locator("#f-address")).to_have_value("1 Place Grenette 38000 Grenoble")
    expect(page.get_by_label("Nom affiché avec vos annonces")).to_have_value("Rémi B.")
