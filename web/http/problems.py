"""The one error shape of the API: RFC 9457 ``application/problem+json``.

    {"type": "https://voisinage.example/problems/invalid-parameter",
     "title": "Invalid parameter", "status": 422,
     "detail": "radius must be in 1..50000",
     "code": "out_of_range",
     "errors": [{"param": "radius", "code": "out_of_range",
                 "message": "radius must be in 1..50000"}]}

``errors`` names each offending parameter (query parameter, body field as a dotted
path, or header) so that a form can show each message beside its field. ``code`` (on the
problem and on each error) is a stable machine code from ``ErrorCode``: pages translate
from ``param`` + ``code`` and never show the English ``message``, which is for people
reading the API. Views raise ``Problem``; the handlers below turn it, and every HTTP error
Flask raises (404, 405, 413, ...), into that shape for paths under ``/api/``."""

import math
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from web import store
from web.http import diskfull

STORE_AWAY = "the database cannot be reached right now; retry in a few seconds"
RETRY_AFTER_S = 2
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://voisinage.example/problems/"

ErrorCode = Literal[
    "required",  # a parameter is missing or empty
    "invalid_format",  # not of the right type or shape (a number, a date, a pattern)
    "out_of_range",  # a number or a date outside what is allowed
    "too_long",
    "too_short",
    "not_allowed_value",  # not one of the values allowed (a kind, a known category)
    "unknown_parameter",  # a body field this endpoint does not take
    "mutually_exclusive",  # two parameters that do not go together
    "invalid",  # any other invalid parameter (422)
    "not_found",  # no such thing (or nothing the caller may know exists)
    "outside_city",  # a position or an address outside the city's boundary
    "already_requested",  # a contact request sent before
    "already_exists",  # created or reported before
    "conflict",  # the thing's state does not allow this now (409)
    "expired",  # a link or a token used, expired or unknown
    "unauthorized",  # log in first (401)
    "wrong_credentials",  # wrong e-mail or password
    "forbidden",  # not allowed to this account (403)
    "too_many_requests",  # rate limited: retry after Retry-After seconds (429)
    "bad_request",
    "method_not_allowed",
    "too_large",
    "unsupported_media_type",
    "misdirected",  # a city this server does not serve (421)
    "upstream_error",  # the geocoder or another service failed (502)
    "unavailable",  # the store is busy or full: retry after Retry-After seconds (503)
    "internal_error",
]
ERROR_CODES: tuple[str, ...] = get_args(ErrorCode)

# The code of a problem raised without one (other errors of the same status share it).
_STATUS_CODES: dict[int, ErrorCode] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    421: "misdirected",
    422: "invalid",
    429: "too_many_requests",
    502: "upstream_error",
    503: "unavailable",
}

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


ErrorItem = tuple[str, str] | tuple[str, str, ErrorCode]


class Problem(Exception):
    """An error answer; ``errors`` is a list of ``(param, message)`` or ``(param, message,
    code)``. ``code`` defaults to the first error's, else to the status's (``conflict``
    for 409, ...); an error without a code takes the problem's."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: Sequence[ErrorItem] | None = None,
        headers: dict[str, str] | None = None,
        code: ErrorCode | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail or title
        first = next((item[2] for item in errors or [] if len(item) == 3), None)
        self.code: ErrorCode = code or first or _STATUS_CODES.get(status, "internal_error")
        self.errors: list[tuple[str, str, ErrorCode]] = [
            (item[0], item[1], item[2] if len(item) == 3 else self.code) for item in errors or []
        ]
        self.headers = headers or {}


def invalid(param: str, message: str, code: ErrorCode = "invalid") -> Problem:
    """422 naming one parameter."""
    return Problem(422, "Invalid parameter", message, [(param, message, code)])


def response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + _SLUGS.get(problem.status, "error"),
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "code": problem.code,
    }
    if problem.errors:
        body["errors"] = [{"param": p, "code": c, "message": m} for p, m, c in problem.errors]
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
