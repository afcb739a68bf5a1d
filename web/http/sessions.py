"""Sessions kept in the database: the signed cookie only names one.

A signed cookie alone stays valid until it expires (31 days) whatever happens, so logging
out could not end it. Here the cookie holds a random session id, the store keeps its
SHA-256, and every request looks it up: logging out, changing the password and "log out
everywhere" delete the records, and the cookie is worth nothing from then on."""

import hashlib
import secrets
import time

from flask import Flask, current_app, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from web.store import current as store

COOKIE_KEY = "sid"


class SignedOnce(SecureCookieSessionInterface):
    """Flask's signed cookie, its serializer made once per key rather than on every
    request (a tenth of a /match, cookie or not)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._serializers:
            self._serializers[key] = super().get_signing_serializer(app)
        return self._serializers[key]


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def open_for(account_id: int) -> None:
    """Start a session for ``account_id`` in this browser (a fresh id: never one chosen
    before logging in)."""
    session_id = secrets.token_urlsafe(32)
    lifetime_s = current_app.permanent_session_lifetime.total_seconds()
    store().open_session(_hash(session_id), account_id, time.time() + lifetime_s)
    session[COOKIE_KEY] = session_id


def account_id() -> int | None:
    """The account of this browser's live session, or None."""
    session_id = session.get(COOKIE_KEY)
    if not isinstance(session_id, str):
        return None
    return store().session_account(_hash(session_id), time.time())


def end() -> None:
    """End this browser's session."""
    session_id = session.get(COOKIE_KEY)
    if isinstance(session_id, str):
        store().end_sessions(id_hash=_hash(session_id))


def end_all(account: int) -> None:
    """End every session of ``account``, in every browser."""
    store().end_sessions(account_id=account)
