"""The OpenAPI 3.1 document of API v1, generated from the models in ``web.http.schemas`` (the
same ones that validate requests), so the document cannot drift from the code."""

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, get_origin

from flask import Blueprint, Response, current_app
from pydantic import BaseModel

from web.api import (
    accounts,
    alerts,
    buildings,
    calls,
    dashboard,
    escalation,
    followup,
    messages,
    missions,
    moderation,
    mydata,
    notifications,
    register,
    relay,
    settings,
    verification,
)
from web.http import idempotency, schemas
from web.http.answers import json_answer

bp = Blueprint("openapi", __name__)


_PROBLEM = {"$ref": "#/components/schemas/ProblemDetails"}
_GEOJSON = "application/geo+json"
_JSON = "application/json"

# (method, path, summary, query model, body model, status, answer model, media type, auth)
OPERATIONS: list[tuple[str, str, str, Any, Any, int, Any, str, bool]] = [
    (
        "get",
        "/{city}/match",
        "Newest posts near a point",
        schemas.MatchQuery,
        None,
        200,
        schemas.MatchAnswer,
        _GEOJSON,
        False,
    ),
    (
        "get",
        "/{city}/posts",
        "Posts in a map viewport",
        schemas.BoxQuery,
        None,
        200,
        schemas.PostCollection,
        _GEOJSON,
        False,
    ),
    (
        "post",
        "/{city}/posts",
        "Create a post",
        None,
        schemas.PostCreate,
        201,
        schemas.PostFeature,
        _GEOJSON,
        True,
    ),
    (
        "get",
        "/{city}/posts/{post_id}",
        "One post",
        None,
        None,
        200,
        schemas.PostFeature,
        _GEOJSON,
        False,
    ),
    (
        "patch",
        "/{city}/posts/{post_id}",
        "Edit, close, renew, publish or hide a post",
        None,
        schemas.PostPatch,
        200,
        schemas.PostFeature,
        _GEOJSON,
        True,
    ),
    ("delete", "/{city}/posts/{post_id}", "Delete a post", None, None, 204, None, "", True),
    (
        "post",
        "/{city}/posts/{post_id}/contact",
        "Ask the poster for a connection",
        None,
        schemas.ContactBody,
        201,
        schemas.ConnectionCreated,
        _JSON,
        True,
    ),
    (
        "get",
        "/me/connections",
        "My connections",
        None,
        None,
        200,
        schemas.ConnectionLists,
        _JSON,
        True,
    ),
    (
        "post",
        "/me/connections/{connection_id}/accept",
        "Accept a connection",
        None,
        None,
        200,
        schemas.ConnectionCreated,
        _JSON,
        True,
    ),
    (
        "post",
        "/me/connections/{connection_id}/decline",
        "Decline a connection",
        None,
        None,
        200,
        schemas.ConnectionCreated,
        _JSON,
        True,
    ),
    (
        "get",
        "/session",
        "The session and its CSRF token",
        None,
        None,
        200,
        schemas.SessionAnswer,
        _JSON,
        False,
    ),
    (
        "post",
        "/session",
        "Log in",
        None,
        schemas.LoginBody,
        200,
        schemas.SessionAnswer,
        _JSON,
        False,
    ),
    ("delete", "/session", "Log out", None, None, 204, None, "", False),
    ("get", "/me", "My account", None, None, 200, schemas.AccountDetails, _JSON, True),
    (
        "patch",
        "/me",
        "Change my account or consent",
        None,
        schemas.AccountPatch,
        200,
        schemas.AccountDetails,
        _JSON,
        True,
    ),
    ("get", "/{city}/me/posts", "My posts", None, None, 200, schemas.MyPosts, _JSON, True),
    ("get", "/me/tokens", "My API tokens", None, None, 200, schemas.Tokens, _JSON, True),
    (
        "post",
        "/me/tokens",
        "Create an API token (shown once)",
        None,
        None,
        201,
        schemas.TokenCreated,
        _JSON,
        True,
    ),
    ("delete", "/me/tokens/{token_id}", "Revoke an API token", None, None, 204, None, "", True),
    ("get", "/{city}", "The city", None, None, 200, schemas.CityAnswer, _JSON, False),
    ("get", "/{city}/categories", "Categories", None, None, 200, schemas.Categories, _JSON, False),
    (
        "get",
        "/{city}/geocode",
        "Addresses matching text",
        schemas.GeocodeQuery,
        None,
        200,
        schemas.GeocodeAnswer,
        _GEOJSON,
        False,
    ),
    ("get", "/{city}/stats", "Counts", None, None, 200, schemas.StatsAnswer, _JSON, False),
    ("get", "/health", "Liveness", None, None, 200, schemas.Health, _JSON, False),
]

