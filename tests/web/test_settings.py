"""A city's admin changes its settings and categories: audited, validated, seen at once by
every process on the store."""

import time

import pytest

from tests.web.conftest import (
    CENTRE,
    Session,
    add_city,
    make_app,
    set_role,
    sign_up,
    sql,
)

SETTINGS = "/api/v1/grenoble/settings"
CATEGORIES = "/api/v1/grenoble/categories"
DAY_S = 86_400.0


@pytest.fixture
def admin(app, database) -> Session:
    session = sign_up(app, "maire@ville.example")
    set_role(database, "maire@ville.example", "admin")
    return session


def audit_lines(admin: Session) -> list[str]:
    entries = admin.get("/api/v1/grenoble/moderation/audit").json["entries"]
    return [f"{entry['action']} {entry['reason']}" for entry in entries]


def test_the_defaults_are_the_configured_values(admin):
    answer = admin.get(SETTINGS)
    assert answer.status_code == 200, answer.json
    assert answer.json["post_ttl_days"] == 60
    assert answer.json["escalation_after_hours"] == 48.0
    assert answer.json["reminder_days_before"] == 7
    assert answer.json["languages"] == ["fr", "en"]
    assert answer.json["defaults"]["post_ttl_days"] == 60
    assert {c["slug"] for c in answer.json["categories"]} >= {"shopping", "conversation"}


@pytest.mark.parametrize("role", ["resident", "moderator", "social_worker"])
def test_only_the_city_admins_change_it(app, database, role):
    session = sign_up(app, "agent@ville.example")
    set_role(database, "agent@ville.example", role)
    assert session.get(SETTINGS).status_code == 403
    assert session.patch(SETTINGS, {"post_ttl_days": 5}).status_code == 403
    new = {"slug": "x", "fr": "X", "en": "X"}
    assert session.post(CATEGORIES, new).status_code == 403
    assert session.patch(f"{CATEGORIES}/shopping", {"fr": "X"}).status_code == 403
    assert app.test_client().get(SETTINGS).status_code == 401


def test_an_admin_of_another_city_is_refused(app, database, admin):
    add_city(database, "lyon")
    other = sign_up(app, "maire@lyon.example")
    sql(
        database,
        "UPDATE accounts SET role = 'admin', city_id = (SELECT id FROM cities WHERE slug = 'lyon')"
        " WHERE email = 'maire@lyon.example'",
    )
    assert other.patch(SETTINGS, {"post_ttl_days": 5}).status_code == 403
    assert admin.get("/api/v1/lyon/settings").status_code == 403
    assert admin.get("/api/v1/nowhere/settings").status_code in (403, 404)


def test_a_new_lifetime_applies_to_new_posts_and_is_audited(admin, alice, database):
    answer = admin.patch(SETTINGS, {"post_ttl_days": 10, "reminder_days_before": 2})
    assert answer.status_code == 200, answer.json
    assert answer.json["post_ttl_days"] == 10
    post = alice.create_post()
    [(expires_at,)] = sql(database, "SELECT expires_at FROM posts WHERE id = ?", (post["id"],))
    assert abs(expires_at - time.time() - 10 * DAY_S) < 60
    alice.patch(f"/api/v1/grenoble/posts/{post['id']}", {"renew": True})
    admin.patch(SETTINGS, {"post_ttl_days": 20})
    alice.patch(f"/api/v1/grenoble/posts/{post['id']}", {"renew": True})
    [(expires_at,)] = sql(database, "SELECT expires_at FROM posts WHERE id = ?", (post["id"],))
    assert abs(expires_at - time.time() - 20 * DAY_S) < 60
    lines = audit_lines(admin)
    assert any(line.startswith("city_setting post_ttl_days: 60 -> 10") for line in lines)
    # null: back to the default, audited too
    assert admin.patch(SETTINGS, {"post_ttl_days": None}).json["post_ttl_days"] == 60
    assert any("post_ttl_days: 20 -> 60" in line for line in audit_lines(admin))


