"""Guessing passwords and finding out who has an account: limited per address typed (from
any number of IPs), answered alike for known and unknown addresses, in the same time."""

import statistics
import time

from tests.web.conftest import CENTRE, PASSWORD, add_city, mailed_token, make_app, sql

KNOWN = "known@example.org"
SIGN_UP = "/api/v1/grenoble/accounts"


def cli_account(app, email=KNOWN) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "user",
            "create",
            email,
            "--city",
            "grenoble",
            "--role",
            "resident",
            "--password-stdin",
        ],
        input=PASSWORD,
    )
    assert result.exit_code == 0, result.output


def last_mail(database, email: str) -> str:
    return sql(
        database, "SELECT body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1", (email,)
    )[0][0]


def guesses(client, email: str, count: int):
    return [
        client.post(
            "/api/v1/session",
            json={"email": email, "password": "wrong guess 123"},
            environ_base={"REMOTE_ADDR": f"192.0.2.{n}"},  # a new IP each time
        )
        for n in range(count)
    ]


def test_guesses_at_one_address_from_many_ips_are_limited_alike(database):
    app = make_app(
        database, RATE_LIMITS_ENABLED=True, RATE_LIMIT_LOGIN="100/60", RATE_LIMIT_ADDRESS="3/60"
    )
    add_city(database)
    cli_account(app)
    client = app.test_client()
    known = guesses(client, KNOWN, 5)
    unknown = guesses(client, "nobody@example.org", 5)
    statuses = [answer.status_code for answer in known]
    assert statuses == [401, 401, 401, 429, 429]
    assert [answer.status_code for answer in unknown] == statuses
    assert known[0].json == unknown[0].json
    assert known[-1].json["title"] == unknown[-1].json["title"]
    assert 1 <= int(known[-1].headers["Retry-After"]) <= 60  # a short wait, never a lock-out
    # the right password waits too, however the address is typed
    right = client.post(
        "/api/v1/session", json={"email": " KNOWN@example.org", "password": PASSWORD}
    )
    assert right.status_code == 429


def test_a_wrong_password_takes_as_long_for_an_unknown_address(database):
    app = make_app(database, PASSWORD_HASH="default")  # the real cost, ~0.1 s
    add_city(database)
    cli_account(app)
    client = app.test_client()
    durations: dict[str, list[float]] = {KNOWN: [], "nobody@example.org": []}
    for round_ in range(4):
        for email, times in durations.items():
            start = time.perf_counter()
            assert guesses(client, email, 1)[0].status_code == 401
            if round_:  # the first round makes the dummy hash
                times.append(time.perf_counter() - start)
    known, unknown = (statistics.median(times) for times in durations.values())
    assert unknown > 0.5 * known, (known, unknown)


def registration(email: str, password: str = PASSWORD, name: str = "New") -> dict:
    return {
        "email": email,
        "password": password,
        "display_name": name,
        "lat": CENTRE[0],
        "lon": CENTRE[1],
    }


def test_sign_up_answers_alike_whether_the_address_is_known(app, alice, database):
    taken = app.test_client().post(SIGN_UP, json=registration("alice@example.org"))
    new = app.test_client().post(SIGN_UP, json=registration("new@example.org"))
    assert taken.status_code == new.status_code == 202
    assert taken.json == new.json
    # the owner of the taken address is told, with no link that opens anything
    told = last_mail(database, "alice@example.org")
    assert "#token=" not in told and "http://localhost/grenoble/forgot" in told


def test_an_account_opens_only_from_its_link(app, database):
    client = app.test_client()
    assert client.post(SIGN_UP, json=registration("new@example.org")).status_code == 202
    early = client.post("/api/v1/session", json={"email": "new@example.org", "password": PASSWORD})
    assert early.status_code == 401  # as for an unknown address
    token = mailed_token(database, "new@example.org")
    opened = client.post("/api/v1/accounts/confirm", json={"token": token})
    assert opened.status_code == 200 and opened.json["account"]["email"] == "new@example.org"
    assert client.get("/api/v1/me").json["display_name"] == "New"
    again = app.test_client().post("/api/v1/accounts/confirm", json={"token": token})
    assert again.status_code == 422


def test_a_stranger_signing_up_first_changes_nothing_the_owner_confirms(app, database):
    stranger = app.test_client()
    owner = app.test_client()
    stranger.post(SIGN_UP, json=registration("owner@example.org", "stranger password", "Mallory"))
    strangers_link = mailed_token(database, "owner@example.org")
    owner.post(SIGN_UP, json=registration("owner@example.org", "owner's password", "Olga"))
    owners_link = mailed_token(database, "owner@example.org")
    assert owner.post("/api/v1/accounts/confirm", json={"token": owners_link}).status_code == 200
    assert owner.get("/api/v1/me").json["display_name"] == "Olga"
    late = stranger.post("/api/v1/accounts/confirm", json={"token": strangers_link})
    assert late.status_code == 422
    refused = stranger.post(
        "/api/v1/session", json={"email": "owner@example.org", "password": "stranger password"}
    )
    assert refused.status_code == 401


def test_an_account_given_a_token_by_the_cli_counts_as_confirmed(app, database):
    app.test_client().post(SIGN_UP, json=registration("new@example.org"))
    result = app.test_cli_runner().invoke(args=["token", "create", "new@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    login = app.test_client().post(
        "/api/v1/session", json={"email": "new@example.org", "password": PASSWORD}
    )
    assert login.status_code == 200
