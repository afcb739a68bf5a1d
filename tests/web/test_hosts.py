"""Links in mails and notices come from BASE_URL only; a request naming another host is
refused (the Host header is the client's to choose)."""

from tests.web.conftest import add_city, forget_mail, make_app, verified_organisation
from tests.web.test_missions import MISSIONS, mission_body, volunteer
from tests.web.test_notify import mail_app


def test_a_write_sent_to_another_host_is_refused_and_mails_nothing(database, smtp):
    sink, port = smtp
    app = mail_app(database, port)
    volunteer(app, "near@example.org", 100)
    association = verified_organisation(app)
    forget_mail(database, sink)
    sent = association.post(MISSIONS, mission_body(), base_url="http://evil.invalid")
    assert sent.status_code == 400
    assert sink.messages == []


def test_links_use_the_configured_address_whatever_host_was_asked(database, smtp):
    sink, port = smtp
    app = make_app(
        database,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        BASE_URL="https://voisinage.example/",
        TRUSTED_HOSTS=["voisinage.example", "localhost"],  # an alias the proxy also answers
    )
    add_city(database)
    volunteer(app, "near@example.org", 100)
    association = verified_organisation(app)
    forget_mail(database, sink)
    assert association.post(MISSIONS, mission_body()).status_code == 201
    content = sink.messages[0].get_content()
    assert "https://voisinage.example/grenoble/missions" in content
    assert "http://localhost" not in content


def test_pages_answer_on_the_configured_host(client):
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/v1/health", base_url="http://evil.invalid").status_code == 400
