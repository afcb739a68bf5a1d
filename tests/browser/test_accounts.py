"""Registering, posting, finding a neighbour's post and contacting its author, in chromium;
user text shown as text; form errors next to their fields."""

import re
import secrets

import pytest

from tests.browser.conftest import CITY, needs_chromium
from tests.browser.test_map_page import choose_address, expect, listed_ids

pytestmark = needs_chromium

PASSWORD = "correct horse battery"
XSS_TITLE = '<img src=x onerror="window.__xss=1">'
XSS_BODY = "<script>window.__xss=2</script><b>gras</b>"


def register(page, server, name: str, typed_address: str, label: str, *, share_email=False) -> str:
    """Sign up through the form, then follow the link mailed to the address: logged in."""
    email = f"{name.lower()}-{secrets.token_hex(4)}@example.org"
    page.goto(f"/{CITY}/register")
    page.get_by_label("Nom affiché avec vos annonces").fill(name)
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    choose_address(page, label, typed=typed_address)
    if share_email:
        page.get_by_label("Partager mon adresse e-mail").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#register-sent")).to_be_visible()
    page.goto(server.mailed_link(email))
    expect(page).to_have_url(re.compile(f"/{CITY}/me$"))
    return email


def publish(page, title: str, body: str, *, kind="request", precision="street") -> int:
    page.goto(f"/{CITY}/new")
    page.check(f"#f-kind-{kind}")
    page.select_option("#f-category", "shopping")
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Détails").fill(body)
    page.check(f"#f-precision-{precision}")
    page.get_by_role("button", name="Publier").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/posts/\\d+$"))
    expect(page.locator("#post-title")).to_have_text(title)
    return int(page.url.rsplit("/", 1)[1])


def test_a_neighbour_finds_a_new_post_and_contacts_its_author(new_context, server):
    alice = new_context().new_page()
    alice_email = register(
        alice,
        server,
        "Alice",
        "2 rue Félix Poul",
        "2 Rue Félix Poulat 38000 Grenoble",
        share_email=True,
    )
    title = f"Courses pour ma voisine {secrets.token_hex(3)}"
    post_id = publish(alice, title, "Le mardi matin, au marché.")
    expect(alice.locator("#contact-own")).to_be_visible()
    expect(alice.locator("#post-map .post-marker")).to_have_count(1)

    bob = new_context().new_page()
    register(bob, server, "Bob", "16 rue Félix Poul", "16 Rue Félix Poulat 38000 Grenoble")
    bob.goto(f"/{CITY}/")
    choose_address(bob, "16 Rue Félix Poulat 38000 Grenoble", typed="16 rue Félix Poul")
    bob.click("#search-button")
    expect(bob.locator("#result-count")).to_contain_text("trouvée")
    assert listed_ids(bob)[0] == post_id, "the newest post nearby comes first"
    bob.locator("#results > li").first.get_by_role("link", name=title).click()
    expect(bob.locator("#post-title")).to_have_text(title)
    bob.get_by_label("Votre message").fill("Bonjour, je peux vous aider mardi.")
    bob.get_by_role("button", name="Envoyer").click()
    expect(bob.locator("#contact-sent")).to_be_visible()

    bob.goto(f"/{CITY}/me")
    outgoing = bob.locator("#outgoing > li").first
    expect(outgoing).to_contain_text("En attente de réponse")
    expect(outgoing).not_to_contain_text(alice_email)

    alice.goto(f"/{CITY}/me")
    incoming = alice.locator("#incoming > li").first
    expect(incoming).to_contain_text("Bonjour, je peux vous aider mardi.")
    incoming.get_by_role("button", name="Accepter").click()
    expect(alice.locator("#incoming > li").first).to_contain_text("Acceptée")

    bob.reload()
    expect(bob.locator("#outgoing > li").first).to_contain_text(f"E-mail : {alice_email}")

    # Alice withdraws her consent: Bob no longer sees her address.
    alice.get_by_label("Partager mon adresse e-mail").uncheck()
    alice.get_by_role("button", name="Enregistrer mes choix").click()
    expect(alice.locator("#me-status")).to_have_text("Enregistré.")
    bob.reload()
    expect(bob.locator("#outgoing > li").first).to_contain_text("Acceptée")
    expect(bob.locator("#outgoing > li").first).not_to_contain_text(alice_email)


