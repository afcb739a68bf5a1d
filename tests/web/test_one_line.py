"""One-line fields (titles, names, addresses) refuse line breaks and other control
characters, and lose bidi overrides; one mail that cannot be sent never blocks the rest."""

import pytest

from tests.web.conftest import CENTRE, forget_mail, sign_up, verified_organisation
from tests.web.test_missions import MISSIONS, mission_body
from tests.web.test_notify import mail_app, outbox
from web.store import Store


@pytest.mark.parametrize(
    "value",
    [
        "Courses\r\nBcc: everyone@example.org",  # a header injected into the alert e-mail
        "Courses\nle samedi",
        "Courses\tle samedi",
        "Courses\u2028le samedi",  # Unicode line separator
        "Courses\x85le samedi",  # NEL, a C1 control
    ],
)
def test_a_title_is_one_line(alice, value):
    response = alice.post(
        "/api/v1/grenoble/posts",
        {
            "kind": "offer",
            "category": "shopping",
            "title": value,
            "lat": CENTRE[0],
            "lon": CENTRE[1],
        },
    )
    assert response.status_code == 422
    assert [e["param"] for e in response.json["errors"]] == ["title"]


@pytest.mark.parametrize(
    "path, method, body, param",
    [
        ("/api/v1/me", "PATCH", {"display_name": "Alice\r\nX"}, "display_name"),
        ("/api/v1/grenoble/posts/{post}", "PATCH", {"title": "a\nb"}, "title"),
    ],
)
def test_names_and_titles_elsewhere_are_one_line(alice, path, method, body, param):
    post = alice.create_post()
    response = alice._send(method, path.format(post=post["id"]), body)
    assert response.status_code == 422
    assert [e["param"] for e in response.json["errors"]] == [param]


def test_a_mission_title_is_one_line(app):
    association = verified_organisation(app)
    response = association.post(MISSIONS, mission_body(title="Distribution\r\nalimentaire"))
    assert response.status_code == 422
    assert [e["param"] for e in response.json["errors"]] == ["title"]


def test_sign_up_names_the_display_name(client):
    body = {"email": "eve@example.org", "password": "correct horse battery"}
    body |= {"display_name": "Eve\nAdmin", "lat": CENTRE[0], "lon": CENTRE[1]}
    response = client.post("/api/v1/grenoble/accounts", json=body)
    assert response.status_code == 422
    assert [e["param"] for e in response.json["errors"]] == ["display_name"]


def test_bidi_overrides_are_removed_from_titles(alice):
    # U+202E would show "Vélo gratuit exe.fdp" as something else in every list.
    post = alice.create_post(title="Vélo gratuit \u202eexe.fdp\u202c")
    assert post["properties"]["title"] == "Vélo gratuit exe.fdp"
    response = alice.post(
        "/api/v1/grenoble/posts",
        {
            "kind": "offer",
            "category": "shopping",
            "title": "\u202e\u2066",
            "lat": CENTRE[0],
            "lon": CENTRE[1],
        },
    )
    assert response.status_code == 422  # nothing left once neutralised


def test_one_unsendable_mail_never_blocks_the_others(database, smtp):
    sink, port = smtp
    app = mail_app(database, port)
    alice = sign_up(app)
    forget_mail(database, sink)  # the sign-up link
    store = Store(database)
    try:
        account_id = alice.account["id"]
        # A row queued before titles were checked, then a good one behind it.
        bad = {"to": "alice@example.org", "subject": "Hello\r\nBcc: x@evil.invalid", "body": "."}
        good = {"to": "alice@example.org", "subject": "Bonjour", "body": "Tout va bien"}
        store.queue_notifications(
            [
                {"account_id": account_id, "kind": "test", "title": "t", "mail": mail}
                for mail in (bad, good)
            ]
        )
    finally:
        store.close()
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert "sent 1 e-mails, 1 failed" in result.output
    assert [m["Subject"] for m in sink.messages] == ["Bonjour"]
    assert sorted(outbox(database)) == [("alice@example.org", 0, 1), ("alice@example.org", 1, 1)]
