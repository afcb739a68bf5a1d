"""Accounts: signing up, passwords and sessions, told apart from nobody.

Signing up answers 202 whatever the address: a new address gets a link that opens the
account (``web.services.mailed_links``), a known one a mail saying someone tried; so the
form tells nobody who is registered. The registration travels with its link, so a stranger who signs
up first with someone's address changes nothing that person confirms. A password reset
answers 202 alike. Changing or resetting the password ends every session
(``web.http.sessions``), as does "log out everywhere"."""

import time
from typing import Annotated
from urllib.parse import urlencode

from flask import Blueprint, Response, g, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, StringConstraints

from web import indexes
from web.api import session
from web.http import answers, auth, parsing, ratelimit, schemas, sessions
from web.http.idempotency import idempotent
from web.http.problems import Problem
from web.services import homes, mailed_links, notify, posting, verification
from web.store import current as store

bp = Blueprint("accounts", __name__)

Password = Annotated[str, StringConstraints(min_length=10, max_length=1024)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ConfirmBody(schemas.Body):
    token: Token


class ResetRequest(schemas.Body):
    email: schemas.Email


class ResetBody(schemas.Body):
    token: Token
    password: Password


class PasswordChange(schemas.Body):
    current_password: Annotated[str, StringConstraints(max_length=1024)]
    password: Password


class Accepted(BaseModel):
    """Taken into account; what follows arrives by e-mail."""

    detail: str


@bp.post("/<city>/accounts")
@idempotent
def sign_up(city: str) -> Response:
    """Sign up: the home point stays private; the account opens from the mailed link."""
    body = parsing.parse_body(schemas.AccountCreate)
    index = indexes.city_index(city)
    ratelimit.check("login")
    ratelimit.check_address(body.email)
    lat, lon, address, ban_id = posting.locate(index, body.address, body.lat, body.lon)
    registration = {
        "city_id": index.city["id"],
        "password_hash": auth.hash_password(body.password),  # hashed whatever follows
        **verification.sign_up_fields(body.poster_type, body.precision),
        "poster_type": body.poster_type,
        "display_name": body.display_name,
        "phone": body.phone,
        "home_address": address,
        "home_lat": lat,
        "home_lon": lon,
        **homes.building_fields(ban_id),
        "consent": body.consent.model_dump(),
        "consent_text": posting.CONSENT_TEXT,
        "consent_at": time.time(),
    }
    account = store().account_by_email(body.email)
    if account is None:
        fields = {**registration, "confirmed": 0}
        account = store().account(
            store().create_account(fields.pop("city_id"), email=body.email, **fields)
        )
    assert account is not None
    if account["confirmed"]:
        mailed_links.send_notice(
            account,
            _("Someone tried to create an account with your address"),
            _(
                "Someone, maybe you, tried to create a voisinage account with this address, "
                "which already has one. If it was you, log in, or choose a new password here:"
            )
            + f"\n{notify.base_url()}{url_for('accounts.forgot_page', city=account['city'])}\n",
        )
    else:
        mailed_links.send(
            account,
            "confirm",
            f"/{city}/confirm" + (f"?{urlencode({'next': body.next})}" if body.next else ""),
            _("Confirm your voisinage account"),
            _("To open your voisinage account, follow this link within an hour:")
            + "\n{url}\n\n"
            + _("If you did not sign up, ignore this message: nothing will be created."),
            registration,
        )
    return _accepted("a link to open the account was mailed to this address")


@bp.post("/accounts/confirm")
def confirm() -> Response:
    """Open the account with the registration this link carries, and log in."""
    body = parsing.parse_body(ConfirmBody)
    link = mailed_links.redeem(body.token, "confirm")
    account = None if link is None else store().account(link["account_id"])
    if link is None or account is None or account["confirmed"]:
        raise _dead_link()
    store().update_account(account["id"], confirmed=1, **link["payload"])
    auth.log_in(account["id"])
    return session.session_answer()


@bp.post("/password-reset")
def request_reset() -> Response:
    """Mail a reset link to the address if an account has it; the answer is the same."""
    body = parsing.parse_body(ResetRequest)
    ratelimit.check("login")
    ratelimit.check_address(body.email)
    account = store().account_by_email(body.email)
    if account is not None and account["confirmed"]:
        mailed_links.send(
            account,
            "reset",
            f"/{account['city']}/reset",
            _("Choose a new voisinage password"),
            _("To choose a new password, follow this link within an hour:")
            + "\n{url}\n\n"
            + _("If you did not ask for it, ignore this message: your password stays."),
            {},
        )
    return _accepted("if an account has this address, a link was mailed to it")


@bp.post("/password-reset/new")
def reset() -> Response:
    """Set the password from a mailed link: every other session ends and every API token
    is revoked (whoever took the account may have made one), this session opens."""
    body = parsing.parse_body(ResetBody)
    link = mailed_links.redeem(body.token, "reset")
    if link is None:
        raise _dead_link()
    _set_password(link["account_id"], body.password)
    store().revoke_tokens(link["account_id"])
    auth.log_in(link["account_id"])
    return session.session_answer()


@bp.put("/me/password")
def change_password() -> Response:
    """Change the password (the current one typed again): every session ends, and this
    browser gets a new one."""
    account = auth.require_account(write=True)
    body = parsing.parse_body(PasswordChange)
    ratelimit.check("login")  # a password guess, like a login
    if not auth.verify_password(account["password_hash"], body.current_password):
        raise Problem(
            403,
            "Forbidden",
            "wrong password",
            [("current_password", "type your password again", "wrong_credentials")],
        )
    _set_password(account["id"], body.password)
    if not g.by_token:
        auth.log_in(account["id"])
    return session.session_answer()


@bp.delete("/me/sessions")
def log_out_everywhere() -> Response:
    """End every session of the account, this browser's included (API tokens stay)."""
    account = auth.require_account(write=True)
    sessions.end_all(account["id"])
    auth.log_out()
    return Response(status=204)


def _set_password(account_id: int, password: str) -> None:
    store().update_account(account_id, password_hash=auth.hash_password(password))
    sessions.end_all(account_id)


def _accepted(detail: str) -> Response:
    return answers.json_answer({"detail": detail}, 202)


def _dead_link() -> Problem:
    return Problem(
        422,
        "Invalid parameter",
        "this link is unknown, already used or expired: ask for a new one",
        [("token", "unknown, used or expired", "expired")],
    )


_JSON = "application/json"


_SESSION = schemas.SessionAnswer


# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    (
        "post",
        "/{city}/accounts",
        "Sign up",
        None,
        schemas.AccountCreate,
        202,
        Accepted,
        _JSON,
        False,
    ),
    (
        "post",
        "/accounts/confirm",
        "Confirm a sign-up",
        None,
        ConfirmBody,
        200,
        _SESSION,
        _JSON,
        False,
    ),
    (
        "post",
        "/password-reset",
        "Mail me a reset link",
        None,
        ResetRequest,
        202,
        Accepted,
        _JSON,
        False,
    ),
    (
        "post",
        "/password-reset/new",
        "Reset my password",
        None,
        ResetBody,
        200,
        _SESSION,
        _JSON,
        False,
    ),
    ("put", "/me/password", "Change my password", None, PasswordChange, 200, _SESSION, _JSON, True),
    ("delete", "/me/sessions", "Log out everywhere", None, None, 204, None, "", True),
]
