"""Signing up from a page (``next``): the mailed link leads back there once the account
is open, and only to a page of this site."""

import pytest

from tests.web.conftest import CENTRE, PASSWORD, sql

SIGN_UP = "/api/v1/grenoble/accounts"
BODY = {"password": PASSWORD, "display_name": "Nina", "lat": CENTRE[0], "lon": CENTRE[1]}


def last_mail(database, email: str) -> str:
    [(body,)] = sql(
        database, "SELECT body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1", (email,)
    )
    return body


def test_the_mailed_link_leads_back_to_next(app, client):
    body = {**BODY, "email": "nina@example.org", "next": "/grenoble/new"}
    assert client.post(SIGN_UP, json=body).status_code == 202
    mail = last_mail(app.config["DATABASE"], "nina@example.org")
    assert "/grenoble/confirm?next=%2Fgrenoble%2Fnew#token=" in mail


def test_without_next_the_link_is_the_plain_one(app, client):
    assert client.post(SIGN_UP, json={**BODY, "email": "nina@example.org"}).status_code == 202
    assert "/grenoble/confirm#token=" in last_mail(app.config["DATABASE"], "nina@example.org")


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example/x",  # another site, to a browser
        "/\\evil.example",  # so is this
        "https://evil.example/",  # not a path
        "/a b",  # a space
    ],
)
def test_next_must_be_a_path_of_this_site(client, next_path):
    body = {**BODY, "email": "nina@example.org", "next": next_path}
    answer = client.post(SIGN_UP, json=body)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == "next"
