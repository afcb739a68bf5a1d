"""The stairwell: posts to a building or a street, read by its members only, who joined
through an invitation; as the residents use it and as an attacker tries it (a
non-member, an anonymous visitor, a member of another building)."""

import re
from pathlib import Path

import pytest

from tests.web.conftest import set_role, sign_up, sql
from web.services import geocode

POSTS = "/api/v1/grenoble/posts"
INVITATIONS = "/api/v1/grenoble/invitations"
HOME = "1 rue Félix Poulat"  # BAN 38185_1000_00001
SAME_STREET = "2 rue Félix Poulat"  # another building, the same street
ELSEWHERE = "1 Cours Berriat"
HOME_POINT = (45.189014, 5.723934)


def resident(app, email: str, address: str = HOME):
    return sign_up(app, email, address=address, lat=None, lon=None)


def agent(app, email: str = "agent@example.org"):
    session = resident(app, email, ELSEWHERE)
    set_role(app.config["DATABASE"], email, "moderator")
    return session


def invitation(session, address: str | None = None) -> str:
    body = {} if address is None else {"address": address}
    answer = session.post(INVITATIONS, body)
    assert answer.status_code == 201, answer.json
    return answer.json["url"].rsplit("/", 1)[1]


def join(session, token: str):
    return session.post(INVITATIONS + "/join", {"token": token})


def member(app, email: str, address: str = HOME, inviter=None):
    """A resident of ``address`` who joined its building (invited by a city agent)."""
    session = resident(app, email, address)
    token = invitation(inviter or agent(app, f"agent-{email}"), address)
    assert join(session, token).status_code == 200
    return session


def building_post(session, audience: str = "building", **fields):
    body = {"kind": "request", "category": "shopping", "title": "Un coup de main ?"}
    answer = session.post(POSTS, {**body, "audience": audience, **fields})
    assert answer.status_code == 201, answer.json
    return answer.json


def group(session, audience: str = "building"):
    return session.get(f"/api/v1/grenoble/me/{audience}/posts")


def ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.json
    return [f["id"] for f in answer.json["features"]]


# -- the home's building -------------------------------------------------------------------


def test_a_house_number_ties_the_home_to_its_building_and_street(app):
    alice = resident(app, "alice@example.org")
    by_point = sign_up(app, "bob@example.org")  # lat and lon: no building
    rows = dict(
        (email, (ban_id, street))
        for email, ban_id, street in sql(
            app.config["DATABASE"], "SELECT email, home_ban_id, home_street FROM accounts"
        )
    )
    assert rows["alice@example.org"] == ("38185_1000_00001", "38185_1000")
    assert rows["bob@example.org"] == (None, None)
    me = alice.get("/api/v1/me").json
    assert "38185" not in str(me)  # nothing about it is shown, not even to the person
    assert by_point.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    "ban_id, street",
    [
        ("38185_1000_00001", "38185_1000"),
        ("38185_1000_00001_bis", "38185_1000"),  # a suffix is the same street
        ("38185_b2x4_00012", "38185_b2x4"),
    ],
)
def test_the_street_of_a_ban_id(ban_id, street):
    assert geocode.street_key(ban_id) == street


def test_a_number_the_address_file_lacks_ties_no_building(app):
    sign_up(app, "alice@example.org", address="3 rue Félix Poulat", lat=None, lon=None)
    [(ban_id, address)] = sql(
        app.config["DATABASE"], "SELECT home_ban_id, home_address FROM accounts"
    )
    assert ban_id is None and address == "3 rue Félix Poulat"  # placed near 2 or 4: not them


def test_an_account_from_before_gets_its_building_when_its_address_geocodes(app):
    alice = resident(app, "alice@example.org")
    sql(app.config["DATABASE"], "UPDATE accounts SET home_ban_id = NULL, home_street = NULL")
    building_post(alice)
    [(ban_id,)] = sql(app.config["DATABASE"], "SELECT home_ban_id FROM accounts")
    assert ban_id == "38185_1000_00001"


def test_only_web_homes_reads_the_home_building():
    web = Path(__file__).resolve().parents[2] / "web"
    reading = re.compile(r"""\[\s*["']home_(ban_id|street)["']\s*\]|get\(\s*["']home_(ban|st)""")
    readers = sorted(
        str(path.relative_to(web))
        for path in web.rglob("*.py")
        if path.name != "homes.py"
        and web / "store" not in path.parents
        and reading.search(path.read_text())
    )
    assert readers == []


