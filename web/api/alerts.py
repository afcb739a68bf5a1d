"""Alerts: my subscriptions to new posts near a place (matching: ``web.services.alerts``)."""

import json
from collections.abc import Mapping
from typing import Annotated, Any

from flask import Blueprint, Response
from pydantic import BaseModel, Field

from web import indexes
from web.http import answers, auth, parsing, ratelimit, schemas
from web.http.idempotency import idempotent
from web.http.problems import Problem, invalid
from web.services import homes
from web.services.alerts import MAX_PER_ACCOUNT
from web.store import current as store

bp = Blueprint("alerts", __name__)


class AlertCreate(schemas.Body):
    kind: schemas.Kind | None = Field(None, description="offer, request, or null for both")
    categories: Annotated[list[schemas.Slug], Field(max_length=20)] = Field(
        default_factory=list, description="empty: every category"
    )
    radius_m: Annotated[float, Field(ge=50, le=10_000, allow_inf_nan=False)] = 500
    digest: bool = Field(False, description="one e-mail a day instead of one per post")


class AlertView(BaseModel):
    """An alert (its centre, the account's home, is never shown)."""

    id: int
    kind: schemas.Kind | None
    categories: list[str]
    radius_m: float
    digest: bool
    created_at: str


class AlertList(BaseModel):
    alerts: list[AlertView]


def _view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "categories": row["categories"] or [],
        "radius_m": row["radius_m"],
        "digest": bool(row["digest"]),
        "created_at": answers.iso(row["created_at"]),
    }


@bp.get("/<city>/alerts")
def my_alerts(city: str) -> Response:
    account = auth.require_account()
    index = indexes.city_index(city)
    rows = [r for r in store().subscriptions_of(account["id"]) if r["city_id"] == index.city["id"]]
    return answers.json_answer({"alerts": [_view(row) for row in rows]})


@bp.post("/<city>/alerts")
@idempotent
def subscribe(city: str) -> Response:
    """Subscribe around the public point of the account's home (``web.services.homes``): which
    posts alert a resident says nothing finer than the map does about where they live."""
    account = auth.require_account(write=True)
    index = indexes.city_index(city)
    body = parsing.parse_body(AlertCreate)
    if account["city_id"] != index.city["id"]:
        raise Problem(403, "Forbidden", f"your account belongs to the city {account['city']!r}")
    centre = homes.public_home(account)
    if centre is None:
        raise Problem(409, "Conflict", "your account has no home point to alert around")
    for slug in body.categories:
        if slug not in index.category_slugs:
            raise invalid(
                "categories",
                f"unknown category {slug!r}; see the categories endpoint",
                "not_allowed_value",
            )
    ratelimit.write_limit(account)
    subscription_id = store().create_subscription(
        index.city["id"],
        account["id"],
        MAX_PER_ACCOUNT,
        kind=body.kind,
        categories=json.dumps(sorted(set(body.categories))) if body.categories else None,
        radius_m=body.radius_m,
        lat=centre[0],
        lon=centre[1],
        digest=int(body.digest),
    )
    if subscription_id is None:
        message = f"an account has at most {MAX_PER_ACCOUNT} alerts; stop one to create another"
        raise Problem(409, "Conflict", message, [("alerts", message)])
    answer = answers.json_answer(_view(store().subscription(subscription_id)), 201)  # type: ignore[arg-type]
    answer.headers["Location"] = f"/api/v1/{city}/alerts/{subscription_id}"
    return answer


@bp.delete("/<city>/alerts/<int:subscription_id>")
def unsubscribe(city: str, subscription_id: int) -> Response:
    account = auth.require_account(write=True)
    indexes.city_index(city)
    if subscription_id > schemas.INT64_MAX or not store().delete_subscription(
        subscription_id, account["id"]
    ):
        raise Problem(
            404,
            "Not found",
            f"no alert {subscription_id} of yours",
            [("subscription_id", "unknown")],
        )
    return Response(status=204)


_JSON = "application/json"


# For web.api.openapi: (method, path, summary, query, body, status, answer, media, auth).
OPENAPI = [
    ("get", "/{city}/alerts", "My alerts", None, None, 200, AlertList, _JSON, True),
    ("post", "/{city}/alerts", "Create an alert", None, AlertCreate, 201, AlertView, _JSON, True),
    (
        "delete",
        "/{city}/alerts/{subscription_id}",
        "Stop an alert",
        None,
        None,
        204,
        None,
        "",
        True,
    ),
]
