"""The stairwell, walked as people would: a city agent prints the poster with an
invitation; a resident opens its link, signs up from it and joins; posts to the
building; a neighbour who joined sees it under "Mon immeuble" and contacts them. The post
is on no public map."""

import re
import secrets
import sqlite3

from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_accounts import PASSWORD, register
from tests.browser.test_map_page import choose_address, expect

pytestmark = needs_chromium

HOME = "1 Rue Félix Poulat 38000 Grenoble"
TYPED = "1 rue Félix Poul"


def make_agent(server, email: str) -> None:
    conn = sqlite3.connect(server.database)
    try:
        with conn:
            conn.execute("UPDATE accounts SET role = 'moderator' WHERE email = ?", (email,))
    finally:
        conn.close()


def sign_up_from(page, server, name: str) -> None:
    """On the join page, logged out: create the account there, open it from the mail."""
    email = f"{name.lower()}-{secrets.token_hex(4)}@example.org"
    expect(page.locator("#join-anonymous")).to_be_visible()
    page.click("#join-register")
    page.get_by_label("Nom affiché avec vos annonces").fill(name)
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    choose_address(page, HOME, typed=TYPED)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#register-sent")).to_be_visible()
    page.goto(server.mailed_link(email))


def test_poster_invitation_join_post_to_the_building_and_a_neighbour_contacts(new_context, server):
    agent = new_context().new_page()
    make_agent(
        server,
        register(agent, server, "Agent", "4 rue Félix Poul", "4 Rue Félix Poulat 38000 Grenoble"),
    )
    agent.goto(f"/{CITY}/poster")
    agent.fill("#f-address", "1 rue Félix Poulat")
    agent.check("#f-invite")
    agent.get_by_role("button", name="Faire l'affiche").click()
    expect(agent.locator("#poster-invitation-qr svg")).to_be_visible()
    invitation = agent.locator("#poster-invitation-url").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(server.base_url)}/{CITY}/join/[\w-]+", invitation)

    resident = new_context().new_page()
    resident.goto(invitation)
    sign_up_from(resident, server, "Odette")
    expect(resident).to_have_url(invitation)
    expect(resident.locator("#join-done")).to_be_visible()

    resident.goto(f"/{CITY}/new")
    resident.check("#f-kind-request")
    resident.select_option("#f-category", "shopping")
    resident.check("#f-audience-building")
    expect(resident.locator('[data-field="precision"]')).to_be_hidden()
    title = f"Monter mes packs d'eau {secrets.token_hex(3)}"
    resident.get_by_label("Titre").fill(title)
    resident.get_by_role("button", name="Publier").click()
    expect(resident).to_have_url(re.compile(f"/{CITY}/posts/\\d+$"))
    expect(resident.locator("#post-title")).to_have_text(title)
    expect(resident.locator("#post-map")).to_be_hidden()  # no public point
    post_id = int(resident.url.rsplit("/", 1)[1])
    found = server.api(f"/{CITY}/posts", {"bbox": "5.70,45.17,5.75,45.20", "limit": 500})
    assert post_id not in [feature["id"] for feature in found["features"]]

    neighbour = new_context().new_page()
    register(neighbour, server, "Marius", TYPED, HOME)
    neighbour.goto(invitation)  # the same poster's QR code
    expect(neighbour.locator("#join-done")).to_be_visible()
    neighbour.locator("#join-done a").click()
    mine = neighbour.locator("#my-building-posts")
    expect(mine).to_contain_text(title)
    mine.get_by_role("link", name=title).click()
    expect(neighbour.locator("#post-title")).to_have_text(title)
    neighbour.fill("#f-message", "Je suis au 2e, je monte vos packs ce soir.")
    neighbour.click("#contact-form button[type=submit]")
    expect(neighbour.locator("#contact-sent")).to_be_visible()

    stranger = new_context().new_page()
    stranger.goto(f"/{CITY}/posts/{post_id}")
    expect(stranger.locator("#post-message")).to_be_visible()  # the unknown post's 404
    expect(stranger.locator("body")).not_to_contain_text(title)
