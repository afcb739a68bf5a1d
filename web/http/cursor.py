"""Keyset cursors of ``/match``: ``(created_at, id)`` of the last post given, and a
fingerprint of the query it belongs to; the agents' queues keep other sort keys the same
way (``write_key``, ``read_key``).

Signed with the app's key, so a client can only hand back a cursor it was given (an
unkeyed hash let anyone forge one); the values are checked for their exact types all
the same (``true`` is no number here), and anything else is a 422 naming ``cursor``."""

import functools
import hashlib
import json
import math
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from web.http.problems import invalid
from web.http.schemas import INT64_MAX

SALT = "match-cursor"
NOT_OURS = "not a cursor from this API (use next_cursor as given)"


def _serializer() -> URLSafeSerializer:
    return _keyed(current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=8)
def _keyed(secret_key: str | bytes) -> URLSafeSerializer:
    """One serializer per key (making one derives its signer: a third of a search)."""
    return URLSafeSerializer(secret_key, salt=SALT)


def _fingerprint(query: tuple[Any, ...]) -> str:
    return hashlib.sha256(json.dumps(query).encode()).hexdigest()[:16]


def write(created_at: float, post_id: int, query: tuple[Any, ...]) -> str:
    """The cursor continuing ``query`` after the post ``(created_at, post_id)``."""
    return write_key((created_at, post_id), query)


def read(cursor: str, query: tuple[Any, ...]) -> tuple[float, int]:
    """``(created_at, post_id)`` of a cursor this API gave for ``query``; else 422."""
    created_at, post_id = read_key(cursor, query, (float, int))
    return float(created_at), int(post_id)


def write_key(key: tuple[float | int, ...], query: tuple[Any, ...]) -> str:
    """A cursor continuing ``query`` after the row of sort key ``key`` (other orders than
    ``/match``'s: the moderation queue sorts by report count first)."""
    return _serializer().dumps([*key, _fingerprint(query)])


def read_key(
    cursor: str, query: tuple[Any, ...], types: tuple[type, ...]
) -> tuple[float | int, ...]:
    """The sort key of a cursor this API gave for ``query``, each value of its type in
    ``types`` (``float`` admits an int; ``true`` is neither); else 422 naming ``cursor``."""
    try:
        payload = _serializer().loads(cursor)
    except BadData:
        raise invalid("cursor", NOT_OURS, "invalid_format") from None
    if not (isinstance(payload, list) and len(payload) == len(types) + 1):
        raise invalid("cursor", NOT_OURS, "invalid_format")
    *key, seen = payload
    for value, wanted in zip(key, types, strict=True):
        allowed = (int, float) if wanted is float else (int,)
        if not (type(value) in allowed and math.isfinite(value) and abs(value) <= INT64_MAX):
            raise invalid("cursor", NOT_OURS, "invalid_format")
    if seen != _fingerprint(query):
        raise invalid(
            "cursor", "this cursor belongs to another query; start again without it", "conflict"
        )
    return tuple(key)