def test_the_same_values_again_change_nothing(admin):
    admin.patch(SETTINGS, {"premoderation": True})
    before = audit_lines(admin)
    assert admin.patch(SETTINGS, {"premoderation": True}).status_code == 200
    assert audit_lines(admin) == before


def test_premoderation_and_name_and_languages(admin, alice):
    answer = admin.patch(
        SETTINGS, {"premoderation": True, "name": "Grenoble-Alpes", "languages": ["fr"]}
    )
    assert answer.status_code == 200, answer.json
    city = alice.get("/api/v1/grenoble").json
    assert (city["name"], city["languages"], city["premoderation"]) == (
        "Grenoble-Alpes",
        ["fr"],
        True,
    )
    assert alice.create_post()["properties"]["status"] == "pending"


@pytest.mark.parametrize(
    "body, param",
    [
        ({"post_ttl_days": 0}, "post_ttl_days"),  # a post must live
        ({"post_ttl_days": "10"}, "post_ttl_days"),  # strict JSON
        ({"escalation_after_hours": 0.5}, "escalation_after_hours"),
        ({"reminder_days_before": 61}, "reminder_days_before"),
        ({"reminder_days_before": 60}, "reminder_days_before"),  # not before a 60-day lifetime
        ({"remote_radius_m": 100}, "remote_radius_m"),
        ({"languages": ["de"]}, "languages.0"),
        ({"languages": []}, "languages"),
        ({"languages": ["fr", "fr"]}, "languages"),
        ({"colour": "red"}, "colour"),
        ({"colour": "#12345g"}, "colour"),
        ({"phone": "call me"}, "phone"),
        ({"name": None}, "name"),
        ({"name": "a\nb"}, "name"),
        ({"premoderation": None}, "premoderation"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(admin, body, param):
    answer = admin.patch(SETTINGS, body)
    assert answer.status_code == 422, answer.json
    assert param in [error["param"] for error in answer.json["errors"]]
    assert admin.get(SETTINGS).json["post_ttl_days"] == 60


def test_a_category_is_added_renamed_and_retired_without_losing_posts(admin, alice, client):
    new = {"slug": "gardening", "fr": "Jardinage", "en": "Gardening", "icon": "🌱"}
    answer = admin.post(CATEGORIES, new)
    assert answer.status_code == 201, answer.json
    assert answer.headers["Location"] == f"{CATEGORIES}/gardening"
    assert admin.post(CATEGORIES, new).status_code == 409
    slugs = [c["slug"] for c in client.get(CATEGORIES).json["categories"]]
    assert slugs[-1] == "gardening"
    post = alice.create_post(category="gardening", title="Je tonds votre pelouse")

    renamed = admin.patch(f"{CATEGORIES}/gardening", {"fr": "Jardin", "remote": False})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["fr"] == "Jardin"
    assert renamed.json["slug"] == "gardening"

    assert admin.patch(f"{CATEGORIES}/gardening", {"retired": True}).status_code == 200
    assert "gardening" not in [c["slug"] for c in client.get(CATEGORIES).json["categories"]]
    body = {"kind": "offer", "category": "gardening", "title": "t"}
    refused = alice.post("/api/v1/grenoble/posts", {**body, "lat": CENTRE[0], "lon": CENTRE[1]})
    assert refused.status_code == 422
    found = client.get("/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1]})
    assert post["id"] in [f["id"] for f in found.json["features"]]
    assert client.get(f"/api/v1/grenoble/posts/{post['id']}").json["properties"]["category"] == (
        "gardening"
    )
    every = admin.get(SETTINGS).json["categories"]
    assert {"slug": "gardening", "retired": True}.items() <= next(
        c for c in every if c["slug"] == "gardening"
    ).items()
    lines = audit_lines(admin)
    assert "category_add gardening" in lines
    assert "category_change gardening: retired=true" in lines


@pytest.mark.parametrize(
    "path, body, status, param",
    [
        (CATEGORIES, {"slug": "Bad Slug", "fr": "a", "en": "a"}, 422, "slug"),
        (CATEGORIES, {"slug": "ok", "fr": "", "en": "a"}, 422, "fr"),
        (CATEGORIES, {"slug": "ok", "fr": "a", "en": "a", "icon": "x" * 17}, 422, "icon"),
        (CATEGORIES, {"slug": "ok", "fr": "a", "en": "a", "remote": "yes"}, 422, "remote"),
        (f"{CATEGORIES}/shopping", {}, 422, "body"),
        (f"{CATEGORIES}/shopping", {"slug": "other"}, 422, "slug"),  # slugs never change
        (f"{CATEGORIES}/nothing", {"fr": "Rien"}, 404, "slug"),
    ],
)
def test_bad_category_changes_are_refused(admin, path, body, status, param):
    send = admin.post if path == CATEGORIES else admin.patch
    answer = send(path, body)
    assert answer.status_code == status, answer.json
    assert param in [error["param"] for error in answer.json["errors"]]


def test_a_category_made_remote_is_found_beyond_the_radius(admin, alice, client):
    far = (45.1700, 5.7000)  # about 3 km from the centre
    post = alice.create_post(category="homework", lat=far[0], lon=far[1])
    query = {"lat": CENTRE[0], "lon": CENTRE[1], "category": "homework"}

    def found() -> dict[int, dict]:
        answer = client.get("/api/v1/grenoble/match", query_string=query)
        return {feature["id"]: feature["properties"] for feature in answer.json["features"]}

    def ids() -> list[int]:
        return list(found())

    assert post["id"] not in ids()
    admin.patch(f"{CATEGORIES}/homework", {"remote": True})
    assert "distance_m" not in found()[post["id"]]  # remote help found city-wide: no distance
    admin.patch(SETTINGS, {"remote_radius_m": 2000})  # remote help within 2 km only
    assert post["id"] not in ids()


def test_a_change_through_one_server_is_seen_at_once_by_another(app, database, admin):
    other = make_app(database)
    reader = other.test_client()
    assert reader.get(CATEGORIES).status_code == 200  # the other server's index is built
    assert reader.get("/api/v1/grenoble").json["name"] == "Grenoble"
    admin.post(CATEGORIES, {"slug": "gardening", "fr": "Jardinage", "en": "Gardening"})
    admin.patch(f"{CATEGORIES}/shopping", {"en": "Groceries"})
    admin.patch(SETTINGS, {"name": "Grenoble-Alpes"})
    categories = {c["slug"]: c for c in reader.get(CATEGORIES).json["categories"]}
    assert "gardening" in categories
    assert categories["shopping"]["en"] == "Groceries"
    assert reader.get("/api/v1/grenoble").json["name"] == "Grenoble-Alpes"


def test_the_reminders_follow_the_city_delay(app, admin, alice, database, runner):
    post = alice.create_post()
    in_ten_days = time.time() + 10 * DAY_S
    sql(database, "UPDATE posts SET expires_at = ? WHERE id = ?", (in_ten_days, post["id"]))
    assert "reminded 0 posts" in runner.invoke(args=["send-reminders"]).output
    admin.patch(SETTINGS, {"reminder_days_before": 12})
    assert "reminded 1 posts" in runner.invoke(args=["send-reminders"]).output


def test_the_language_link_shows_only_for_a_language_the_city_offers(admin, client):
    assert 'id="switch-language"' in client.get("/grenoble/").text
    assert "<li hidden>" not in client.get("/grenoble/").text
    admin.patch(SETTINGS, {"languages": ["fr"]})
    assert '<li hidden><a href="/grenoble/?lang=en"' in client.get("/grenoble/").text
