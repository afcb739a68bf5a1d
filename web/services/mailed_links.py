"""Single-use links sent by e-mail: confirming a sign-up, resetting a password.

The token travels in the link's fragment (``#token=...``), which browsers send to no
server and put in no Referer; the store keeps its SHA-256 only. A link works once and
for ``LINK_TTL_S``. Its mail joins the outbox in the same write as the token; without
SMTP it also goes to the server log, from where an operator can pass it on."""

import hashlib
import secrets
import time
from collections.abc import Mapping
from typing import Any

from flask import current_app

from web.services import notify
from web.store import current as store
from web.store.rows import MailedLink

LINK_TTL_S = 3600.0


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def send(
    account: Mapping[str, Any],
    purpose: str,
    path: str,
    subject: str,
    text: str,
    payload: Mapping[str, Any],
) -> None:
    """Mail ``account`` a link to ``path`` for ``purpose``; ``text`` holds ``{url}``."""
    token = secrets.token_urlsafe(32)
    url = f"{notify.base_url()}{path}#token={token}"
    mail = {"to": account["email"], "subject": subject, "body": text.format(url=url)}
    expires_at = time.time() + LINK_TTL_S
    store().add_mailed_link(_hash(token), account["id"], purpose, payload, expires_at, mail)
    _sent(mail)


def send_notice(account: Mapping[str, Any], subject: str, text: str) -> None:
    """Mail ``account`` a message with no link of its own (as ``send``, without a token)."""
    mail = {"to": account["email"], "subject": subject, "body": text}
    store().queue_mail_alone(account["id"], mail)
    _sent(mail)


def redeem(token: str, purpose: str) -> MailedLink | None:
    """``{account_id, payload}`` of a live link (now used up), or None: unknown, already
    used, superseded or expired."""
    return store().take_mailed_link(_hash(token), purpose, time.time())


def _sent(mail: Mapping[str, Any]) -> None:
    if notify.mail_enabled():
        notify.queued()
    else:
        current_app.logger.warning(
            "no SMTP_HOST: mail to %s kept in the outbox: %s\n%s",
            mail["to"],
            mail["subject"],
            mail["body"],
        )
