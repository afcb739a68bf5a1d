"""Rate limits shared by every worker: fixed-window counters in SQLite.

Limits are "count/seconds" strings from the config (``RATE_LIMIT_SEARCH`` per client IP
for anonymous searches, ``RATE_LIMIT_WRITE`` per account, ``RATE_LIMIT_LOGIN`` per IP,
``RATE_LIMIT_ADDRESS`` per e-mail address typed); over the limit, a 429 problem with
``Retry-After`` (whole seconds until the window ends)."""

import hashlib
import hmac
import itertools
import math
import time
from collections.abc import Mapping
from typing import Any

from flask import current_app, request

from web.http import auth, ratelimit
from web.http.problems import Problem
from web.store import current as current_store

FORGET_EVERY = 1000  # every so many hits, a process drops counters older than a day
FORGET_AFTER_S = 86400.0
_hits = itertools.count(1)


def parse(limit: str) -> tuple[int, float]:
    """``"120/60"`` -> ``(120, 60.0)``."""
    count, _, seconds = limit.partition("/")
    return int(count), float(seconds)


def check(bucket: str, subject: str | None = None) -> None:
    """Count one request in ``bucket`` (search, write or login) for ``subject`` (default:
    the client IP); raise 429 when over the configured limit."""
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return
    allowed, window_s = parse(current_app.config[f"RATE_LIMIT_{bucket.upper()}"])
    key = f"{bucket}:{subject if subject is not None else request.remote_addr}"
    now = time.time()
    count, window_start = current_store().hit(key, window_s, now)
    if next(_hits) % FORGET_EVERY == 0:
        current_store().forget_hits(now - max(FORGET_AFTER_S, window_s))
    if count > allowed:
        retry_after = max(1, math.ceil(window_start + window_s - now))
        raise Problem(
            429,
            "Too many requests",
            f"more than {allowed} {bucket} requests in {window_s:g} s; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


def check_address(email: str) -> None:
    """Count one login, sign-up or reset attempt at ``email``, whether or not an account
    has it: guesses at one account from many IPs are limited all the same, the answer
    never tells whether the address is known, and the wait is one short window (nobody
    can lock someone else out for long). Keyed on a keyed hash: no address is kept."""
    key = current_app.config["SECRET_KEY"]
    if isinstance(key, str):
        key = key.encode()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    check("address", digest)


def anonymous_search_limit() -> None:
    if auth.current_account() is None:
        ratelimit.check("search")


def write_limit(account: Mapping[str, Any]) -> None:
    ratelimit.check("write", str(account["id"]))
