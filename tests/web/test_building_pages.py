"""The stairwell poster's invitation and the page its QR code opens."""

import re

from tests.web.test_buildings import ELSEWHERE, HOME, INVITATIONS, SAME_STREET, agent, join, member

POSTER = "/grenoble/poster"


def printed_invitation(session_or_client, address: str = HOME) -> str | None:
    client = getattr(session_or_client, "client", session_or_client)
    page = client.get(POSTER, query_string={"address": address, "invite": "1"})
    assert page.status_code == 200
    found = re.search(r'id="poster-invitation-url">([^<]+)<', page.get_data(as_text=True))
    return found.group(1) if found else None


def test_an_agent_prints_an_invitation_that_joins_the_building(app):
    url = printed_invitation(agent(app))
    assert url is not None and url.startswith("http://localhost/grenoble/join/")
    bob = member(app, "bob@example.org", HOME)
    resident = member(app, "carol@example.org", HOME)  # joined already; joins again fine
    assert join(resident, url.rsplit("/", 1)[1]).status_code == 200
    assert bob.get("/api/v1/grenoble/me/building/posts").status_code == 200


def test_the_anonymous_poster_and_an_outsiders_carry_no_invitation(app, client):
    assert printed_invitation(client) is None
    assert "poster-invitation" not in client.get(POSTER, query_string={"address": HOME}).text
    other_building = member(app, "mallory@example.org", SAME_STREET)
    assert printed_invitation(other_building) is None
    assert printed_invitation(other_building, SAME_STREET) is not None  # their own
    elsewhere = member(app, "trent@example.org", ELSEWHERE)
    assert printed_invitation(elsewhere) is None


def test_the_poster_form_offers_the_invitation(client):
    form = client.get(POSTER).get_data(as_text=True)
    assert 'name="invite"' in form


def test_the_join_page_is_a_shell_whatever_the_token(app, client):
    assert client.get("/grenoble/join/anything").status_code == 200
    assert client.get("/nowhere/join/anything").status_code == 404
    assert client.post(INVITATIONS + "/join", json={"token": "x"}).status_code in (401, 403)
