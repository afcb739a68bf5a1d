"""No page shows a programmer's word ("null", "undefined", "NaN") to anyone: every page,
visited as each role, over a city with posts, contacts, a mission, escalated requests and
a call list whose person has no typed address."""

import re
import sqlite3

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect

pytestmark = needs_chromium

SPOT = (45.18867, 5.72443)
PAGES = [
    "/grenoble/",
    "/grenoble/?lat=45.18867&lon=5.72443&scale=district",
    "/grenoble/new",
    "/grenoble/me",
    "/grenoble/alerts",
    "/grenoble/missions",
    "/grenoble/notifications",
    "/grenoble/moderation",
    "/grenoble/escalations",
    "/grenoble/calls",
    "/grenoble/poster",
    "/grenoble/login",
    "/grenoble/register",
    "/grenoble/forgot",
]
ROLES = ["resident", "association", "moderator", "social_worker", "admin"]
CODE_WORDS = re.compile(r"\b(null|undefined|NaN)\b")


def seed(community, logged_in):  # noqa: F811
    """Two neighbours, a post contacted by one, an old request nobody answered, a person
    on the call list placed by coordinates only."""
    community.account("voisine@example.org", *SPOT)
    community.account("voisin@example.org", *SPOT, accepts_calls=1, accepts_missions=1)
    poster = logged_in("voisine@example.org")
    csrf = poster.context.request.get("/api/v1/session").json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    posts = []
    for kind in ("offer", "request"):
        body = {"kind": kind, "category": "shopping", "title": f"Annonce {kind}"}
        answer = poster.context.request.post(
            "/api/v1/grenoble/posts", data=body | {"lat": SPOT[0], "lon": SPOT[1]}, headers=headers
        )
        assert answer.ok, answer.text()
        posts.append(answer.json()["id"])
    with sqlite3.connect(community.database) as connection:
        connection.execute(
            "UPDATE posts SET created_at = created_at - 90 * 86400 WHERE id = ?", (posts[1],)
        )
    connection.close()
    neighbour = logged_in("voisin@example.org")
    csrf = neighbour.context.request.get("/api/v1/session").json()["csrf_token"]
    answer = neighbour.context.request.post(
        f"/api/v1/grenoble/posts/{posts[0]}/contact",
        data={"message": "Bonjour"},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.ok, answer.text()
    return posts


def visible_code_words(page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return [f"{path}: {word}" for word in CODE_WORDS.findall(page.locator("body").inner_text())]


def test_no_page_shows_null_undefined_or_nan(browser, community, logged_in):  # noqa: F811
    posts = seed(community, logged_in)
    found = []
    anonymous = browser.new_context(base_url=community.base_url, locale="fr-FR").new_page()
    for path in [*PAGES, f"/grenoble/posts/{posts[0]}"]:
        found += visible_code_words(anonymous, path)
    anonymous.context.close()
    for role in ROLES:
        email = f"{role}@ville.example"
        community.account(email, *SPOT, role=role)
        page = logged_in(email)
        for path in [*PAGES, f"/grenoble/posts/{posts[0]}", f"/grenoble/posts/{posts[1]}"]:
            found += visible_code_words(page, path)
        if role == "social_worker":  # a person placed by coordinates: no address text
            csrf = page.context.request.get("/api/v1/session").json()["csrf_token"]
            person = {"name": "M. Sans Adresse", "phone": "04 76 00 00 00"}
            person |= {"lat": SPOT[0], "lon": SPOT[1], "consent_on": "2026-11-02"}
            answer = page.context.request.post(
                "/api/v1/grenoble/calls/people", data=person, headers={"X-CSRF-Token": csrf}
            )
            assert answer.ok, answer.text()
            page.goto("/grenoble/calls")
            page.get_by_role("button", name="M. Sans Adresse").click()
            expect(page.locator("#person-panel")).to_be_visible()
            page.wait_for_load_state("networkidle")
            found += [f"calls panel: {w}" for w in CODE_WORDS.findall(page.inner_text("body"))]
    assert found == []
