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
    expect(item).to_contain_text("en attente depuis 2 jours")


@needs_chromium
def test_the_queue_pages_and_counts_in_days(community, logged_in):  # noqa: F811
    community.account("nombreux@example.org", *SPOT)
    community.account("as-pages@ville.example", *SPOT, role="social_worker")
    resident = logged_in("nombreux@example.org")
    csrf = resident.context.request.get("/api/v1/session").json()["csrf_token"]
    ids = []
    for number in range(31):
        body = {"kind": "request", "category": "shopping", "title": f"Demande {number}"}
        body |= {"lat": SPOT[0], "lon": SPOT[1]}
        answer = resident.context.request.post(
            "/api/v1/grenoble/posts", data=body, headers={"X-CSRF-Token": csrf}
        )
        assert answer.ok, answer.text()
        ids.append(answer.json()["id"])
    with sqlite3.connect(community.database) as connection:  # 90 days, the first the oldest
        for age, post_id in enumerate(ids):
            connection.execute(
                "UPDATE posts SET created_at = created_at - 90 * 86400 - ? * 60 WHERE id = ?",
                (len(ids) - age, post_id),
            )
    connection.close()
    worker = logged_in("as-pages@ville.example")
    worker.goto("/grenoble/escalations")
    items = worker.locator("#escalations > li")
    expect(items).to_have_count(30)
    expect(items.first).to_contain_text("en attente depuis 90 jours")
    expect(items.first).to_have_attribute("data-post-id", str(ids[0]))
    worker.get_by_role("button", name="Voir plus").click()
    expect(worker.locator("#escalations-more")).to_be_hidden()
    shown = [int(i) for i in items.evaluate_all("items => items.map(i => i.dataset.postId)")]
    assert [i for i in shown if i in ids] == ids and len(shown) == len(set(shown))
