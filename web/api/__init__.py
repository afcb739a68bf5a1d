"""Blueprint "api": the JSON API v1 under ``/api/v1``, the contract integrators build on.

One module per resource, each a blueprint nested here (endpoints ``api.<resource>.<view>``).
Views parse (``web.http.parsing``: pydantic, 422 naming the parameter), call a service or
the city's index, and answer (``web.http.answers``). Every answer about a post uses its
public point only (see ``matcher.privacy``)."""

from flask import Blueprint

from web.api import (
    accounts,
    alerts,
    buildings,
    calls,
    cities,
    connections,
    dashboard,
    escalation,
    followup,
    match,
    messages,
    missions,
    moderation,
    mydata,
    notifications,
    openapi,
    opendata,
    posts,
    register,
    relay,
    session,
    settings,
    streets,
    tokens,
    verification,
)

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")

for resource in (
    match,
    posts,
    connections,
    messages,
    session,
    tokens,
    cities,
    accounts,
    alerts,
    buildings,
    calls,
    escalation,
    followup,
    missions,
    moderation,
    mydata,
    notifications,
    opendata,
    relay,
    register,
    settings,
    dashboard,
    verification,
    streets,
    openapi,
):
    bp.register_blueprint(resource.bp)
