"""Contact that always reaches, walked as people would on a phone and a desktop: a
neighbour contacts a post; the poster sees the notice (count in the header), accepts;
both write in the thread although neither shares an e-mail or phone; the post page then
shows the contact, never a second form; a third account gets 404 on the thread."""

from pathlib import Path

import pytest

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT, create_post

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOT_SHARED = {"consent": {"share_email": False, "share_phone": False}}
WIDTHS = {375: "phone", 1280: "desktop"}


def at_width(page, width: int):
    page.set_viewport_size({"width": width, "height": 800 if width > 400 else 740})
    return page


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_contact_notice_accept_then_both_write_in_the_thread(
    community,  # noqa: F811
    logged_in,  # noqa: F811
    width,
):
    emails = {who: f"{who}-{width}@example.org" for who in ("odette", "marius", "curieux")}
    for email in emails.values():
        community.account(email, *SPOT, **NOT_SHARED)
    poster = at_width(logged_in(emails["odette"]), width)
    post_id = create_post(poster, "Monter mes courses au 4e")

    helper = at_width(logged_in(emails["marius"]), width)
    helper.goto(f"/grenoble/posts/{post_id}")
    form = helper.locator("#contact-form")
    expect(form).to_contain_text("Sans partage, vous vous écrivez dans la discussion")
    expect(helper.locator("#f-share_email")).not_to_be_checked()
    helper.fill("#f-message", "Je peux passer ce soir vers 18 h.")
    helper.click("#contact-form button[type=submit]")
    expect(helper.locator("#contact-sent")).to_be_visible()
    expect(helper.locator("#connection-state")).to_contain_text("En attente")
    helper.reload()  # the page knows I wrote: the state, no second form
    expect(helper.locator("#connection-state")).to_contain_text("En attente")
    expect(form).to_be_hidden()

    poster.goto("/grenoble/")
    expect(poster.locator("#header-unread")).to_have_text("1")
    poster.click("#header-inbox")
    notice = poster.locator("#inbox > li").first
    expect(notice).to_contain_text(f"{emails['marius'].split('@')[0]} vous a contacté(e)")
    notice.get_by_role("link").click()
    incoming = poster.locator("#incoming > li").first
    expect(incoming).to_contain_text("Je peux passer ce soir vers 18 h.")
    incoming.get_by_role("button", name="Accepter").click()
    incoming.get_by_role("link", name="Ouvrir les messages").click()
    thread = poster.locator("#thread")
    expect(thread).to_contain_text("n'a partagé ni e-mail ni téléphone")
    poster.fill("#f-body", "Merci ! Le code de la porte est au dos de l'annonce.")
    poster.click("#thread-form button[type=submit]")
    expect(poster.locator("#thread-messages .mine")).to_contain_text("Merci !")

    helper.goto("/grenoble/")
    expect(helper.locator("#header-unread")).to_have_text("2")  # accepted, then a message
    helper.goto(f"/grenoble/posts/{post_id}")
    expect(helper.locator("#connection-state")).to_contain_text("Acceptée")
    expect(helper.locator("#thread-messages .theirs")).to_contain_text("Merci !")
    helper.fill("#f-body", "Parfait, à ce soir.")
    helper.click("#thread-form button[type=submit]")
    expect(helper.locator("#thread-messages .mine")).to_contain_text("Parfait, à ce soir.")
    poster.reload()
    expect(poster.locator("#thread-messages .theirs")).to_contain_text("Parfait, à ce soir.")
    helper.reload()
    expect(helper.locator("#thread-messages li")).to_have_count(2)
    expect(helper.locator("#header-unread")).to_be_hidden()  # reading the thread read them
    helper.screenshot(path=DOCS / f"thread-{WIDTHS[width]}.png", full_page=True)

    connection_id = helper.context.request.get("/api/v1/me/connections").json()["outgoing"][0]["id"]
    third = logged_in(emails["curieux"])
    answer = third.context.request.get(f"/api/v1/me/connections/{connection_id}/messages")
    assert answer.status == 404
    third.goto(f"/grenoble/posts/{post_id}?connection={connection_id}#thread")
    expect(third.locator("#contact-form")).to_be_visible()  # its own, first contact
    expect(third.locator("#thread")).to_be_hidden()


def api_post(page, path: str, body: dict | None = None):
    csrf = page.context.request.get("/api/v1/session").json()["csrf_token"]
    answer = page.context.request.post(path, data=body or {}, headers={"X-CSRF-Token": csrf})
    assert answer.ok, answer.text()
    return answer.json()


@needs_chromium
def test_a_reported_thread_is_read_by_a_moderator_only_then(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("paule@example.org", *SPOT, **NOT_SHARED)
    community.account("insistant@example.org", *SPOT, **NOT_SHARED)
    community.account("modo-fil@ville.example", *SPOT, role="moderator")
    poster = logged_in("paule@example.org")
    post_id = create_post(poster, "Garde de chat en août")
    other = logged_in("insistant@example.org")
    connection = api_post(other, f"/api/v1/grenoble/posts/{post_id}/contact", {"message": "Moi"})
    api_post(poster, f"/api/v1/me/connections/{connection['id']}/accept")
    messages = f"/api/v1/me/connections/{connection['id']}/messages"
    api_post(other, messages, {"body": "Envoyez-moi d'abord 50 euros."})
    moderator = logged_in("modo-fil@ville.example")
    reported = f"/api/v1/grenoble/moderation/threads/{connection['id']}"
    assert moderator.context.request.get(reported).status == 404  # private until reported

    poster.goto(f"/grenoble/posts/{post_id}?connection={connection['id']}#thread")
    poster.locator(".thread-report summary").click()
    poster.fill("#f-thread-reason", "Il demande de l'argent.")
    poster.click("#thread-report-form button[type=submit]")
    expect(poster.locator("#thread-report-sent")).to_contain_text("Un modérateur")

    moderator.goto("/grenoble/moderation")
    item = moderator.locator(f'#reported-threads li[data-connection-id="{connection["id"]}"]')
    expect(item).to_contain_text("Il demande de l'argent.")
    item.get_by_role("button", name="Lire la discussion").click()
    expect(item).to_contain_text("Envoyez-moi d'abord 50 euros.")
