"""A social worker takes an unanswered request in charge on the escalations page, with a
note; a colleague sees who has it."""

import sqlite3

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT, create_post


@needs_chromium
def test_a_social_worker_takes_a_request_in_charge(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("isolee@example.org", *SPOT)
    community.account("as-prise@ville.example", *SPOT, role="social_worker")
    community.account("as-collegue@ville.example", *SPOT, role="social_worker")
    resident = logged_in("isolee@example.org")
    post_id = create_post(resident, "Quelqu'un pour porter mes courses", "request")
    with sqlite3.connect(community.database) as connection:
        connection.execute(
            "UPDATE posts SET created_at = created_at - 50 * 3600 WHERE id = ?", (post_id,)
        )
    connection.close()

    worker = logged_in("as-prise@ville.example")
    worker.goto("/grenoble/escalations")
    item = worker.locator(f'#escalations > li[data-post-id="{post_id}"]')
    expect(item.locator(".taken-by")).to_have_text("Personne ne l'a encore pris en charge.")
    item.get_by_label("Note pour les autres agents").fill("Je l'appelle cet après-midi.")
    item.get_by_role("button", name="Je le prends en charge").click()
    expect(item.locator(".taken-by")).to_contain_text("Pris en charge par as-prise")

    colleague = logged_in("as-collegue@ville.example")
    colleague.goto("/grenoble/escalations")
    seen = colleague.locator(f'#escalations > li[data-post-id="{post_id}"]')
    expect(seen.locator(".taken-by")).to_contain_text("Pris en charge par as-prise")
    expect(seen.get_by_label("Note pour les autres agents")).to_have_value(
        "Je l'appelle cet après-midi."
    )
    seen.get_by_role("button", name="Le laisser").click()
    expect(seen.locator(".taken-by")).to_have_text("Personne ne l'a encore pris en charge.")
