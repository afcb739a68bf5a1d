"""The printable stairwell poster: city, newest posts around the address, and a QR code
of the map page's search around it."""

from urllib.parse import parse_qs, urlsplit

import segno

from tests.web.conftest import CENTRE

POSTER = "/grenoble/poster"


def qr_payload_of(page: str, url: str) -> bool:
    """Whether the page's inline SVG is segno's drawing of ``url`` (the same library
    and settings draw the same modules)."""
    expected = segno.make(url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", omitsize=True
    )
    return expected in page


def test_the_poster_shows_the_newest_posts_and_the_qr_code(client, alice, bob):
    alice.create_post(title="Courses le samedi", lat=CENTRE[0], lon=CENTRE[1])
    bob.create_post(title="Aide aux devoirs", kind="request", category="homework")
    answer = client.get(POSTER, query_string={"address": "1 rue Félix Poulat"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Grenoble" in page
    assert page.index("Aide aux devoirs") < page.index("Courses le samedi")  # newest first
    [url] = [line.strip() for line in page.splitlines() if "poster-url" in line]
    url = url.removeprefix('<p class="poster-url">').removesuffix("</p>").replace("&amp;", "&")
    parts = urlsplit(url)
    assert parts.path == "/grenoble/"
    query = parse_qs(parts.query)
    assert query["address"][0].startswith("1 Rue Félix Poulat")
    assert query["scale"] == ["neighbourhood"]
    assert abs(float(query["lat"][0]) - CENTRE[0]) < 0.01
    assert qr_payload_of(page, url)
    assert "poster.css" in page and "<script" not in page


def test_the_poster_stylesheet_prints_on_a4(client):
    with client.get("/static/css/poster.css") as answer:
        css = answer.get_data(as_text=True)
    assert "size: A4" in css and "@media print" in css


def test_without_posts_the_poster_invites_to_post(client):
    answer = client.get(POSTER, query_string={"address": "1 rue Félix Poulat"})
    assert answer.status_code == 200 and b'id="poster-no-posts"' in answer.data


def test_no_or_unknown_address_asks_again(client):
    assert client.get(POSTER).status_code == 422
    unknown = client.get(POSTER, query_string={"address": "zzzz qqqq"})
    assert unknown.status_code == 422 and b'aria-invalid="true"' in unknown.data
    assert client.get(POSTER, query_string={"address": "x" * 300}).status_code == 422


def test_an_unknown_city_has_no_poster(client):
    assert client.get("/nowhere/poster", query_string={"address": "1 rue"}).status_code == 404


def test_anonymous_posters_are_rate_limited_like_searches(database):
    from tests.web.conftest import add_city, make_app

    app = make_app(database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_SEARCH="2/60")
    add_city(database)
    client = app.test_client()
    query = {"address": "1 rue Félix Poulat"}
    answers = [client.get(POSTER, query_string=query).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