# -- posting to the building ---------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, param",
    [
        ({"address": HOME}, "address"),
        ({"lat": HOME_POINT[0], "lon": HOME_POINT[1]}, "lat"),
        ({"precision": "building"}, "precision"),
    ],
)
def test_a_building_post_takes_no_place_of_its_own(app, extra, param):
    alice = resident(app, "alice@example.org")
    body = {"kind": "offer", "category": "shopping", "title": "Courses", "audience": "building"}
    answer = alice.post(POSTS, {**body, **extra})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == param


def test_an_unknown_audience_is_named(app):
    alice = resident(app, "alice@example.org")
    answer = alice.post(
        POSTS, {"kind": "offer", "category": "shopping", "title": "x", "audience": "city"}
    )
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == "audience"


def test_a_home_without_a_house_number_cannot_post_to_a_building(app):
    by_point = sign_up(app, "bob@example.org")
    answer = by_point.post(
        POSTS, {"kind": "offer", "category": "shopping", "title": "x", "audience": "building"}
    )
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == "audience"


def test_the_first_to_post_waits_for_the_neighbours_to_join(app):
    alice = resident(app, "alice@example.org")  # joined nothing
    post = building_post(alice)
    assert post["geometry"] is None
    assert post["properties"]["audience"] == "building"
    assert post["properties"]["address"] == HOME  # the author's own words, to the author
    assert alice.get(f"{POSTS}/{post['id']}").status_code == 200  # the author's own
    bob = member(app, "bob@example.org")
    assert ids(group(bob)) == [post["id"]]
    [feature] = group(bob).json["features"]
    assert feature["geometry"] is None and feature["properties"]["owned"] is False
    assert bob.get(f"{POSTS}/{post['id']}").json["geometry"] is None


def test_members_are_told_a_neighbour_needs_help(app):
    bob = member(app, "bob@example.org")
    carol = member(app, "carol@example.org", SAME_STREET)
    alice = resident(app, "alice@example.org")
    post = building_post(alice, title="Porter mes courses")
    [notice] = bob.get("/api/v1/me/notifications").json["notifications"]
    assert notice["title"] == "Un voisin de votre immeuble a besoin d'aide : Porter mes courses"
    assert notice["link"] == f"/grenoble/posts/{post['id']}"
    assert carol.get("/api/v1/me/notifications").json["notifications"] == []
    building_post(alice, "street", title="Pour la rue")
    [street_notice] = carol.get("/api/v1/me/notifications").json["notifications"]
    assert street_notice["title"].startswith("Un voisin de votre rue")


def test_a_neighbour_who_joined_contacts_and_the_thread_works(app):
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    bob = member(app, "bob@example.org")
    contact = bob.post(f"{POSTS}/{post['id']}/contact", {"message": "Je descends !"})
    assert contact.status_code == 201, contact.json
    accepted = alice.post(f"/api/v1/me/connections/{contact.json['id']}/accept")
    assert accepted.status_code == 200, accepted.json
    thread = f"/api/v1/me/connections/{contact.json['id']}/messages"
    assert bob.post(thread, {"body": "À tout de suite"}).status_code == 201
    assert [m["body"] for m in alice.get(thread).json["messages"]][-1] == "À tout de suite"


def test_street_posts_reach_every_building_of_the_street(app):
    alice = resident(app, "alice@example.org")
    post = building_post(alice, "street")
    same_building = member(app, "bob@example.org")
    same_street = member(app, "carol@example.org", SAME_STREET)
    other_street = member(app, "dave@example.org", ELSEWHERE)
    assert ids(group(same_building, "street")) == [post["id"]]
    assert ids(group(same_street, "street")) == [post["id"]]
    assert ids(group(same_street, "building")) == []
    assert ids(group(other_street, "street")) == []
    assert other_street.get(f"{POSTS}/{post['id']}").status_code == 404


def test_the_lists_are_newest_first_and_keyset_paged(app):
    alice = resident(app, "alice@example.org")
    posted = [building_post(alice, title=f"Post {n}")["id"] for n in range(5)]
    bob = member(app, "bob@example.org")
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = bob.get("/api/v1/grenoble/me/building/posts", query_string=query)
        seen += ids(page)
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert seen == posted[::-1]
    forged = bob.get("/api/v1/grenoble/me/street/posts", query_string={"cursor": "x"})
    assert forged.status_code == 422 and forged.json["errors"][0]["param"] == "cursor"


def test_moderation_applies_to_building_posts(app):
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    bob = member(app, "bob@example.org")
    moderator = agent(app, "moderator@example.org")
    hidden = moderator.post(
        f"/api/v1/grenoble/moderation/posts/{post['id']}/actions",
        {"action": "hide", "reason": "commercial"},
    )
    assert hidden.status_code == 200, hidden.json
    assert ids(group(bob)) == []
    assert bob.get(f"{POSTS}/{post['id']}").status_code == 404


