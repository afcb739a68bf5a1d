"""The one error shape of the API: RFC 9457 ``application/problem+json``.

    {"type": "https://voisinage.example/problems/invalid-parameter",
     "title": "Invalid parameter", "status": 422,
     "detail": "radius must be in 1..50000",
     "errors": [{"param": "radius", "message": "radius must be in 1..50000"}]}

``errors`` names each offending parameter (query parameter, body field as a dotted
path, or header) so that a form can show each message beside its field. Views raise
``Problem``; the handlers below turn it, and every HTTP error Flask raises (404, 405,
413, ...), into that shape for paths under ``/api/``."""

import math
import sqlite3
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from web import store
from web.http import diskfull

STORE_AWAY = "the database cannot be reached right now; retry in a few seconds"
RETRY_AFTER_S = 2
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://voisinage.example/problems/"

_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "body-too-large",
    415: "unsupported-media-type",
    421: "misdirected-request",
    422: "invalid-parameter",
    429: "too-many-requests",
    500: "internal-error",
    502: "upstream-error",
    503: "unavailable",
}


class Problem(Exception):
    """An error answer; ``errors`` is a list of ``(param, message)``."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail or title
        self.errors = errors or []
        self.headers = headers or {}


def invalid(param: str, message: str) -> Problem:
    """422 naming one parameter."""
    return Problem(422, "Invalid parameter", message, [(param, message)])


def response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + _SLUGS.get(problem.status, "error"),
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.errors:
        body["errors"] = [{"param": p, "message": m} for p, m in problem.errors]
    answer = Response(json.dumps(body), status=problem.status, mimetype=MEDIA_TYPE)
    answer.headers.update(problem.headers)
    return answer


def from_http_exception(error: HTTPException) -> Problem:
    status = error.code or 500
    headers = {}
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    if status == 429 and error.retry_after is not None:  # type: ignore[attr-defined]
        headers["Retry-After"] = str(math.ceil(float(error.retry_after)))  # type: ignore
    detail = {
        404: f"no resource at {request.path}",
        405: f"{request.method} is not allowed on {request.path}",
        413: "the request body is larger than the limit",
    }.get(status, error.description or error.name)
    return Problem(status, error.name, detail, headers=headers)


def register(app: Flask, page_error: Callable[[HTTPException], Any] | None = None) -> None:
    """The app's error handlers, all of them: problem answers for the API; other paths get
    ``page_error``'s answer (the pages' error page), else Flask's."""

    @app.errorhandler(Problem)
    def _problem(problem: Problem) -> Response:
        return response(problem)

    previous = page_error

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            return response(from_http_exception(error))
        return previous(error) if previous else error

    def _unavailable(title: str, detail: str, retry_after_s: int) -> Any:
        if request.path.startswith("/api/"):
            headers = {"Retry-After": str(retry_after_s)}
            return response(Problem(503, title, detail, headers=headers))
        return _http(ServiceUnavailable(retry_after=retry_after_s))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return _http(error)
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            # Writers queued longer than the busy timeout: overload, not a bug; retry soon.
            return _unavailable("Busy", "the database is busy; retry in a second", 1)
        if store.unavailable(error):  # PostgreSQL restarting, failing over: not for long
            app.logger.warning("the store is unavailable: %s", error)
            return _unavailable("Unavailable", STORE_AWAY, RETRY_AFTER_S)
        if diskfull.is_full(error):
            diskfull.noticed(app)
            return _unavailable("Cannot store", diskfull.DETAIL, diskfull.RETRY_AFTER_S)
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return response(Problem(500, "Internal error", "an unexpected error occurred"))
        return _http(InternalServerError(original_exception=error))
