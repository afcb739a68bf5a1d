"""The session (log in, log out) and the calling account (``/me``)."""

import time
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response

from web.http import auth, ratelimit, schemas
from web.http.answers import iso, json_answer
from web.http.parsing import parse_body
from web.http.problems import Problem
from web.http.ratelimit import write_limit
from web.indexes import city_index
from web.services import homes
from web.services.posting import CONSENT_TEXT, locate
from web.store import current as store

bp = Blueprint("session", __name__)


def _summary(account: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {
        name: account[name]
        for name in ("id", "email", "display_name", "role", "poster_type", "verification", "city")
    }


def session_answer(status: int = 200) -> Response:
    account = auth.current_account()
    return json_answer({"account": _summary(account), "csrf_token": auth.csrf_token()}, status)


@bp.get("/session")
def get_session() -> Response:
    return session_answer()


@bp.post("/session")
def log_in() -> Response:
    body = parse_body(schemas.LoginBody)
    ratelimit.check("login")
    ratelimit.check_address(body.email)
    account = store().account_by_email(body.email.strip())
    # Unknown, or not confirmed yet: a dummy hash is verified, the answer is the same.
    password_hash = account["password_hash"] if account and account["confirmed"] else None
    if not auth.verify_password(password_hash, body.password):
        raise Problem(
            401,
            "Unauthorized",
            "wrong e-mail or password",
            [("password", "wrong e-mail or password", "wrong_credentials")],
        )
    assert account is not None  # a password matched its hash
    auth.log_in(account["id"])
    return session_answer()


@bp.delete("/session")
def log_out() -> Response:
    auth.log_out()
    return Response(status=204)


def _account_details(account: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **_summary(account),  # type: ignore[dict-item]
        "phone": account["phone"],
        "home_address": account["home_address"],
        "precision": account["precision"],
        "consent": {
            "share_email": bool(account["consent"].get("share_email")),
            "share_phone": bool(account["consent"].get("share_phone")),
        },
        "consent_text": account["consent_text"],
        "consent_at": iso(account["consent_at"]),
        "accepts_calls": bool(account["accepts_calls"]),
        "accepts_missions": bool(account["accepts_missions"]),
    }


@bp.get("/me")
def get_me() -> Response:
    return json_answer(_account_details(auth.require_account()))


@bp.patch("/me")
def patch_me() -> Response:
    """Change name, phone, home (by address or lat and lon), default precision or consent
    (withdrawal applies at once)."""
    account = auth.require_account(write=True)
    body = parse_body(schemas.AccountPatch)
    write_limit(account)
    changes = {
        name: value
        for name, value in body.model_dump(exclude_unset=True).items()
        if value is not None and name not in {"address", "lat", "lon"}
    }
    if body.address is not None or body.lat is not None or body.lon is not None:
        index = city_index(account["city"])
        homes.move_home(account, *locate(index, body.address, body.lat, body.lon))
    if "consent" in changes:
        changes["consent_text"] = CONSENT_TEXT
        changes["consent_at"] = time.time()
    store().update_account(account["id"], **changes)
    return json_answer(_account_details(store().account(account["id"])))  # type: ignore[arg-type]
