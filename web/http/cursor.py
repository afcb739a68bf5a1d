"""Keyset cursors of ``/match``: ``(created_at, id)`` of the last post given, and a
fingerprint of the query it belongs to.

Signed with the app's key, so a client can only hand back a cursor it was given (an
unkeyed hash let anyone forge one); the values are checked for their exact types all
the same (``true`` is no number here), and anything else is a 422 naming ``cursor``."""

import hashlib
import json
import math
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from web.http.problems import invalid
from web.http.schemas import INT64_MAX

SALT = "match-cursor"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(query: tuple[Any, ...]) -> str:
    return hashlib.sha256(json.dumps(query).encode()).hexdigest()[:16]


def write(created_at: float, post_id: int, query: tuple[Any, ...]) -> str:
    """The cursor continuing ``query`` after the post ``(created_at, post_id)``."""
    return _serializer().dumps([created_at, post_id, _fingerprint(query)])


def read(cursor: str, query: tuple[Any, ...]) -> tuple[float, int]:
    """``(created_at, post_id)`` of a cursor this API gave for ``query``; else 422."""
    try:
        payload = _serializer().loads(cursor)
    except BadData:
        raise invalid(
            "cursor", "not a cursor from this API (use next_cursor as given)", "invalid_format"
        ) from None
    if not (isinstance(payload, list) and len(payload) == 3):
        raise invalid(
            "cursor", "not a cursor from this API (use next_cursor as given)", "invalid_format"
        )
    created_at, post_id, seen = payload
    valid_time = type(created_at) in (int, float) and math.isfinite(created_at)
    valid_id = type(post_id) is int and abs(post_id) <= INT64_MAX
    if not (valid_time and valid_id):
        raise invalid(
            "cursor", "not a cursor from this API (use next_cursor as given)", "invalid_format"
        )
    if seen != _fingerprint(query):
        raise invalid(
            "cursor", "this cursor belongs to another query; start again without it", "conflict"
        )
    return float(created_at), post_id