def test_my_posts_can_be_edited_renewed_closed_and_deleted(new_context, server):
    page = new_context().new_page()
    register(page, server, "Chloé", "4 rue Félix Poul", "4 Rue Félix Poulat 38000 Grenoble")
    post_id = publish(page, "Promenade du chien", "Le soir.", kind="offer")
    page.goto(f"/{CITY}/me")
    entry = page.locator(f'#my-posts > li[data-post-id="{post_id}"]')
    entry.get_by_role("button", name="Modifier").click()
    entry.get_by_label("Titre").fill("Promenade du chien, le soir")
    entry.get_by_role("button", name="Enregistrer").click()
    expect(entry.locator(".post-title")).to_have_text("Promenade du chien, le soir")
    assert server.api(f"/{CITY}/posts/{post_id}")["properties"]["title"] == (
        "Promenade du chien, le soir"
    )

    entry.get_by_role("button", name="Prolonger de 60 jours").click()
    expect(page.locator("#me-status")).to_have_text("L'annonce a été prolongée.")
    entry.get_by_role("button", name="Clore (aide trouvée)").click()
    expect(entry.locator(".status-badge")).to_have_text("Close")

    page.once("dialog", lambda dialog: dialog.accept())
    entry.get_by_role("button", name="Supprimer").click()
    expect(page.locator("#me-status")).to_have_text("L'annonce a été supprimée.")
    expect(entry).to_have_count(0)


def test_user_text_is_shown_as_text_never_run(new_context, server):
    page = new_context().new_page()
    register(page, server, "Mallory", "1 rue Félix Poul", "1 Rue Félix Poulat 38000 Grenoble")
    post_id = publish(page, XSS_TITLE, XSS_BODY, precision="building")
    expect(page.locator("#post-body")).to_have_text(XSS_BODY)
    assert page.locator("#post img:not(.category-icon), #post script, #post b").count() == 0

    page.goto(f"/{CITY}/?address=1+Rue+F%C3%A9lix+Poulat+38000+Grenoble&scale=building")
    entry = page.locator(f'#results > li[data-post-id="{post_id}"]')
    expect(entry.locator(".post-title")).to_have_text(XSS_TITLE)
    entry.locator(".post-meta").click()
    expect(page.locator(".leaflet-popup .popup-title")).to_have_text(XSS_TITLE)
    assert page.locator("#results img:not(.category-icon)").count() == 0
    assert page.locator(".leaflet-popup img:not(.category-icon)").count() == 0
    assert page.evaluate("window.__xss") is None


def test_bad_input_is_explained_next_to_the_field_and_typed_text_kept(page):
    page.goto(f"/{CITY}/register")
    page.get_by_label("Nom affiché avec vos annonces").fill("Zoé")
    page.get_by_label("Adresse e-mail", exact=True).fill("zoe.example.org")
    page.get_by_label("Mot de passe", exact=True).fill("court")
    page.get_by_role("combobox", name="Votre adresse").fill("1 Rue Félix Poulat 38000 Grenoble")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#f-password-error")).to_have_text(
        "Le mot de passe doit compter au moins 10 caractères."
    )
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Nom affiché avec vos annonces")).to_have_value("Zoé")
    expect(page.locator("#f-email-error")).to_have_text(
        "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    )
    expect(page.get_by_label("Adresse e-mail", exact=True)).to_have_value("zoe.example.org")
    expect(page.locator("#f-display_name-error")).to_be_hidden()


def test_wrong_password_is_refused_with_a_message(page):
    page.goto(f"/{CITY}/login")
    page.get_by_label("Adresse e-mail", exact=True).fill("demo@voisinage.test")
    page.get_by_label("Mot de passe", exact=True).fill("not the password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#login-summary")).to_contain_text("E-mail ou mot de passe incorrect.")


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/new", "/me", "/posts/1"])
def test_every_page_loads_without_errors(page, path):
    """The fixture fails the test on any console error, including a CSP violation."""
    page.goto(f"/{CITY}{path}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_be_visible()


def test_deleting_my_account_removes_my_posts_from_searches(new_context, server, spot):
    page = new_context().new_page()
    email = register(page, server, "Dora", "4 rue Félix Poul", "4 Rue Félix Poulat 38000 Grenoble")
    post_id = publish(page, "Je garde vos plantes", "Pendant les vacances.", kind="offer")
    page.goto(f"/{CITY}/me")
    page.fill("#f-password", PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Supprimer mon compte").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/$"))
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    answer = server.match(lat=spot["lat"], lon=spot["lon"], scale="street", limit=100)
    assert post_id not in [feature["id"] for feature in answer["features"]]
    page.goto(f"/{CITY}/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#login-summary")).to_contain_text("E-mail ou mot de passe incorrect.")


