"""Moderation over HTTP: pre-moderation, reports, the queue, publish / hide / warn, the
audit log (append-only in SQLite), and who may do what."""

import pytest

from tests.web.conftest import CENTRE, PASSWORD, REFUSED, Session, add_city, set_role, sign_up, sql
from web.store import Store

QUEUE = "/api/v1/grenoble/moderation/queue"
AUDIT = "/api/v1/grenoble/moderation/audit"


def actions(post_id: int) -> str:
    return f"/api/v1/grenoble/moderation/posts/{post_id}/actions"


def reports(post_id: int) -> str:
    return f"/api/v1/grenoble/posts/{post_id}/reports"


def found_ids(client) -> list[int]:
    answer = client.get("/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1]})
    return [feature["id"] for feature in answer.json["features"]]


@pytest.fixture
def moderator(app, database) -> Session:
    session = sign_up(app, "mod@example.org")
    set_role(database, "mod@example.org", "moderator")
    return session


@pytest.fixture
def admin(app, database) -> Session:
    session = sign_up(app, "admin@example.org")
    set_role(database, "admin@example.org", "admin")
    return session


@pytest.fixture
def carol(app) -> Session:
    return sign_up(app, "carol@example.org")


def test_premoderation_holds_posts_until_a_moderator_publishes(
    runner, alice, moderator, admin, client
):
    result = runner.invoke(args=["city", "set", "grenoble", "--premoderation", "on"])
    assert result.exit_code == 0, result.output
    post = alice.create_post(title="Courses du mardi")
    assert post["properties"]["status"] == "pending"
    assert post["id"] not in found_ids(client)
    [item] = moderator.get(QUEUE).json["items"]
    assert item["post"]["id"] == post["id"] and item["why"] == ["pending"]

    answer = moderator.post(actions(post["id"]), {"action": "publish"})
    assert answer.status_code == 200 and answer.json["status"] == "published"
    assert post["id"] in found_ids(client)
    assert moderator.get(QUEUE).json["items"] == []
    entries = admin.get(AUDIT).json["entries"]
    assert [(e["action"], e["actor_name"]) for e in entries] == [
        ("publish", "mod"),
        ("premoderation_on", "command line"),
    ]

    assert runner.invoke(args=["city", "set", "grenoble", "--premoderation", "off"]).exit_code == 0
    assert alice.create_post()["properties"]["status"] == "published"


def test_the_city_switch_names_unknown_cities_and_values(runner):
    result = runner.invoke(args=["city", "set", "nowhere", "--premoderation", "on"])
    assert result.exit_code != 0 and "no city 'nowhere'" in result.output
    result = runner.invoke(args=["city", "set", "grenoble", "--premoderation", "maybe"])
    assert result.exit_code != 0 and "premoderation" in result.output


def test_reports_gather_in_the_queue_with_counts_and_reasons(alice, bob, carol, moderator):
    post = alice.create_post(title="Promenade de chiens")
    assert bob.post(reports(post["id"]), {"reason": "Annonce douteuse"}).status_code == 201
    assert carol.post(reports(post["id"]), {"reason": "Spam"}).status_code == 201
    [item] = moderator.get(QUEUE).json["items"]
    assert item["why"] == ["reported"]
    assert item["report_count"] == 2
    assert sorted(r["reason"] for r in item["reports"]) == ["Annonce douteuse", "Spam"]
    assert [event["action"] for event in item["history"]] == ["report", "report"]
    assert "bob" not in str(item) and "carol" not in str(item)  # reporters stay anonymous


@pytest.mark.parametrize(
    "body, status, param",
    [
        ({}, 422, "reason"),
        ({"reason": "   "}, 422, "reason"),
        ({"reason": "x" * 501}, 422, "reason"),
        ({"reason": 5}, 422, "reason"),
        ({"reason": "ok", "extra": 1}, 422, "extra"),
    ],
)
def test_a_report_needs_a_reason(alice, bob, body, status, param):
    post = alice.create_post()
    answer = bob.post(reports(post["id"]), body)
    assert answer.status_code == status
    assert answer.json["errors"][0]["param"] == param


def test_who_may_report(app, alice, bob, client):
    post = alice.create_post()
    assert client.post(reports(post["id"]), json={"reason": "spam"}).status_code == 401
    no_csrf = bob.client.post(reports(post["id"]), json={"reason": "spam"})
    assert no_csrf.status_code == 403
    own = alice.post(reports(post["id"]), {"reason": "spam"})
    assert own.status_code == 409 and own.json["errors"][0]["param"] == "post_id"
    assert bob.post(reports(post["id"]), {"reason": "spam"}).status_code == 201
    again = bob.post(reports(post["id"]), {"reason": "spam again"})
    assert again.status_code == 409
    assert bob.post(reports(999_999), {"reason": "spam"}).status_code == 404
    assert bob.post("/api/v1/nowhere/posts/1/reports", {"reason": "spam"}).status_code == 404


def test_commercial_posts_are_flagged_not_hidden(alice, moderator, client):
    neighbourly = alice.create_post(title="Je garde votre chat le week-end")
    selling = alice.create_post(title="Ménage 15 €/h", body="Appelez le 06 12 34 56 78")
    assert selling["id"] in found_ids(client)  # flagged only: a person decides
    [item] = moderator.get(QUEUE).json["items"]
    assert item["post"]["id"] == selling["id"] and item["why"] == ["flagged"]
    assert item["signals"] == ["price", "phone"]
    edited = alice.patch(
        f"/api/v1/grenoble/posts/{neighbourly['id']}", {"body": "Devis sur www.chats.example"}
    )
    assert edited.status_code == 200
    flagged = {item["post"]["id"] for item in moderator.get(QUEUE).json["items"]}
    assert flagged == {selling["id"], neighbourly["id"]}


def test_hiding_takes_the_post_out_of_searches_and_tells_its_poster_why(
    alice, bob, moderator, client
):
    post = alice.create_post(title="Cours particuliers")
    bob.post(reports(post["id"]), {"reason": "Commercial"})
    assert post["id"] in found_ids(client)
    no_reason = moderator.post(actions(post["id"]), {"action": "hide"})
    assert no_reason.status_code == 422 and no_reason.json["errors"][0]["param"] == "reason"

    answer = moderator.post(actions(post["id"]), {"action": "hide", "reason": "Offre payante"})
    assert answer.status_code == 200 and answer.json["status"] == "hidden"
    assert post["id"] not in found_ids(client)
    assert client.get(f"/api/v1/grenoble/posts/{post['id']}").status_code == 404
    assert moderator.get(QUEUE).json["items"] == []  # the report is resolved
    [notice] = alice.get("/api/v1/me/moderation").json["notices"]
    assert (notice["post_id"], notice["action"], notice["reason"]) == (
        post["id"],
        "hide",
        "Offre payante",
    )
    [mine] = alice.get("/api/v1/grenoble/me/posts").json["posts"]
    assert mine["status"] == "hidden"
    assert bob.get("/api/v1/me/moderation").json["notices"] == []

    assert moderator.post(actions(post["id"]), {"action": "publish"}).status_code == 200
    assert post["id"] in found_ids(client)
    assert alice.get("/api/v1/me/moderation").json["notices"] == []


def test_a_warning_keeps_the_post_and_reaches_its_poster(alice, bob, moderator, client):
    post = alice.create_post()
    bob.post(reports(post["id"]), {"reason": "Ton agressif"})
    answer = moderator.post(actions(post["id"]), {"action": "warn", "reason": "Restez courtois"})
    assert answer.status_code == 200 and answer.json["status"] == "published"
    assert post["id"] in found_ids(client)
    assert moderator.get(QUEUE).json["items"] == []
    [notice] = alice.get("/api/v1/me/moderation").json["notices"]
    assert notice["action"] == "warn" and notice["reason"] == "Restez courtois"


@pytest.mark.parametrize(
    "body, param",
    [
        ({"action": "delete"}, "action"),
        ({}, "action"),
        ({"action": "warn", "reason": ""}, "reason"),
        ({"action": "hide", "reason": "x" * 501}, "reason"),
    ],
)
def test_actions_name_the_bad_field(alice, moderator, body, param):
    post = alice.create_post()
    answer = moderator.post(actions(post["id"]), body)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == param


def test_only_the_citys_moderators_see_the_queue_and_act(app, database, alice, bob, client):
    post = alice.create_post()
    assert client.get(QUEUE).status_code == 401
    assert bob.get(QUEUE).status_code == 403
    assert bob.post(actions(post["id"]), {"action": "hide", "reason": "x"}).status_code == 403
    assert alice.post(actions(post["id"]), {"action": "hide", "reason": "x"}).status_code == 403

    lyon_id = add_city(database, "lyon")
    store = Store(database)
    try:
        store.create_account(
            lyon_id,
            email="modlyon@example.org",
            password_hash=store.account_by_email("bob@example.org")["password_hash"],
            role="moderator",
            display_name="Mod Lyon",
        )
    finally:
        store.close()
    other = app.test_client()
    login = other.post(
        "/api/v1/session", json={"email": "modlyon@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200
    lyon_moderator = Session(other, login.json["csrf_token"], login.json["account"])
    assert lyon_moderator.get(QUEUE).status_code == 403
    refused = lyon_moderator.post(actions(post["id"]), {"action": "hide", "reason": "x"})
    assert refused.status_code == 403
    assert lyon_moderator.get("/api/v1/lyon/moderation/queue").status_code == 200
    assert lyon_moderator.get("/api/v1/nowhere/moderation/queue").status_code == 404


def test_moderators_act_on_unknown_posts_with_404(moderator):
    assert moderator.post(actions(123456), {"action": "publish"}).status_code == 404


def test_the_audit_log_says_who_did_what_when_and_why_to_admins_only(
    alice, moderator, admin, client
):
    post = alice.create_post()
    moderator.post(actions(post["id"]), {"action": "warn", "reason": "Premier avertissement"})
    moderator.post(actions(post["id"]), {"action": "hide", "reason": "Récidive"})
    assert client.get(AUDIT).status_code == 401
    assert moderator.get(AUDIT).status_code == 403
    assert alice.get(AUDIT).status_code == 403
    answer = admin.get(AUDIT, query_string={"limit": 1})
    [latest] = answer.json["entries"]
    assert latest["action"] == "hide" and latest["reason"] == "Récidive"
    assert latest["actor_name"] == "mod" and latest["actor_role"] == "moderator"
    assert latest["post_id"] == post["id"] and latest["created_at"].endswith("Z")
    older = admin.get(AUDIT, query_string={"before": answer.json["next_before"]}).json
    assert [e["action"] for e in older["entries"]] == ["warn"] and older["next_before"] is None
    bad = admin.get(AUDIT, query_string={"limit": "0"})
    assert bad.status_code == 422 and bad.json["errors"][0]["param"] == "limit"


def test_nobody_can_edit_or_delete_the_audit_log(alice, moderator, database):
    post = alice.create_post()
    moderator.post(actions(post["id"]), {"action": "hide", "reason": "Spam"})
    with pytest.raises(REFUSED, match="cannot be changed"):
        sql(database, "UPDATE moderation_audit SET reason = 'nothing happened'")
    with pytest.raises(REFUSED, match="cannot be changed"):
        sql(database, "DELETE FROM moderation_audit")
    assert sql(database, "SELECT reason FROM moderation_audit") == [("Spam",)]


def test_the_audit_log_outlives_deleted_posts_and_accounts(alice, moderator, admin):
    post = alice.create_post()
    moderator.post(actions(post["id"]), {"action": "hide", "reason": "Spam"})
    assert alice.delete(f"/api/v1/grenoble/posts/{post['id']}").status_code == 204
    assert (
        alice.client.delete(
            "/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRF-Token": alice.csrf}
        ).status_code
        == 204
    )
    [entry] = admin.get(AUDIT).json["entries"]
    assert (entry["post_id"], entry["action"]) == (post["id"], "hide")


def test_an_owner_cannot_undo_a_moderators_hide(alice, moderator, client):
    post = alice.create_post()
    url = f"/api/v1/grenoble/posts/{post['id']}"
    moderator.post(actions(post["id"]), {"action": "hide", "reason": "Annonce commerciale"})
    # Closing then reopening used to publish the hidden post again.
    assert alice.patch(url, {"status": "closed"}).status_code == 403
    assert alice.patch(url, {"status": "published"}).status_code == 403
    assert alice.get(url).json["properties"]["status"] == "hidden"
    assert post["id"] not in found_ids(client)


def test_an_owner_cannot_publish_a_pending_post(runner, alice, moderator, client):
    runner.invoke(args=["city", "set", "grenoble", "--premoderation", "on"])
    post = alice.create_post()
    url = f"/api/v1/grenoble/posts/{post['id']}"
    assert alice.patch(url, {"status": "closed"}).status_code == 403
    assert alice.patch(url, {"status": "published"}).status_code == 403
    assert alice.get(url).json["properties"]["status"] == "pending"
    assert [i["post"]["id"] for i in moderator.get(QUEUE).json["items"]] == [post["id"]]


def test_owners_close_and_reopen_what_they_closed(alice, client):
    post = alice.create_post()
    url = f"/api/v1/grenoble/posts/{post['id']}"
    assert alice.patch(url, {"status": "closed"}).status_code == 200
    assert alice.patch(url, {"status": "closed"}).status_code == 403  # only a published post
    assert alice.patch(url, {"status": "published"}).status_code == 200
    assert post["id"] in found_ids(client)


def test_a_running_app_sees_the_premoderation_switch_at_once(runner, alice, client):
    post = alice.create_post()  # the app has read the city (and built its index) by now
    url = f"/api/v1/grenoble/posts/{post['id']}"
    assert client.get("/api/v1/grenoble").json["premoderation"] is False
    assert runner.invoke(args=["city", "set", "grenoble", "--premoderation", "on"]).exit_code == 0
    assert client.get("/api/v1/grenoble").json["premoderation"] is True
    assert alice.patch(url, {"status": "closed"}).status_code == 200
    # Reopening would publish without a moderator: the city pre-moderates now.
    assert alice.patch(url, {"status": "published"}).status_code == 403
    assert post["id"] not in found_ids(client)


@pytest.mark.parametrize(
    "change",
    [
        {"precision": "building"},  # would publish the resident's exact home
        {"title": "Réécrit par un modérateur"},
        {"body": "autre texte"},
        {"status": "hidden"},
        {"status": "closed"},
    ],
)
def test_moderators_do_not_edit_posts(alice, moderator, admin, change):
    post = alice.create_post()
    url = f"/api/v1/grenoble/posts/{post['id']}"
    response = moderator.patch(url, change)
    assert response.status_code == 403
    assert "moderation" in response.json["detail"]
    after = alice.get(url).json
    assert after["geometry"] == post["geometry"]
    assert after["properties"] == post["properties"]
    assert moderator.delete(url).status_code == 403  # moderators hide; owners delete
    assert admin.get(AUDIT).json["entries"] == []


def test_every_moderation_action_is_audited_and_told_to_the_poster(alice, moderator, admin):
    post = alice.create_post(title="Vélo")
    for action in ("hide", "publish", "warn"):
        body = {"action": action, "reason": "" if action == "publish" else "Merci de préciser"}
        assert moderator.post(actions(post["id"]), body).status_code == 200
    entries = admin.get(AUDIT).json["entries"]
    assert [e["action"] for e in entries] == ["warn", "publish", "hide"]
    inbox = alice.get("/api/v1/me/notifications").json["notifications"]
    assert [n["kind"] for n in inbox] == ["moderation"] * 3
    assert all("Vélo" in n["title"] for n in inbox)
    assert inbox[0]["body"] == "Merci de préciser"


def test_an_admin_gives_roles_and_the_audit_log_says_so(app, alice, admin, client):
    roles = "/api/v1/grenoble/roles"
    answer = admin.post(roles, {"email": "alice@example.org", "role": "moderator"})
    assert answer.status_code == 200 and answer.json["role"] == "moderator"
    assert alice.get(QUEUE).status_code == 200  # alice moderates now
    [entry] = admin.get(AUDIT).json["entries"]
    assert (entry["action"], entry["actor_name"]) == ("role_moderator", "admin")
    assert admin.post(roles, {"email": "alice@example.org", "role": "resident"}).status_code == 200
    assert alice.get(QUEUE).status_code == 403


def test_only_admins_give_roles_to_their_citys_accounts(app, alice, admin, moderator, client):
    roles = "/api/v1/grenoble/roles"
    body = {"email": "alice@example.org", "role": "admin"}
    assert client.post(roles, json=body).status_code == 401
    assert moderator.post(roles, body).status_code == 403
    assert alice.post(roles, body).status_code == 403
    assert admin.post(roles, {**body, "email": "nobody@example.org"}).status_code == 404
    assert admin.post(roles, {**body, "email": "admin@example.org"}).status_code == 409
    bad = admin.post(roles, {**body, "role": "king"})
    assert bad.status_code == 422 and bad.json["errors"][0]["param"] == "role"


def test_the_queue_pages_most_reported_first_then_oldest(alice, bob, carol, moderator, database):
    ids = [alice.create_post(title=f"Annonce {n}")["id"] for n in range(5)]
    for age, post_id in enumerate(ids):  # the first posted is the oldest
        sql(
            database,
            "UPDATE posts SET created_at = created_at - ? WHERE id = ?",
            (100 - age, post_id),
        )
    for post_id in ids:
        assert bob.post(reports(post_id), {"reason": "Douteux"}).status_code == 201
    assert carol.post(reports(ids[3]), {"reason": "Spam"}).status_code == 201  # reported twice
    pages, cursor = [], None
    while True:
        answer = moderator.get(QUEUE, query_string={"limit": 2, "cursor": cursor or []})
        assert answer.status_code == 200, answer.json
        pages.append([item["post"]["id"] for item in answer.json["items"]])
        cursor = answer.json["next_cursor"]
        if cursor is None:
            break
    assert pages == [[ids[3], ids[0]], [ids[1], ids[2]], [ids[4]]]
    forged = moderator.get(QUEUE, query_string={"cursor": "x"})
    assert forged.status_code == 422 and forged.json["errors"][0]["param"] == "cursor"
    second = moderator.get(QUEUE, query_string={"limit": 2}).json["next_cursor"]
    elsewhere = moderator.get("/api/v1/grenoble/escalations", query_string={"cursor": second})
    assert elsewhere.status_code == 422 and elsewhere.json["errors"][0]["param"] == "cursor"
