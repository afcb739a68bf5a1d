"""Cache and transport headers of every answer, registered once for the whole app.

An answer made for one person (anything answered to a logged-in caller: missions and
their volunteers' e-mails, alerts, the inbox, ...) and every HTML page (each embeds the
session's CSRF token) is ``no-store``: no shared or browser cache keeps it. Public
answers stay cacheable but vary with the credentials, since the same URL answers more
to its owner. Behind a TLS proxy (``PROXY_HOPS``), browsers are told to come back over
HTTPS only (HSTS); never on plain HTTP, where the header means nothing."""

from flask import Flask, Response, g, request

PRIVATE_PATHS = ("/api/v1/me", "/api/v1/session")
HSTS = "max-age=31536000"


def register(app: Flask) -> None:
    app.after_request(private_answers_are_not_stored)
    app.after_request(strict_transport_security)


def private_answers_are_not_stored(response: Response) -> Response:
    """Answers that depend on who asks never sit in a cache."""
    if request.endpoint == "static":
        return response
    response.vary.update(("Cookie", "Authorization"))
    personal = g.get("account") is not None or request.path.startswith(PRIVATE_PATHS)
    if personal or response.mimetype == "text/html":
        response.headers["Cache-Control"] = "private, no-store"
    return response


def strict_transport_security(response: Response) -> Response:
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
