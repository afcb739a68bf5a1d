"""Who is calling: a session (``web.http.sessions``; a CSRF token for writes) or an API token.

Passwords are hashed with argon2id (argon2-cffi, RFC 9106 low-memory parameters;
tests may pick the cheapest parameters, still argon2id). API tokens are random, shown
once, and stored only as their SHA-256 (they are long and random: no salt needed).
A session write must carry ``X-CSRF-Token`` equal to the session's token; a Bearer
write needs none (a browser never adds that header by itself)."""

import contextlib
import hashlib
import hmac
import secrets
import sqlite3
import time

import argon2
from flask import current_app, g, request, session

from web.http import sessions
from web.http.problems import Problem
from web.store import current as current_store
from web.store.rows import Account

TOKEN_PREFIX = "vsn_"
CSRF_HEADER = "X-CSRF-Token"
SEEN_EVERY_S = 86400.0  # how often an account in use records it (web.services.retention)

_HASHERS = {
    "default": argon2.PasswordHasher.from_parameters(argon2.profiles.RFC_9106_LOW_MEMORY),
    "fast": argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST),
}
_DUMMY_HASHES: dict[str, str] = {}  # by PASSWORD_HASH setting, made on first use


def _hasher() -> argon2.PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH"]]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches. Without a hash (no such account) a dummy hash is
    verified all the same: a wrong password takes as long for an unknown e-mail as for a
    known one, so the time of the answer does not tell who has an account."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def _dummy_hash() -> str:
    setting = current_app.config["PASSWORD_HASH"]
    if setting not in _DUMMY_HASHES:
        _DUMMY_HASHES[setting] = _hasher().hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[setting]


def new_token() -> tuple[str, str]:
    """``(token, its hash)``: the token is shown once, the hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_token() -> str:
    """The session's CSRF token (made on first use); templates put it in a meta tag."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def log_in(account_id: int) -> None:
    sessions.end()  # a session open before, if any, ends: never two for one browser
    session.clear()
    sessions.open_for(account_id)
    session["csrf"] = secrets.token_urlsafe(32)
    g.pop("account", None)


def log_out() -> None:
    sessions.end()
    session.clear()
    g.pop("account", None)


def current_account() -> Account | None:
    """The calling account (Bearer token first, then session), or None; 401 for a bad
    or revoked token (a client that sends one wants to know)."""
    if "account" in g:
        known: Account | None = g.account
        return known
    account = None
    g.by_token = False
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(
                401,
                "Unauthorized",
                "Authorization must be 'Bearer <token>'",
                [("Authorization", "expected 'Bearer <token>'")],
            )
        account = current_store().account_by_token(token_hash(token.strip()))
        if account is None:
            raise Problem(
                401,
                "Unauthorized",
                "the API token is unknown or revoked",
                [("Authorization", "unknown or revoked token")],
            )
        g.by_token = True
    elif sessions.COOKIE_KEY in session:
        account_id = sessions.account_id()
        account = None if account_id is None else current_store().account(account_id)
        if account is None:  # logged out, ended elsewhere, expired or deleted
            session.pop(sessions.COOKIE_KEY, None)
    if account is not None and (account["last_seen_at"] or 0) < time.time() - SEEN_EVERY_S:
        with contextlib.suppress(sqlite3.OperationalError):  # busy: a later request will
            current_store().seen(account["id"], time.time())  # (web.retention spares it)
    g.account = account
    return account


def require_account(write: bool = False) -> Account:
    """The calling account, or 401; for a session write, 403 unless the CSRF header matches."""
    account = current_account()
    if account is None:
        raise Problem(401, "Unauthorized", "log in or send 'Authorization: Bearer <token>'")
    if write and not g.by_token:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent.encode(), str(expected).encode()):
            raise Problem(
                403,
                "Forbidden",
                f"session writes need the {CSRF_HEADER} header from GET /api/v1/session",
                [(CSRF_HEADER, "missing or wrong")],
            )
    return account
