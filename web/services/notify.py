"""Notifications: an in-app inbox, and e-mail through a configurable SMTP server.

Workflows (missions, alerts, expiry reminders) queue notices with the write that causes
them, in the same transaction (``Store._queue_notifications``): the inbox row, and an
``outbox`` row for the e-mail when ``SMTP_HOST`` is set (none set: inbox only). Mail is
sent after the transaction commits, never inside it: after each request that queued
some (``g.mail_queued``), and by ``flask --app web send-notifications`` (cron), which
also retries failures. A slow or broken SMTP server never makes a write fail.

Senders claim outbox rows in a transaction before sending, so two workers never send the
same mail; a row claimed by a sender that died is retried after ``RECLAIM_S``."""

import re
import smtplib
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from flask import (
    current_app,
    g,
)
from flask_babel import force_locale

from web.store import Store
from web.store import current as store

MAX_ATTEMPTS = 5
RECLAIM_S = 600.0
BATCH = 200


def mail_enabled() -> bool:
    return bool(current_app.config["SMTP_HOST"])


def base_url() -> str:
    """Where links in e-mails and notices point: ``BASE_URL``, never the request's Host."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def mail(
    account: Mapping[str, Any], subject: str, body: str, **headers: str
) -> dict[str, Any] | None:
    """The e-mail part of a notice for ``account``, or None when no SMTP is configured."""
    if not mail_enabled():
        return None
    return {"to": account["email"], "subject": subject, "body": body, "headers": headers}


def queued() -> None:
    """Tell the end of this request that mail waits in the outbox."""
    g.mail_queued = True


def send_queued() -> None:
    """Queued mail leaves once the write has committed; failures stay in the outbox."""
    if g.pop("mail_queued", False) and mail_enabled():
        try:
            send_outbox(store(), current_app.config)
        except Exception:  # never fail the answer for mail: the CLI retries
            current_app.logger.exception("sending notifications failed; they stay queued")


def send_outbox(db: Store, config: Any) -> tuple[int, int]:
    """Send what the outbox holds; returns ``(sent, failed)``. Failed mail is retried by
    later calls, up to ``MAX_ATTEMPTS``."""
    if not config["SMTP_HOST"]:
        return 0, 0
    sent = failed = 0
    while rows := db.claim_mail(time.time(), BATCH, MAX_ATTEMPTS, RECLAIM_S):
        try:
            smtp = smtplib.SMTP(
                config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=config["SMTP_TIMEOUT_S"]
            )
        except OSError as error:
            for row in rows:
                db.mail_done(row["id"], f"cannot connect: {error}")
            return sent, failed + len(rows)
        with smtp:
            for row in rows:
                try:
                    smtp.send_message(_message(row, config["SMTP_FROM"]))
                except Exception as error:  # one bad mail (a refused header...) blocks no other
                    db.mail_done(row["id"], str(error) or type(error).__name__)
                    failed += 1
                else:
                    db.mail_done(row["id"], kept_body=_LINK_TOKEN.sub("#token=(sent)", row["body"]))
                    sent += 1
        if len(rows) < BATCH:
            break
    return sent, failed


# A mailed link's token (web.services.mailed_links): once sent, the outbox forgets it, as
# mailed_links keeps only its hash, so that reading the database gives no live link.
_LINK_TOKEN = re.compile(r"#token=[\w-]+")


def _message(row: Mapping[str, Any], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    for name, value in row["headers"].items():
        message[name] = value
    message.set_content(row["body"])
    return message


@contextmanager
def command_store() -> Iterator[Store]:
    """A store for a command run from cron; its texts in French, the default language
    (no request tells another)."""
    db = Store(current_app.config["DATABASE"])
    try:
        with force_locale("fr"):
            yield db
    finally:
        db.close()