_PATH_PARAMETERS = {
    "city": {"type": "string", "pattern": f"^{schemas.SLUG_PATTERN}$", "examples": ["grenoble"]},
    "post_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "connection_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "token_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "person_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "mission_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "subscription_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "notification_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "account_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "invitation_id": {"type": "integer", "minimum": 0, "maximum": schemas.INT64_MAX},
    "slug": {"type": "string", "pattern": f"^{schemas.SLUG_PATTERN}$", "examples": ["shopping"]},
}


def _all_operations() -> list[tuple[str, str, str, Any, Any, int, Any, str, bool]]:
    """The core operations and those of the community workflows (each module lists its own)."""
    return [
        *OPERATIONS,
        *accounts.OPENAPI,
        *calls.OPENAPI,
        *missions.OPENAPI,
        *alerts.OPENAPI,
        *notifications.OPENAPI,
        *messages.OPENAPI,
        *moderation.OPENAPI,
        *followup.OPENAPI,
        *mydata.OPENAPI,
        *relay.OPENAPI,
        *escalation.OPENAPI,
        *verification.OPENAPI,
        *buildings.OPENAPI,
        *settings.OPENAPI,
        *dashboard.OPENAPI,
        *register.OPENAPI,
    ]


@cache
def document() -> dict[str, Any]:
    operations = _all_operations()
    request_models = [op[3] for op in operations if op[3]] + [op[4] for op in operations if op[4]]
    answers = [op[6] for op in operations if op[6]]
    components = schemas.component_schemas(list(dict.fromkeys(request_models)), answers)
    paths: dict[str, dict[str, Any]] = {}
    idempotent = idempotency.idempotent_routes(current_app)
    for method, path, summary, query, body, status, answer, media, needs_auth in operations:
        operation: dict[str, Any] = {
            "summary": summary,
            "operationId": f"{method}_{re.sub(r'[^a-z]+', '_', path).strip('_')}",
            "parameters": _path_parameters(path)
            + (_query_parameters(query, components) if query else []),
            "responses": {
                str(status): _answer(answer, media),
                "default": {
                    "description": "a problem",
                    "content": {"application/problem+json": {"schema": _PROBLEM}},
                },
            },
        }
        if body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {_JSON: {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}},
            }
        if (method, "/api/v1" + path) in idempotent:
            operation["parameters"].append(idempotency.PARAMETER)
        if needs_auth:
            operation["security"] = [{"bearer": []}, {"session": []}]
        paths.setdefault("/api/v1" + path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "voisinage API",
            "version": "1",
            "description": "Neighbourhood mutual aid: offers and requests, nearest and "
            "newest first. Errors are RFC 9457 problem details naming the parameter.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "voisinage_session",
                    "description": "writes also need the X-CSRF-Token header",
                },
            },
        },
    }


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": _PATH_PARAMETERS[name]}
        for name in re.findall(r"{(\w+)}", path)
    ]


def _query_parameters(
    model: type[BaseModel], components: Mapping[str, Any]
) -> list[dict[str, Any]]:
    schema = components[model.__name__]
    required = set(schema.get("required", []))
    parameters = []
    for name, field in model.model_fields.items():
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": schema["properties"][name],
        }
        if get_origin(field.annotation) is list:
            parameter.update(style="form", explode=True)
        if field.description:
            parameter["description"] = field.description
        parameters.append(parameter)
    return parameters


def _answer(model: type[BaseModel] | None, media: str) -> dict[str, Any]:
    if model is None:
        return {"description": "done, no content"}
    return {
        "description": model.__doc__ or model.__name__,
        "content": {media: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return json_answer(document())
