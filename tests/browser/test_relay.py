"""A social worker posts for a person who phoned: the public post says an agent relays it,
shows neither the person's name nor phone, and a neighbour's request reaches the agent."""

import re

from tests.browser.community import community, logged_in  # noqa: F401 (fixtures)
from tests.browser.conftest import needs_chromium
from tests.browser.test_map_page import expect
from tests.browser.test_moderation import SPOT


@needs_chromium
def test_an_agent_posts_for_someone_and_relays_the_contacts(
    community,  # noqa: F811
    logged_in,  # noqa: F811
):
    community.account("relais@ville.example", *SPOT, role="social_worker")
    community.account("voisin-relais@example.org", *SPOT)
    agent = logged_in("relais@ville.example")
    agent.goto("/grenoble/new")
    agent.check("#f-kind-request")
    agent.select_option("#f-category", "shopping")
    agent.fill("#f-title", "Courses pour une dame de 90 ans")
    agent.check("#f-place-other")
    agent.fill("#f-address", "1 rue Félix Poulat")
    agent.keyboard.press("Escape")
    agent.check("#f-precision-building")  # the agent's choice alone: still the street
    agent.check("#f-on_behalf")
    agent.fill("#f-behalf_name", "Mme Lucienne Arnaud")
    agent.fill("#f-behalf_phone", "04 76 98 76 54")
    agent.click("#post-form button[type=submit]")
    expect(agent.locator("#f-on_behalf_of-error")).not_to_be_empty()  # consent not ticked
    agent.check("#f-behalf_consent")
    agent.click("#post-form button[type=submit]")
    expect(agent).to_have_url(re.compile(r"/grenoble/posts/\d+$"))
    post_path = agent.url.split(community.base_url, 1)[1]

    neighbour = logged_in("voisin-relais@example.org")
    neighbour.goto(post_path)
    expect(neighbour.locator("#relayed-note")).to_be_visible()
    expect(neighbour.locator("#post-meta")).to_contain_text("approximatif (rue)")
    expect(neighbour.locator("main")).not_to_contain_text("Lucienne")
    expect(neighbour.locator("main")).not_to_contain_text("04 76 98 76 54")
    neighbour.fill("#f-message", "Je fais mes courses le jeudi, je peux les siennes.")
    neighbour.click("#contact-form button[type=submit]")
    expect(neighbour.locator("#contact-sent")).to_be_visible()

    agent.goto("/grenoble/me")
    expect(agent.locator("#incoming > li").first).to_contain_text("je peux les siennes")