# -- attackers -----------------------------------------------------------------------------


def routes_about(post_id: int) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", f"{POSTS}/{post_id}", None),
        ("POST", f"{POSTS}/{post_id}/contact", {"message": "Bonjour"}),
        ("POST", f"{POSTS}/{post_id}/reports", {"reason": "spam"}),
    ]


def test_no_one_but_its_members_learns_anything_of_a_building_post(app, client):
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    unknown = 10**9
    outsiders = {
        "a non-member": resident(app, "eve@example.org"),  # home in the building, not joined
        "another building": member(app, "mallory@example.org", SAME_STREET),
        "another street": member(app, "trent@example.org", ELSEWHERE),
    }
    for who, session in outsiders.items():
        for (method, path, body), (_, unknown_path, _) in zip(
            routes_about(post["id"]), routes_about(unknown), strict=True
        ):
            answer = session._send(method, path, body)
            same = session._send(method, unknown_path, body)
            assert answer.status_code == 404, (who, path, answer.json)
            assert answer.json == same.json | {"detail": answer.json["detail"]}, (who, path)
            assert answer.json["detail"] == same.json["detail"].replace(
                str(unknown), str(post["id"])
            )
    for method, path, body in routes_about(post["id"]):
        answer = client.open(path, method=method, json=body)
        assert answer.status_code in (401, 404), path
    assert client.get(f"{POSTS}/{post['id']}").status_code == 404
    assert client.get(f"/grenoble/posts/{post['id']}").status_code == 200  # the page shell


