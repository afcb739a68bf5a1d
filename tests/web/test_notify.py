"""E-mail notifications through a real SMTP server (aiosmtpd on 127.0.0.1): sent after the
write, never failing it; kept in the outbox while the server is down; sent by the CLI."""

from tests.web.conftest import add_city, forget_mail, make_app, sql, verified_organisation
from tests.web.test_missions import MISSIONS, mission_body, volunteer
from web.testing import free_port


def mail_app(database, port: int):
    app = make_app(database, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="v@ville.example")
    add_city(database)
    return app


def outbox(database) -> list[tuple]:
    return sql(database, "SELECT to_address, sent_at IS NOT NULL, attempts FROM outbox")


def test_a_mission_is_mailed_after_the_write(database, smtp):
    sink, port = smtp
    app = mail_app(database, port)
    volunteer(app, "near@example.org", 100)
    association = verified_organisation(app, "asso@example.org", display_name="Asso")
    forget_mail(database, sink)
    assert association.post(MISSIONS, mission_body()).status_code == 201
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == "near@example.org"
    assert message["From"] == "v@ville.example"
    assert "Distribution alimentaire" in message["Subject"]
    assert "http://localhost/grenoble/missions" in message.get_content()
    assert outbox(database) == [("near@example.org", 1, 1)]


def test_a_dead_smtp_server_never_fails_the_write(database, smtp):
    sink, _ = smtp
    app = mail_app(database, free_port())  # nothing listens there
    volunteer(app, "near@example.org", 100)
    association = verified_organisation(app, "asso@example.org")
    forget_mail(database, sink)
    created = association.post(MISSIONS, mission_body())
    assert created.status_code == 201 and created.json["notified"] == 0  # fewer than 5
    assert outbox(database) == [("near@example.org", 0, 1)]  # kept for a retry
    # the server comes back: the CLI sends what waited
    _, port = smtp
    app.config["SMTP_PORT"] = port
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert "sent 1 e-mails" in result.output
    assert [m["To"] for m in sink.messages] == ["near@example.org"]
    assert outbox(database) == [("near@example.org", 1, 2)]
    again = app.test_cli_runner().invoke(args=["send-notifications"])
    assert "sent 0 e-mails" in again.output and len(sink.messages) == 1


def test_without_smtp_notices_go_to_the_inbox_only(app, database):
    near = volunteer(app, "near@example.org", 100)
    association = verified_organisation(app, "asso@example.org")
    forget_mail(database)
    association.post(MISSIONS, mission_body())
    assert outbox(database) == []
    assert near.get("/api/v1/me/notifications").json["unread"] == 1
