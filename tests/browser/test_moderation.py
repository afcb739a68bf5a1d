"""A resident reports a post, a moderator hides it from the queue page with a reason: the
post leaves the search, and its poster reads the reason on the account page."""

import json
import urllib.request

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect

SPOT = (45.18867, 5.72443)  # near 1 rue Félix Poulat


def found_ids(base_url: str) -> list[int]:
    query = f"lat={SPOT[0]}&lon={SPOT[1]}&scale=street&limit=100"
    with urllib.request.urlopen(f"{base_url}/api/v1/grenoble/match?{query}", timeout=10) as answer:
        return [feature["id"] for feature in json.load(answer)["features"]]


def create_post(page, title: str, kind: str = "offer") -> int:
    csrf = page.context.request.get("/api/v1/session").json()["csrf_token"]
    answer = page.context.request.post(
        "/api/v1/grenoble/posts",
        data={"kind": kind, "category": "shopping", "title": title, "body": "Le samedi."},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status == 201, answer.text()
    return int(answer.json()["id"])


@needs_chromium
def test_a_reported_post_is_hidden_by_a_moderator_and_its_poster_told_why(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("odile@example.org", *SPOT)
    community.account("rapporteur@example.org", *SPOT)
    community.account("moderatrice@ville.example", *SPOT, role="moderator")
    poster = logged_in("odile@example.org")
    post_id = create_post(poster, "Courses contre service")
    assert post_id in found_ids(community.base_url)

    reader = logged_in("rapporteur@example.org")
    reader.goto(f"/grenoble/posts/{post_id}")
    expect(reader.locator("#report")).to_be_visible()
    reader.fill("#f-reason", "Il demande de l'argent en message privé")
    reader.click("#report-form button[type=submit]")
    expect(reader.locator("#report-sent")).to_be_visible()

    moderator = logged_in("moderatrice@ville.example")
    moderator.goto("/grenoble/moderation")
    item = moderator.locator(f'#queue > li[data-post-id="{post_id}"]')
    expect(item).to_contain_text("Il demande de l'argent en message privé")
    item.locator("textarea").fill("Les services payants ne sont pas admis")
    item.locator('button[data-action="hide"]').click()
    expect(item).to_have_count(0)
    assert post_id not in found_ids(community.base_url)

    poster.goto("/grenoble/me")
    notice = poster.locator(f'#notices > li[data-post-id="{post_id}"]')
    expect(notice).to_contain_text("Les services payants ne sont pas admis")
    expect(notice).to_contain_text("Courses contre service")


@needs_chromium
def test_the_poster_sees_no_report_button_and_residents_no_queue(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("auteur@example.org", *SPOT)
    page = logged_in("auteur@example.org")
    post_id = create_post(page, "Je promène votre chien")
    page.goto(f"/grenoble/posts/{post_id}")
    expect(page.locator("#post-title")).to_have_text("Je promène votre chien")
    expect(page.locator("#report")).to_be_hidden()
    page.goto("/grenoble/moderation")
    expect(page.locator("#moderation-status")).not_to_be_empty()
    expect(page.locator("#queue > li")).to_have_count(0)


@needs_chromium
def test_an_admin_makes_a_resident_a_moderator_from_the_page(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("future-mod@example.org", *SPOT)
    community.account("admin-ville@ville.example", *SPOT, role="admin")
    admin = logged_in("admin-ville@ville.example")
    admin.goto("/grenoble/moderation")
    admin.fill("#f-email", "future-mod@example.org")
    admin.select_option("#f-role", "moderator")
    admin.click("#role-form button[type=submit]")
    expect(admin.locator("#role-status")).to_contain_text("future-mod@example.org")

    moderator = logged_in("future-mod@example.org")
    moderator.goto("/grenoble/moderation")
    expect(moderator.locator("#roles-section")).to_be_hidden()
    answer = moderator.context.request.get("/api/v1/grenoble/moderation/queue")
    assert answer.status == 200


@needs_chromium
def test_a_moderator_verifies_an_organisation_and_its_posts_show_the_mark(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    applicant = community.account(
        "epicerie@example.org", *SPOT, poster_type="association", verification="pending"
    )
    community.account("verificatrice@ville.example", *SPOT, role="moderator")
    organisation = logged_in("epicerie@example.org")
    post_id = create_post(organisation, "Épicerie solidaire")
    organisation.goto(f"/grenoble/posts/{post_id}")
    expect(organisation.locator("#post-meta")).to_contain_text("Habitant")
    expect(organisation.locator("#post-meta .verified")).to_have_count(0)

    moderator = logged_in("verificatrice@ville.example")
    moderator.goto("/grenoble/moderation")
    item = moderator.locator(f'#organisations > li[data-account-id="{applicant["id"]}"]')
    expect(item).to_contain_text("epicerie@example.org")
    item.locator('button[data-decision="approve"]').click()
    expect(item).to_have_count(0)
    expect(moderator.locator("#organisations-status")).to_contain_text("organisation vérifiée")

    organisation.reload()
    expect(organisation.locator("#post-meta .verified")).to_contain_text("vérifié par la ville")
    expect(organisation.locator("#post-meta")).to_contain_text("Association")


@needs_chromium
def test_the_queue_shows_thirty_then_more(community, logged_in):  # noqa: F811
    community.account("prolifique@example.org", *SPOT)
    community.account("vigilant@example.org", *SPOT)
    community.account("moderatrice-pages@ville.example", *SPOT, role="moderator")
    poster = logged_in("prolifique@example.org")
    ids = [create_post(poster, f"Annonce en série {n}") for n in range(31)]
    reporter = logged_in("vigilant@example.org")
    csrf = reporter.context.request.get("/api/v1/session").json()["csrf_token"]
    for post_id in ids:
        answer = reporter.context.request.post(
            f"/api/v1/grenoble/posts/{post_id}/reports",
            data={"reason": "Trop d'annonces"},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status == 201, answer.text()
    moderator = logged_in("moderatrice-pages@ville.example")
    moderator.goto("/grenoble/moderation")
    items = moderator.locator("#queue > li")
    expect(items).to_have_count(30)
    moderator.get_by_role("button", name="Voir plus").click()
    expect(moderator.locator("#queue-more")).to_be_hidden()
    shown = items.evaluate_all("items => items.map(i => Number(i.dataset.postId))")
    assert len(shown) == len(set(shown)) and set(ids) <= set(shown)
