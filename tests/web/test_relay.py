"""Agents post on behalf of someone who phoned the city: recorded consent, the public
sees a resident's post relayed by the city, and contact requests reach the agent."""

import pytest

from tests.web.conftest import CENTRE, Session, set_role, sign_up, sql

POSTS = "/api/v1/grenoble/posts"
PERSON = {"name": "Mme Odette Ferrand", "phone": "04 76 12 34 56", "consent": True}


def relayed_post(agent: Session, **fields):
    body = {
        "kind": "request",
        "category": "shopping",
        "title": "Courses pour une voisine âgée",
        "lat": CENTRE[0],
        "lon": CENTRE[1],
        "on_behalf_of": PERSON,
        **fields,
    }
    return agent.post(POSTS, body)


@pytest.fixture
def agent(app, database) -> Session:
    session = sign_up(app, "agent@ville.example", display_name="CCAS – Julie")
    set_role(database, "agent@ville.example", "social_worker")
    return session


def test_an_agent_posts_for_someone_and_receives_the_contacts(agent, bob, client):
    answer = relayed_post(agent)
    assert answer.status_code == 201, answer.json
    post_id = answer.json["id"]
    public = client.get(f"{POSTS}/{post_id}").json["properties"]
    assert public["relayed"] is True and public["poster_type"] == "individual"
    assert public["poster_name"] == "CCAS – Julie"
    found = client.get(
        "/api/v1/grenoble/match", query_string={"lat": CENTRE[0], "lon": CENTRE[1]}
    ).json
    assert [f["properties"]["relayed"] for f in found["features"] if f["id"] == post_id] == [True]
    for answer_text in (str(public), str(found)):
        assert "Odette" not in answer_text and "04 76" not in answer_text

    contact = bob.post(f"{POSTS}/{post_id}/contact", {"message": "Je peux faire ses courses"})
    assert contact.status_code == 201
    [incoming] = agent.get("/api/v1/me/connections").json["incoming"]
    assert incoming["message"] == "Je peux faire ses courses"

    [relayed] = agent.get("/api/v1/me/relayed").json["posts"]
    assert (relayed["post_id"], relayed["name"], relayed["phone"]) == (
        post_id,
        "Mme Odette Ferrand",
        "04 76 12 34 56",
    )
    assert "agrees" in relayed["consent_text"] and relayed["consent_at"].endswith("Z")
    assert bob.get("/api/v1/me/relayed").json["posts"] == []


def test_ordinary_posts_are_not_relayed(alice, client):
    post = alice.create_post()
    assert post["properties"]["relayed"] is False


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_may_relay_too(app, database, role):
    session = sign_up(app, f"{role}@ville.example")
    set_role(database, f"{role}@ville.example", role)
    assert relayed_post(session).status_code == 201


def test_residents_may_not_post_on_behalf_of_someone(alice):
    answer = relayed_post(alice)
    assert answer.status_code == 403
    assert answer.json["errors"][0]["param"] == "on_behalf_of"


@pytest.mark.parametrize(
    "person, param",
    [
        ({"name": "Odette", "consent": False}, "on_behalf_of.consent"),
        ({"name": "Odette"}, "on_behalf_of.consent"),
        ({"name": "", "consent": True}, "on_behalf_of.name"),
        ({"name": "Odette", "consent": True, "phone": "call me"}, "on_behalf_of.phone"),
        ({"name": "Odette", "consent": "yes"}, "on_behalf_of.consent"),
    ],
)
def test_the_person_and_their_consent_are_checked(agent, person, param):
    answer = relayed_post(agent, on_behalf_of=person)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == param


def test_a_relayed_post_needs_the_persons_address_not_the_agents(agent):
    answer = agent.post(
        POSTS,
        {"kind": "request", "category": "shopping", "title": "Courses", "on_behalf_of": PERSON},
    )
    assert answer.status_code == 422 and answer.json["errors"][0]["param"] == "address"
    body = {
        "kind": "request",
        "category": "shopping",
        "title": "Courses",
        "address": "1 rue Félix Poulat",
        "on_behalf_of": PERSON,
    }
    assert agent.post(POSTS, body).status_code == 201


def test_deleting_a_relayed_post_deletes_the_persons_record(agent):
    post_id = relayed_post(agent).json["id"]
    assert agent.delete(f"{POSTS}/{post_id}").status_code == 204
    assert agent.get("/api/v1/me/relayed").json["posts"] == []


@pytest.mark.parametrize(
    "asked, exact, placed",
    [
        ("building", False, "street"),  # the agent's choice alone does not show the door
        (None, False, "street"),  # nor the agent's account default
        ("neighbourhood", False, "neighbourhood"),  # coarser stays coarser
        (None, True, "building"),  # the person asked for their exact address
    ],
)
def test_a_relayed_post_is_at_street_precision_unless_the_person_asked(
    agent, database, client, asked, exact, placed
):
    sql(database, "UPDATE accounts SET precision = 'building'")  # the agent's default
    fields = {"precision": asked} if asked else {}
    answer = relayed_post(agent, on_behalf_of={**PERSON, "exact_address": exact}, **fields)
    assert answer.status_code == 201, answer.json
    public = client.get(f"{POSTS}/{answer.json['id']}").json
    assert public["properties"]["precision"] == placed
    at_door = public["geometry"]["coordinates"] == [CENTRE[1], CENTRE[0]]
    assert at_door is (placed == "building")


def test_a_relayed_post_is_not_moved_to_the_door_afterwards(agent):
    post = relayed_post(agent).json
    moved = agent.patch(f"{POSTS}/{post['id']}", {"precision": "building"})
    assert moved.status_code == 422
    assert moved.json["errors"][0]["param"] == "precision"
    assert agent.patch(f"{POSTS}/{post['id']}", {"precision": "neighbourhood"}).status_code == 200
