"""A server of its own for the community-workflow browser tests (call list, missions,
alerts, poster): a fresh database with the city and chosen accounts in chosen roles,
served by waitress on 127.0.0.1, with a local SMTP sink (aiosmtpd) for the e-mails.
Import the fixtures into a test module: ``from tests.browser.community import ...``."""

import json
import re
import urllib.request
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message

import pytest

from tests.browser.conftest import PageProblems, caused_on_purpose
from tests.web.conftest import PASSWORD, add_city
from web.store import Store
from web.testing import free_port, serve


class MailSink:
    """An SMTP server on 127.0.0.1 keeping every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class Community:
    def __init__(self, base_url: str, database, mail: MailSink) -> None:
        self.base_url = base_url
        self.database = database
        self.mail = mail

    def account(self, email: str, lat: float, lon: float, role: str = "resident", **fields):
        """A new account (through the API), then its role and flags set in the database."""
        body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0]}
        body |= {"lat": lat, "lon": lon, "phone": "06 11 22 33 44"}
        request = urllib.request.Request(
            f"{self.base_url}/api/v1/grenoble/accounts",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass  # 202: the account opens from the link mailed to it
        account = self.open_from_mail(email)
        store = Store(self.database)
        try:
            store.update_account(account["id"], role=role, **fields)
        finally:
            store.close()
        return account

    def open_from_mail(self, email: str) -> dict:
        """Follow the link last mailed to ``email`` (as its owner would): the account."""
        [body] = [m.get_content() for m in self.mail.messages if m["To"] == email][-1:]
        token = re.search(r"#token=(\S+)", body).group(1)
        request = urllib.request.Request(
            f"{self.base_url}/api/v1/accounts/confirm",
            data=json.dumps({"token": token}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)["account"]


@pytest.fixture(scope="session")
def community(tmp_path_factory) -> Iterator[Community]:
    database = tmp_path_factory.mktemp("community") / "voisinage.sqlite"
    add_city(database)
    mail = MailSink()
    mail.controller.start()
    settings = {
        "VOISINAGE_TESTING": "1",
        "VOISINAGE_RATE_LIMITS_ENABLED": "0",
        "VOISINAGE_PASSWORD_HASH": "fast",
        "VOISINAGE_SMTP_HOST": "127.0.0.1",
        "VOISINAGE_SMTP_PORT": str(mail.port),
    }
    try:
        with serve(database, settings=settings) as base_url:
            yield Community(base_url, database, mail)
    finally:
        mail.controller.stop()


@pytest.fixture
def logged_in(browser, community):
    """``logged_in(email)``: a page in a fresh browser context logged in as ``email``."""
    contexts, problems = [], []

    def make(email: str):
        context = browser.new_context(
            base_url=community.base_url, viewport={"width": 1280, "height": 800}, locale="fr-FR"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        answer = context.request.post(
            "/api/v1/session", data={"email": email, "password": PASSWORD}
        )
        assert answer.ok, answer.text()
        page = context.new_page()
        problems.append(PageProblems(page))
        return page

    yield make
    for context in contexts:
        context.close()
    seen = [e for problem in problems for e in problem.errors if not caused_on_purpose(e)]
    assert seen == [], f"the pages reported errors: {seen}"


def publish_from_the_form(page, title: str, kind: str = "offer") -> None:
    """Post a shopping offer or request through the "new post" page, as a person does."""
    page.goto("/grenoble/new")
    page.check(f"#f-kind-{kind}")
    page.select_option("#f-category", "shopping")
    page.fill("#f-title", title)
    page.click("#post-form button[type=submit]")
    page.wait_for_url("**/posts/**")
