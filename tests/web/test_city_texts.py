"""The texts a city publishes (charter, privacy and legal notices) and its look (colour,
logo): written by its admin, or made from its settings; served to everyone."""

import pytest

from tests.web.conftest import Session, make_app, set_role, sign_up

SETTINGS = "/api/v1/grenoble/settings"
LOGO = "/api/v1/grenoble/logo"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + bytes(30)


@pytest.fixture
def admin(app, database) -> Session:
    session = sign_up(app, "maire@ville.example")
    set_role(database, "maire@ville.example", "admin")
    return session


@pytest.mark.parametrize(
    "name, words",
    [
        ("charter", ["gratuite", "aucune offre commerciale"]),
        ("privacy", ["Responsable du traitement : Grenoble", "60 jours", "730 jours", "CNIL"]),
        ("legal", ["édité par Grenoble", "Affero"]),
    ],
)
def test_each_text_is_made_from_the_settings_until_the_city_writes_its_own(client, name, words):
    page = client.get(f"/grenoble/{name}")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    for word in words:
        assert word in page.text


def test_the_privacy_notice_follows_the_settings_and_the_language(admin, client):
    admin.patch(
        SETTINGS,
        {"post_ttl_days": 30, "controller": "Ville de Grenoble", "phone": "04 76 76 36 36"},
    )
    page = client.get("/grenoble/privacy").text
    assert "Responsable du traitement : Ville de Grenoble. Contact : 04 76 76 36 36." in page
    assert "vivent 30 jours" in page
    english = client.get("/grenoble/privacy?lang=en").text
    assert "Controller: Ville de Grenoble" in english
    assert "posts live 30 days" in english


def test_a_text_the_city_writes_is_published_as_plain_text(admin, client):
    charter = "L'aide est gratuite.\n\n<script>alert(1)</script> Pas de vente."
    assert admin.patch(SETTINGS, {"charter": charter}).status_code == 200
    page = client.get("/grenoble/charter").text
    assert "<p>L&#39;aide est gratuite.</p>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Pas de vente." in page
    [entry] = admin.get("/api/v1/grenoble/moderation/audit").json["entries"]
    assert entry["reason"] == f"charter: 0 -> {len(charter)} characters"  # not the text
    assert admin.patch(SETTINGS, {"charter": ""}).status_code == 200  # back to the made one
    assert "aucune offre commerciale" in client.get("/grenoble/charter").text


def test_every_page_links_the_texts_in_its_footer(client):
    page = client.get("/grenoble/").text
    footer = page[page.index('<footer class="site-footer">') :]
    for name in ("charter", "privacy", "legal"):
        assert f'href="/grenoble/{name}"' in footer


def test_unknown_cities_have_no_texts(client):
    assert client.get("/nowhere/charter").status_code == 404
    assert client.get("/nowhere/city.css").status_code == 404
    assert client.get("/nowhere/logo").status_code == 404


@pytest.mark.parametrize(
    "body, param",
    [
        ({"charter": "x" * 20_001}, "charter"),
        ({"privacy": "a\x00b"}, "privacy"),
        ({"controller": "two\nlines"}, "controller"),
        ({"colour": "#ffff00"}, "colour"),  # white text on yellow cannot be read
    ],
)
def test_bad_texts_and_colours_are_refused(admin, body, param):
    answer = admin.patch(SETTINGS, body)
    assert answer.status_code == 422, answer.json
    assert answer.json["errors"][0]["param"] == param


def test_the_colour_is_a_css_variable_cached_and_revalidated(admin, client):
    assert client.get("/grenoble/city.css").text.strip() == ""
    assert admin.patch(SETTINGS, {"colour": "#1d6b3a"}).status_code == 200
    sheet = client.get("/grenoble/city.css")
    assert sheet.mimetype == "text/css"
    assert "--primary: #1d6b3a;" in sheet.text
    assert "public" in sheet.headers["Cache-Control"]
    assert "max-age=300" in sheet.headers["Cache-Control"]
    again = client.get("/grenoble/city.css", headers={"If-None-Match": sheet.headers["ETag"]})
    assert again.status_code == 304
    page = client.get("/grenoble/").text
    assert 'href="/grenoble/city.css"' in page


@pytest.mark.parametrize("image, media_type", [(PNG, "image/png"), (WEBP, "image/webp")])
def test_a_logo_is_stored_and_served_to_every_server(app, database, admin, image, media_type):
    answer = admin.put(LOGO, data=image, content_type=media_type)
    assert answer.status_code == 204, answer.json
    other = make_app(database).test_client()  # another server on the same store
    logo = other.get("/grenoble/logo")
    assert (logo.status_code, logo.mimetype, logo.data) == (200, media_type, image)
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert "public" in logo.headers["Cache-Control"]
    cached = other.get("/grenoble/logo", headers={"If-None-Match": logo.headers["ETag"]})
    assert cached.status_code == 304
    assert "url(/grenoble/logo)" in other.get("/grenoble/city.css").text
    entries = admin.get("/api/v1/grenoble/moderation/audit").json["entries"]
    assert entries[0]["action"] == "city_logo"
    assert admin.delete(LOGO).status_code == 204
    assert other.get("/grenoble/logo").status_code == 404
    assert "logo" not in other.get("/grenoble/city.css").text


@pytest.mark.parametrize(
    "data, media_type, status, param",
    [
        (PNG, "image/jpeg", 415, "Content-Type"),
        (b"GIF89a" + bytes(20), "image/png", 422, "body"),  # not what it says
        (b"RIFF\x20\x00\x00\x00AVI " + bytes(20), "image/webp", 422, "body"),
        (b"", "image/png", 422, "body"),
        (PNG + bytes(200 * 1024), "image/png", 413, None),  # over the size limit
    ],
)
def test_bad_logos_are_refused(admin, client, data, media_type, status, param):
    answer = admin.put(LOGO, data=data, content_type=media_type)
    assert answer.status_code == status
    if param:
        assert answer.json["errors"][0]["param"] == param
    assert client.get("/grenoble/logo").status_code == 404


def test_only_the_admins_set_the_logo(app, database, alice):
    assert alice.put(LOGO, data=PNG, content_type="image/png").status_code == 403
    assert alice.delete(LOGO).status_code == 403
    assert app.test_client().put(LOGO, data=PNG, content_type="image/png").status_code == 401


def test_the_stairwell_poster_gives_the_city_phone(admin, client):
    poster = "/grenoble/poster?address=1 rue Félix Poulat"
    assert "Appelez la mairie" in client.get(poster).text
    admin.patch(SETTINGS, {"phone": "04 76 76 36 36"})
    assert "Appelez le 04 76 76 36 36 : un agent publiera pour vous." in client.get(poster).text
