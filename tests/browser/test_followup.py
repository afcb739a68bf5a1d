"""A neighbour contacts a post, the poster accepts: each side sees only the contact details
the other consented to share; days later both are asked whether the help happened."""

import sqlite3

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT, create_post

PHONE = "06 11 22 33 44"  # every community account's phone


@needs_chromium
def test_contact_accept_consented_details_then_the_follow_up(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    phone_only = {"share_email": False, "share_phone": True}
    email_only = {"share_email": True, "share_phone": False}
    community.account("poster-fu@example.org", *SPOT, consent=phone_only)
    community.account("helper-fu@example.org", *SPOT, consent=email_only)
    poster = logged_in("poster-fu@example.org")
    post_id = create_post(poster, "Aide pour porter des cartons")

    helper = logged_in("helper-fu@example.org")
    helper.goto(f"/grenoble/posts/{post_id}")
    helper.fill("#f-message", "Je peux venir samedi matin.")
    helper.click("#contact-form button[type=submit]")
    expect(helper.locator("#contact-sent")).to_be_visible()

    poster.goto("/grenoble/me")
    incoming = poster.locator("#incoming > li").first
    expect(incoming).to_contain_text("Je peux venir samedi matin.")
    incoming.get_by_role("button", name="Accepter").click()
    expect(incoming).to_contain_text("helper-fu@example.org")
    expect(incoming).not_to_contain_text(PHONE)

    helper.goto("/grenoble/me")
    outgoing = helper.locator("#outgoing > li").first
    expect(outgoing).to_contain_text(PHONE)
    expect(outgoing).not_to_contain_text("poster-fu@example.org")
    expect(helper.locator("#follow-ups-section")).to_be_hidden()

    with sqlite3.connect(community.database) as connection:  # four days pass
        connection.execute("UPDATE connection_stats SET accepted_at = accepted_at - 4 * 86400")
    connection.close()
    helper.reload()
    question = helper.locator("#follow-ups > li")
    expect(question).to_contain_text("Aide pour porter des cartons")
    question.locator('button[data-outcome="done"]').click()
    expect(question).to_have_count(0)
    expect(helper.locator("#follow-ups-status")).not_to_be_empty()
    poster.reload()
    expect(poster.locator("#follow-ups > li")).to_have_count(1)