def test_a_building_post_is_in_no_public_answer(app, client):
    alice = resident(app, "alice@example.org")
    for n in range(5):
        building_post(alice, category="pet-walking", title=f"Chien {n}")
        building_post(alice, "street", category="pet-walking", title=f"Rue {n}")
        alice.create_post(
            category="childcare", title=f"Public {n}", lat=HOME_POINT[0], lon=HOME_POINT[1]
        )
    lat, lon = HOME_POINT
    for scale in ("building", "street", "district"):
        found = client.get(
            "/api/v1/grenoble/match", query_string={"lat": lat, "lon": lon, "scale": scale}
        )
        assert "pet-walking" not in found.get_data(as_text=True)
    box = client.get(
        POSTS, query_string={"bbox": f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"}
    )
    assert {f["properties"]["category"] for f in box.json["features"]} == {"childcare"}
    stats = client.get("/api/v1/grenoble/stats").json["posts"]
    assert {row["category"] for row in stats} == {"childcare"}
    cells = client.get("/api/v1/grenoble/open-data/posts_by_cell.csv").get_data(as_text=True)
    assert "childcare" in cells and "pet-walking" not in cells
    poster = client.get("/grenoble/poster", query_string={"address": HOME}).get_data(as_text=True)
    assert "Public 4" in poster and "Chien" not in poster and "Rue 0" not in poster
    gis = sql(app.config["DATABASE"], "SELECT category FROM public_posts")
    assert {category for (category,) in gis} == {"childcare"}


def test_alerts_circles_never_hear_of_a_building_post(app):
    watcher = sign_up(app, "watcher@example.org", lat=HOME_POINT[0], lon=HOME_POINT[1])
    answer = watcher.post("/api/v1/grenoble/alerts", {"kind": "request", "radius_m": 1000})
    assert answer.status_code == 201, answer.json
    alice = resident(app, "alice@example.org")
    building_post(alice)
    building_post(alice, "street")
    assert watcher.get("/api/v1/me/notifications").json["notifications"] == []
    alice.create_post(kind="request", lat=HOME_POINT[0], lon=HOME_POINT[1])
    assert len(watcher.get("/api/v1/me/notifications").json["notifications"]) == 1


def test_the_lists_are_for_members_only(app, client):
    assert client.get("/api/v1/grenoble/me/building/posts").status_code == 401
    loner = resident(app, "alice@example.org")
    for audience in ("building", "street"):
        assert group(loner, audience).status_code == 404


# -- invitations ---------------------------------------------------------------------------


def test_a_member_invites_to_their_own_building_only(app):
    bob = member(app, "bob@example.org")
    token = invitation(bob)  # to bob's building
    eve = resident(app, "eve@example.org")
    assert join(eve, token).status_code == 200
    to_elsewhere = bob.post(INVITATIONS, {"address": ELSEWHERE})
    assert to_elsewhere.status_code == 403
    loner = resident(app, "loner@example.org")
    assert loner.post(INVITATIONS, {}).status_code == 403


def test_an_invitation_to_another_building_joins_nothing(app):
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    neighbour_across = resident(app, "carol@example.org", SAME_STREET)
    token = invitation(agent(app), HOME)
    answer = join(neighbour_across, token)
    assert answer.status_code == 409
    assert group(neighbour_across).status_code == 404
    assert neighbour_across.get(f"{POSTS}/{post['id']}").status_code == 404


def test_expired_revoked_and_forged_invitations_join_nothing(app):
    city_agent = agent(app)
    expired, revoked = invitation(city_agent, HOME), invitation(city_agent, HOME)
    sql(app.config["DATABASE"], "UPDATE building_invitations SET expires_at = 0 WHERE id = 1")
    [(revoked_id,)] = sql(app.config["DATABASE"], "SELECT MAX(id) FROM building_invitations")
    assert city_agent.delete(f"{INVITATIONS}/{revoked_id}").status_code == 204
    bob = resident(app, "bob@example.org")
    answers = [join(bob, token) for token in (expired, revoked, "forged-" + expired, "x")]
    assert {a.status_code for a in answers} == {404}
    assert len({str(a.json) for a in answers}) == 1  # the same 404: nothing learnt
    assert group(bob).status_code == 404
    [(joins,)] = sql(app.config["DATABASE"], "SELECT COUNT(*) FROM building_members")
    assert joins == 0


def test_only_its_author_or_an_agent_revokes_an_invitation(app):
    bob = member(app, "bob@example.org")
    token = invitation(bob)
    [(invitation_id,)] = sql(app.config["DATABASE"], "SELECT MAX(id) FROM building_invitations")
    eve = member(app, "eve@example.org")
    assert eve.delete(f"{INVITATIONS}/{invitation_id}").status_code == 404
    assert eve.delete(f"{INVITATIONS}/{10**6}").status_code == 404
    assert bob.delete(f"{INVITATIONS}/{invitation_id}").status_code == 204
    newcomer = resident(app, "newcomer@example.org")
    assert join(newcomer, token).status_code == 404


def test_joins_are_in_the_audit_log(app):
    member(app, "bob@example.org")
    actions = sql(app.config["DATABASE"], "SELECT action, reason FROM moderation_audit")
    assert [(action, reason.split()[0]) for action, reason in actions] == [
        ("building_join", "invitation")
    ]
    assert "38185" not in str(actions)


def test_moving_home_leaves_the_old_building(app):
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    bob = member(app, "bob@example.org")
    assert bob.get(f"{POSTS}/{post['id']}").status_code == 200
    moved = bob.patch("/api/v1/me", {"address": ELSEWHERE})
    assert moved.status_code == 200, moved.json
    assert group(bob).status_code == 404
    assert bob.get(f"{POSTS}/{post['id']}").status_code == 404
    assert bob.post(f"{POSTS}/{post['id']}/contact", {"message": "x"}).status_code == 404
    [(ban_id,)] = sql(
        app.config["DATABASE"],
        "SELECT home_ban_id FROM accounts WHERE email = ?",
        ("bob@example.org",),
    )
    assert ban_id.startswith("38185_1074_")  # Cours Berriat
    same = alice.patch("/api/v1/me", {"address": HOME})  # the same building: stays
    assert same.status_code == 200


def test_premoderation_holds_a_building_post_until_published(app, runner):
    assert runner.invoke(args=["city", "set", "grenoble", "--premoderation", "on"]).exit_code == 0
    bob = member(app, "bob@example.org")
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    assert post["properties"]["status"] == "pending"
    assert ids(group(bob)) == []
    assert bob.get(f"{POSTS}/{post['id']}").status_code == 404
    assert bob.get("/api/v1/me/notifications").json["notifications"] == []
    moderator = agent(app, "moderator@example.org")
    published = moderator.post(
        f"/api/v1/grenoble/moderation/posts/{post['id']}/actions", {"action": "publish"}
    )
    assert published.status_code == 200, published.json
    assert ids(group(bob)) == [post["id"]]
    assert len(bob.get("/api/v1/me/notifications").json["notifications"]) == 1


def test_a_building_post_never_gains_a_public_point(app):
    alice = resident(app, "alice@example.org")
    post = building_post(alice)
    answer = alice.patch(f"{POSTS}/{post['id']}", {"precision": "building"})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == "precision"
    [mine] = alice.get("/api/v1/grenoble/me/posts").json["posts"]
    assert mine["public_point"] is None and mine["audience"] == "building"
