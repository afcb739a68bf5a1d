"""Posting once: the ``Idempotency-Key`` header of creating requests.

A client that sends a creating request again (a double click, a retry after a lost
answer) sends the same key: the same key from the same account within a day gets the
first answer again (same status, body and ``Location``) and nothing new is created. An
anonymous request (sign-up) is known by its key *and* body, since anyone may send it.
The same key with another body (or to another path) is a 422 naming ``Idempotency-Key``.

The key is claimed (a row in ``idempotency_keys``) before the view runs and answered
after it: a concurrent duplicate finds the claim and waits for the first answer rather
than creating twice. Only successful answers are kept; an error creates nothing, so its
claim is released and a retry runs again. Keys older than a day are purged on each claim."""

import functools
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from typing import ParamSpec

from flask import Flask, Response, current_app, make_response, request

from web.http import auth
from web.http.problems import Problem, invalid
from web.store import current as store
from web.store.rows import StoredAnswer

HEADER = "Idempotency-Key"
KEPT_S = 86400.0  # a key answers the same for a day
ABANDONED_S = 60.0  # a claim never answered for this long belongs to a request that died
WAIT_S = 10.0  # how long a concurrent duplicate waits for the first answer
POLL_S = 0.05
_KEPT_HEADERS = ("Location", "Content-Type")

P = ParamSpec("P")


def idempotent(view: Callable[P, Response]) -> Callable[P, Response]:
    """Make a creating view honour ``Idempotency-Key`` (without the header, it runs as is)."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        _check(key)
        fingerprint = _fingerprint()
        account = auth.current_account()
        owner = f"account:{account['id']}" if account else f"anonymous:{fingerprint}"
        stored = _claim(owner, key, account["id"] if account else None, fingerprint)
        if stored is not None:
            return _replay(stored)
        try:
            answer = make_response(view(*args, **kwargs))
        except BaseException:
            store().release_key(owner, key)
            raise
        if 200 <= answer.status_code < 300:
            headers = {
                name: answer.headers[name] for name in _KEPT_HEADERS if name in answer.headers
            }
            store().answer_key(
                owner, key, answer.status_code, answer.get_data(as_text=True), json.dumps(headers)
            )
        else:
            store().release_key(owner, key)
        return answer

    wrapper.idempotent = True  # type: ignore[attr-defined]  # for idempotent_routes()
    return wrapper


def idempotent_routes(app: Flask) -> set[tuple[str, str]]:
    """``(method, path)`` of the views that honour the header, paths written as OpenAPI
    writes them (``/api/v1/{city}/posts``)."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions[rule.endpoint], "idempotent", False):
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(method.lower(), path) for method in rule.methods or () if method == "POST"}
    return routes


PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "description": "the same key from the same account within 24 h answers the first answer "
    "again and creates nothing; another request with that key is a 422",
}


def _check(key: str) -> None:
    if not 1 <= len(key) <= 255 or not all(" " <= char <= "~" for char in key):
        raise invalid(
            HEADER, f"{HEADER} must be 1 to 255 printable ASCII characters", "invalid_format"
        )


def _fingerprint() -> str:
    """What makes two requests the same: method, path and body, byte for byte. Keyed by
    the app's secret: a body may hold a password (sign-up), and a plain hash of it kept a
    day would let a stolen database be tried against guesses far faster than the
    password hashes allow."""
    secret = f"idempotency-key:{current_app.config['SECRET_KEY']}".encode()
    digest = hmac.new(secret, digestmod=hashlib.sha256)
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _claim(owner: str, key: str, account_id: int | None, fingerprint: str) -> StoredAnswer | None:
    """None once the key is ours; else its first answer (waiting while another request
    holding the key runs). 422 when the key came with another request."""
    deadline = time.monotonic() + WAIT_S
    while True:
        now = time.time()
        stored = store().claim_key(
            owner, key, account_id, fingerprint, now, now - KEPT_S, now - ABANDONED_S
        )
        if stored is None:
            return None
        if stored["fingerprint"] != fingerprint:
            raise invalid(
                HEADER, f"this {HEADER} was used with another request; use a new key", "conflict"
            )
        if stored["status"] is not None:
            return stored
        if time.monotonic() > deadline:
            raise Problem(
                409,
                "Conflict",
                f"a request with this {HEADER} is still running; retry later",
                [(HEADER, "in use by a request still running")],
            )
        time.sleep(POLL_S)


def forget(location: str) -> None:
    """Drop the kept answers about ``location`` (a path) and what lies under it, whoever
    sent them: its data was deleted, so no replay or export may hold it any more."""
    store().forget_answers(location)


def _replay(stored: StoredAnswer) -> Response:
    answer = Response(stored["body"], status=stored["status"])
    answer.headers.update(json.loads(stored["headers"]))
    answer.headers["Idempotent-Replayed"] = "true"
    return answer