def test_log_in_and_out(page):
    page.goto(f"/{CITY}/me")
    expect(page).to_have_url(re.compile(f"/{CITY}/login\\?next="))
    page.get_by_label("Adresse e-mail", exact=True).fill("demo@voisinage.test")
    page.get_by_label("Mot de passe", exact=True).fill("demo-password-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/me$"))
    expect(page.get_by_role("link", name="Se connecter")).to_be_hidden()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/$"))
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    page.goto(f"/{CITY}/me")
    expect(page).to_have_url(re.compile(f"/{CITY}/login"))


@pytest.mark.parametrize(
    "next_path, landing",
    [
        ("/%5Cevil.invalid/phish", f"/{CITY}/"),  # "/\" is read as "//" by browsers
        ("/%09/evil.invalid/phish", f"/{CITY}/"),  # a tab, which URL parsing drops
        ("https://evil.invalid/phish", f"/{CITY}/"),  # another site
        ("javascript:alert(1)", f"/{CITY}/"),  # not a place at all
        (f"/{CITY}/me%3Fx=1%23top", f"/{CITY}/me?x=1#top"),  # local: query and fragment kept
    ],
)
def test_logging_in_never_leaves_the_site(page, server, next_path, landing):
    page.goto(f"/{CITY}/login?next={next_path}")
    page.get_by_label("Adresse e-mail", exact=True).fill("demo@voisinage.test")
    page.get_by_label("Mot de passe", exact=True).fill("demo-password-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(server.base_url + landing)


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto(f"/{CITY}/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/$"))


def test_a_forgotten_password_is_reset_from_the_mailed_link(new_context, server):
    page = new_context().new_page()
    email = register(page, server, "Elise", "4 rue Félix Poul", "4 Rue Félix Poulat 38000 Grenoble")
    elsewhere = new_context().new_page()
    log_in(elsewhere, email)
    stranger = new_context().new_page()
    stranger.goto(f"/{CITY}/login")
    stranger.get_by_role("link", name="Mot de passe oublié ?").click()
    stranger.get_by_label("Adresse e-mail", exact=True).fill(email)
    stranger.get_by_role("button", name="M'envoyer un lien").click()
    expect(stranger.locator("#forgot-sent")).to_be_visible()

    link = server.mailed_link(email)
    page.goto(link)
    expect(page).to_have_url(re.compile(f"/{CITY}/reset$"))  # the token left the address bar
    page.get_by_label("Nouveau mot de passe").fill("a brand new password")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/me$"))
    elsewhere.goto(f"/{CITY}/me")  # its session ended with the old password
    expect(elsewhere).to_have_url(re.compile(f"/{CITY}/login"))

    used = new_context().new_page()
    used.goto(link)
    used.get_by_label("Nouveau mot de passe").fill("yet another password")
    used.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(used.locator("#link-dead")).to_be_visible()
    log_in(used, email, "a brand new password")


def test_changing_my_password_and_logging_out_everywhere(new_context, server):
    page = new_context().new_page()
    email = register(page, server, "Fanny", "4 rue Félix Poul", "4 Rue Félix Poulat 38000 Grenoble")
    elsewhere = new_context().new_page()
    log_in(elsewhere, email)
    page.goto(f"/{CITY}/me")
    page.get_by_label("Mot de passe actuel").fill("not my password")
    page.get_by_label("Nouveau mot de passe").fill("a brand new password")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.locator("#f-current_password-error")).to_have_text(
        "Ce n'est pas votre mot de passe actuel."
    )
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.locator("#password-changed")).to_be_visible()
    elsewhere.goto(f"/{CITY}/me")
    expect(elsewhere).to_have_url(re.compile(f"/{CITY}/login"))

    log_in(elsewhere, email, "a brand new password")
    page.goto(f"/{CITY}/me")
    page.get_by_role("button", name="Me déconnecter partout").click()
    expect(page).to_have_url(re.compile(f"/{CITY}/$"))
    for browser_page in (page, elsewhere):
        browser_page.goto(f"/{CITY}/me")
        expect(browser_page).to_have_url(re.compile(f"/{CITY}/login"))


def test_a_dead_confirmation_link_says_so(page):
    page.goto(f"/{CITY}/confirm#token=not-a-token")
    expect(page.locator("#link-dead")).to_be_visible()
    expect(page.locator("#confirm-status")).to_be_hidden()
