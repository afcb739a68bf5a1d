"""Posting once, in chromium: a double click on "Publier" publishes one post, and a retry
after a lost answer does not publish again (one Idempotency-Key per form)."""

import pytest

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect

SPOT = (45.18867, 5.72443)
WIDTHS = [375, 1280]


def my_titles(page) -> list[str]:
    """The account's posts, counted through the API (the page's own cookies)."""
    answer = page.request.get("/api/v1/grenoble/me/posts")
    assert answer.ok, answer.text()
    return [post["title"] for post in answer.json()["posts"]]


def fill_the_form(page, title: str) -> None:
    page.goto("/grenoble/new")
    page.select_option("#f-category", "shopping")
    page.fill("#f-title", title)


@needs_chromium
@pytest.mark.parametrize("width", WIDTHS)
def test_a_double_click_on_publish_publishes_once(community, logged_in, width):  # noqa: F811
    email = f"double-{width}@example.org"
    community.account(email, *SPOT)
    page = logged_in(email)
    page.set_viewport_size({"width": width, "height": 800})
    fill_the_form(page, "Courses du samedi")
    page.dblclick("#post-form button[type=submit]")
    page.wait_for_url("**/posts/**")
    assert my_titles(page) == ["Courses du samedi"]


def lose_the_first_answer(page) -> None:
    """The server publishes the first post, but a proxy on the way answers 504."""
    lost = []

    def handle(route) -> None:
        if lost:
            route.continue_()
            return
        route.fetch()
        lost.append(True)
        route.fulfill(status=504, content_type="text/html", body="Gateway Timeout")

    page.route("**/api/v1/grenoble/posts", handle)


@needs_chromium
def test_publishing_again_after_a_lost_answer_publishes_once(community, logged_in):  # noqa: F811
    community.account("lost@example.org", *SPOT)
    page = logged_in("lost@example.org")
    fill_the_form(page, "Promenade du chien")
    lose_the_first_answer(page)
    page.click("#post-form button[type=submit]")
    page.locator("#post-summary").wait_for(state="visible")  # the network error, shown
    page.click("#post-form button[type=submit]")  # the person tries again
    page.wait_for_url("**/posts/**")
    assert my_titles(page) == ["Promenade du chien"]


@needs_chromium
def test_a_form_changed_after_a_lost_answer_says_so_and_is_not_stuck(community, logged_in):  # noqa: F811
    community.account("changed@example.org", *SPOT)
    page = logged_in("changed@example.org")
    fill_the_form(page, "Promenade du chien")
    lose_the_first_answer(page)
    page.click("#post-form button[type=submit]")
    summary = page.locator("#post-summary")
    summary.wait_for(state="visible")
    page.fill("#f-title", "Promenade du chien le soir")  # the person changes the form
    page.click("#post-form button[type=submit]")
    # the same key with another body: told in French that the first one went through,
    # not the API's English about a header
    expect(summary).to_contain_text("Votre envoi précédent est bien arrivé")
    assert "Idempotency-Key" not in summary.inner_text()
    assert my_titles(page) == ["Promenade du chien"]
    page.click("#post-form button[type=submit]")  # and sending the changed form again works
    page.wait_for_url("**/posts/**")
    assert sorted(my_titles(page)) == ["Promenade du chien", "Promenade du chien le soir"]
