"""A request nobody contacted for two days shows on the social workers' page."""

import sqlite3

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT, create_post


@needs_chromium
def test_a_social_worker_sees_requests_nobody_answered(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("seule@example.org", *SPOT)
    community.account("as-escalade@ville.example", *SPOT, role="social_worker")
    resident = logged_in("seule@example.org")
    post_id = create_post(resident, "Quelqu'un pour me conduire chez le médecin", "request")
    worker = logged_in("as-escalade@ville.example")
    worker.goto("/grenoble/me")
    expect(worker.locator("#agent-links a")).to_have_count(4)
    expect(worker.locator("#agent-links a").first).to_be_hidden()  # moderation: not hers
    worker.locator("#agent-links a").nth(1).click()
    expect(worker).to_have_url(f"{community.base_url}/grenoble/escalations")
    expect(worker.locator("#escalations-status")).not_to_be_empty()
    expect(worker.locator(f'#escalations > li[data-post-id="{post_id}"]')).to_have_count(0)

    with sqlite3.connect(community.database) as connection:  # two days and an hour pass
        connection.execute(
            "UPDATE posts SET created_at = created_at - 49 * 3600 WHERE id = ?", (post_id,)
        )
    connection.close()
    worker.reload()
    item = worker.locator(f'#escalations > li[data-post-id="{post_id}"]')
    expect(item).to_contain_text("Quelqu'un pour me conduire chez le médecin")
    expect(item).to_contain_text("49")
