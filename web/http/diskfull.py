"""A full disk: SQLite cannot grow the database (``SQLITE_FULL``, at a write or its
COMMIT). The write is rolled back and answers 503 with ``Retry-After`` (never a 500:
nothing is wrong with the request); reads go on; the operator is told once per episode,
not once per request, and again when writes succeed anew. Nothing acknowledged is lost:
a write is acknowledged only after its COMMIT."""

import sqlite3

from flask import Flask, Response, request

RETRY_AFTER_S = 60
DETAIL = "the service cannot store anything right now (its disk is full); retry later"
_EPISODE = "voisinage.store_full"
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_full(error: BaseException) -> bool:
    return isinstance(error, sqlite3.Error) and error.sqlite_errorcode == sqlite3.SQLITE_FULL


def noticed(app: Flask) -> None:
    """Tell the operator, once until a write succeeds again."""
    if not app.extensions.get(_EPISODE):
        app.extensions[_EPISODE] = True
        app.logger.error("the database cannot store (disk full): writes answer 503 meanwhile")


def register(app: Flask) -> None:
    @app.after_request
    def _space_returned(response: Response) -> Response:
        written = request.method in _WRITE_METHODS and response.status_code < 400
        if written and app.extensions.pop(_EPISODE, False):
            app.logger.warning("the database stores again")
        return response
