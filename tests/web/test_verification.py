"""Organisations verified by the city: an organisation that signed up acts as a resident
until a moderator or admin approves it; decisions are audited and the applicant told."""

import sqlite3

import pytest

from tests.web.conftest import (
    BOUNDARY,
    CATEGORIES,
    CENTRE,
    make_moderator,
    set_role,
    sign_up,
    sql,
)
from tests.web.test_home_privacy import approved_association
from tests.web.test_migrations import _database_at_version
from tests.web.test_missions import MISSIONS, mission_body
from web import store as stores

ORGANISATIONS = "/api/v1/grenoble/moderation/organisations"
MATCH = "/api/v1/grenoble/match"
NEAR = {"lat": CENTRE[0], "lon": CENTRE[1], "radius": "500"}


@pytest.fixture
def applicant(app):
    return sign_up(app, "asso@example.org", poster_type="association", precision="building")


@pytest.fixture
def moderator(app, database):
    session = sign_up(app, "mod@ville.example")
    make_moderator(database, "mod@ville.example")
    return session


def badges(client) -> list[tuple[str, bool]]:
    features = client.get(MATCH, query_string=NEAR).json["features"]
    return [(f["properties"]["poster_type"], f["properties"]["poster_verified"]) for f in features]


def test_an_organisation_acts_as_a_resident_until_approved(app, client, applicant):
    assert applicant.get("/api/v1/me").json["precision"] == "street"  # not building by default
    assert applicant.post(MISSIONS, mission_body()).status_code == 403
    post = applicant.create_post()
    assert post["properties"]["poster_type"] == "individual"
    assert post["properties"]["poster_verified"] is False
    assert badges(client) == [("individual", False)]


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_the_city_approves_an_organisation(app, client, database, applicant, role):
    agent = sign_up(app, "agent@ville.example")
    set_role(database, "agent@ville.example", role)
    [waiting] = agent.get(ORGANISATIONS).json["organisations"]
    assert waiting["id"] == applicant.account["id"] and waiting["poster_type"] == "association"
    applicant.create_post(title="avant")
    decided = agent.post(f"{ORGANISATIONS}/{waiting['id']}", {"decision": "approve"})
    assert decided.status_code == 200, decided.json
    assert decided.json == {"id": waiting["id"], "verification": "approved", "role": "association"}
    assert agent.get(ORGANISATIONS).json["organisations"] == []
    me = applicant.get("/api/v1/me").json
    assert (me["role"], me["verification"], me["precision"]) == (
        "association",
        "approved",
        "building",
    )
    assert applicant.post(MISSIONS, mission_body()).status_code == 201
    post = applicant.create_post(title="après")
    assert post["properties"]["poster_verified"] is True
    assert client.get(f"/api/v1/grenoble/posts/{post['id']}").json["properties"]["poster_verified"]
    assert badges(client) == [("association", True), ("association", True)]
    [notice] = applicant.get("/api/v1/me/notifications").json["notifications"]
    assert notice["kind"] == "verification"
    audited = sql(database, "SELECT actor_id, action, reason FROM moderation_audit")
    assert audited == [(agent.account["id"], "organisation_approve", f"account {waiting['id']}")]


def test_the_city_refuses_an_organisation(app, client, database, applicant, moderator):
    path = f"{ORGANISATIONS}/{applicant.account['id']}"
    refused = moderator.post(path, {"decision": "refuse", "reason": "Pas une association"})
    assert refused.status_code == 200, refused.json
    assert refused.json["role"] == "resident" and refused.json["verification"] == "refused"
    assert applicant.post(MISSIONS, mission_body()).status_code == 403
    [notice] = applicant.get("/api/v1/me/notifications").json["notifications"]
    assert "Pas une association" in notice["body"]
    assert moderator.post(path, {"decision": "approve"}).status_code == 404  # decided
    actions = [r[0] for r in sql(database, "SELECT action FROM moderation_audit")]
    assert actions == ["organisation_refuse"]


def test_only_the_citys_moderators_verify(app, applicant, alice):
    assert alice.get(ORGANISATIONS).status_code == 403
    path = f"{ORGANISATIONS}/{applicant.account['id']}"
    assert alice.post(path, {"decision": "approve"}).status_code == 403
    assert applicant.post(path, {"decision": "approve"}).status_code == 403
    assert applicant.get("/api/v1/me").json["role"] == "resident"


def test_only_pending_organisations_are_decided(app, moderator, alice):
    path = f"{ORGANISATIONS}/{alice.account['id']}"  # a resident never asked
    assert moderator.post(path, {"decision": "approve"}).status_code == 404
    assert moderator.post(f"{ORGANISATIONS}/99999", {"decision": "approve"}).status_code == 404
    assert alice.get("/api/v1/me").json["role"] == "resident"


def test_an_association_the_operator_made_is_verified(app, runner, client):
    session = approved_association(app, runner, "restos@example.org")
    assert session.account["verification"] == "approved"
    created = session.create_post(title="Repas")
    assert created["properties"]["precision"] == "building"  # at its address by default
    assert badges(client) == [("association", True)]


def test_verified_organisations_post_at_their_address_and_residents_at_their_street(
    app, applicant, moderator, alice
):
    assert alice.create_post()["properties"]["precision"] == "street"
    assert applicant.create_post()["properties"]["precision"] == "street"  # still pending
    moderator.post(f"{ORGANISATIONS}/{applicant.account['id']}", {"decision": "approve"})
    assert applicant.create_post()["properties"]["precision"] == "building"
    assert alice.create_post()["properties"]["precision"] == "street"


@pytest.mark.sqlite_only  # an old SQLite file, migrated
def test_association_accounts_made_before_verification_stay_associations(tmp_path):
    path = tmp_path / "before.sqlite"
    verification = next(
        number
        for number, statements in enumerate(stores.MIGRATIONS)
        if any("ADD COLUMN verification" in statement for statement in statements)
    )
    _database_at_version(path, verification)
    old = stores.Store(path)
    city_id = old.create_city("grenoble", "Grenoble", BOUNDARY, CATEGORIES)
    for email, role in (("asso@example.org", "association"), ("res@example.org", "resident")):
        old.conn.execute(
            "INSERT INTO accounts (city_id, email, display_name, role, created_at)"
            " VALUES (?, ?, 'x', ?, 0)",
            (city_id, email, role),
        )
    old.close()
    assert stores.migrate(path) == len(stores.MIGRATIONS)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT email, verification FROM accounts ORDER BY id").fetchall()
    assert rows == [("asso@example.org", "approved"), ("res@example.org", None)]


def test_an_organisation_made_a_resident_again_loses_its_mark(app, client, database, applicant):
    admin = sign_up(app, "admin@ville.example")
    set_role(database, "admin@ville.example", "admin")
    path = f"{ORGANISATIONS}/{applicant.account['id']}"
    assert admin.post(path, {"decision": "approve"}).status_code == 200
    applicant.create_post()
    assert badges(client) == [("association", True)]
    demoted = admin.post(
        "/api/v1/grenoble/roles", {"email": "asso@example.org", "role": "resident"}
    )
    assert demoted.status_code == 200, demoted.json
    assert badges(client) == [("individual", False)]
