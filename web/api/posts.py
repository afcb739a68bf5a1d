"""Blueprint "api": the JSON API v1 under ``/api/v1``, the contract integrators build on.

Views parse (``parse_query`` / ``parse_body``: pydantic, 422 naming the parameter),
call the store or the city's index, and answer. Every answer about a post uses its
public point only (see ``matcher.privacy``); the exact point and the home address are
shown to nobody but the owner's own account page."""

import math
import time
from typing import cast

from flask import Blueprint, Response

from matcher import Precision, public_point
from web.http import auth, schemas
from web.http.answers import GEOJSON, feature, iso, json_answer, post_status
from web.http.idempotency import idempotent
from web.http.parsing import parse_body, parse_query
from web.http.problems import Problem, invalid
from web.http.ratelimit import anonymous_search_limit, write_limit
from web.indexes import CityIndex, city_index
from web.roles import can
from web.services import buildings, contact, homes, moderation, relay, search, settings
from web.services.posting import known_categories, place_in_city
from web.store import current as store
from web.store.rows import Account, Post

bp = Blueprint("posts", __name__)


@bp.get("/<city>/posts")
def posts_in_box(city: str) -> Response:
    """Published posts inside a map viewport, newest first."""
    query = parse_query(schemas.BoxQuery)
    anonymous_search_limit()
    west, south, east, north = _bbox(query.bbox)
    index, matches = search.within_box(
        city, (south, west, north, east), query.category, query.kind, query.limit
    )
    rows = store().visible_posts(index.city["id"], [m.id for m in matches], time.time())
    features = [feature(rows[m.id], index.remote_categories) for m in matches if m.id in rows]
    return json_answer({"type": "FeatureCollection", "features": features}, mimetype=GEOJSON)


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise invalid(
            "bbox", "bbox must be four numbers: west,south,east,north", "invalid_format"
        ) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise invalid("bbox", "bbox numbers must be finite", "invalid_format")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise invalid(
            "bbox",
            "bbox must be west,south,east,north within [-180,180] x [-90,90]",
            "out_of_range",
        )
    return west, south, east, north


@bp.post("/<city>/posts")
@idempotent
def create_post(city: str) -> Response:
    """A new offer or request at the account's home, a point or a geocoded address."""
    account = auth.require_account(write=True)
    body = parse_body(schemas.PostCreate)
    index = city_index(city)
    if account["city_id"] != index.city["id"]:
        raise Problem(403, "Forbidden", f"your account belongs to the city {account['city']!r}")
    write_limit(account)
    known_categories(index, [body.category])
    group = _audience_group(account, body)
    relayed = relay.consent_record(account, body.on_behalf_of) if body.on_behalf_of else None
    if relayed and body.lat is None and body.address is None:
        raise invalid("address", "give the address of the person you post for", "required")
    home = homes.own_home(account)
    lat, lon, address = place_in_city(index, body.address, body.lat, body.lon, home)
    precision: Precision = body.precision or cast(Precision, account["precision"])
    if body.on_behalf_of:
        precision = relay.placed(body.on_behalf_of, precision)
    if group is not None:  # never shown: no index holds it, answers give no point
        precision = "street"
    public_lat, public_lon = public_point(lat, lon, precision)
    now = time.time()
    post_id = store().create_post(
        index.city["id"],
        account_id=account["id"],
        kind=body.kind,
        category=body.category,
        title=body.title,
        body=body.body,
        address=address,
        lat=lat,
        lon=lon,
        precision=precision,
        public_lat=public_lat,
        public_lon=public_lon,
        status=moderation.new_post_status(index.city["id"]),
        created_at=now,
        expires_at=now + settings.of(index.city).post_ttl_s,
        relayed=relayed,
        audience=body.audience,
        ban_id=group and group.ban_id,
        street=group and group.street,
    )
    moderation.screen(post_id, body.title, body.body)
    row = store().post(index.city["id"], post_id)
    answer = json_answer(feature(row, index.remote_categories, owned=True), 201, GEOJSON)  # type: ignore[arg-type]
    answer.headers["Location"] = f"/api/v1/{city}/posts/{post_id}"
    return answer


def _audience_group(account: Account, body: schemas.PostCreate) -> homes.Building | None:
    """The building a building or street post goes to: the author's home building; such a
    post is placed nowhere else (422 naming the parameter that tries)."""
    if body.audience == "public":
        return None
    for param in ("address", "lat", "lon", "precision", "on_behalf_of"):
        if getattr(body, param) is not None:
            raise invalid(param, f"a {body.audience} post is placed at your home: give no {param}")
    return buildings.home_group(account)


@bp.get("/<city>/posts/<int:post_id>")
def get_post(city: str, post_id: int) -> Response:
    index, row, owned, _ = post_for(city, post_id)
    return json_answer(feature(row, index.remote_categories, owned=owned), mimetype=GEOJSON)


@bp.patch("/<city>/posts/<int:post_id>")
def patch_post(city: str, post_id: int) -> Response:
    """Edit, close, reopen, renew: the owner only (moderators act through the audited
    moderation actions, which tell the poster)."""
    account = auth.require_account(write=True)
    index, row, owned, _ = post_for(city, post_id)
    if not owned:
        raise Problem(403, "Forbidden", moderation.NOT_THE_OWNER)
    body = parse_body(schemas.PostPatch)
    write_limit(account)
    changes = body.model_dump(exclude_unset=True, exclude={"renew", "status"})
    if body.category is not None:
        known_categories(index, [body.category])
    if body.precision is not None and row["audience"] != "public":
        raise invalid("precision", f"a {row['audience']} post has no public point")
    if body.precision == "building" and row["relayed"] and row["precision"] != "building":
        raise invalid(
            "precision",
            "a relayed post shows the exact address only if the person asked for it when posted",
        )
    if body.precision is not None:
        changes["public_lat"], changes["public_lon"] = public_point(
            row["lat"], row["lon"], body.precision
        )
    if body.status is not None:
        moderation.check_owner_status(index.city["id"], row, body.status)
        changes["status"] = body.status
    if body.renew:
        changes["expires_at"] = time.time() + settings.of(index.city).post_ttl_s
    changes = {name: value for name, value in changes.items() if value is not None}
    if changes:
        store().update_post(index.city["id"], post_id, **changes)
    if body.title is not None or body.body is not None:
        changed = store().post(index.city["id"], post_id)
        moderation.screen(post_id, changed["title"], changed["body"])  # type: ignore[index]
    after = store().post(index.city["id"], post_id)
    return json_answer(feature(after, index.remote_categories, owned=owned), mimetype=GEOJSON)  # type: ignore[arg-type]


@bp.delete("/<city>/posts/<int:post_id>")
def delete_post(city: str, post_id: int) -> Response:
    account = auth.require_account(write=True)
    index, _row, owned, _ = post_for(city, post_id)
    if not owned:
        raise Problem(403, "Forbidden", moderation.NOT_THE_OWNER)
    write_limit(account)
    store().delete_post(index.city["id"], post_id)
    return Response(status=204)


# -- connections ---------------------------------------------------------------------------


@bp.post("/<city>/posts/<int:post_id>/contact")
@idempotent
def contact_poster(city: str, post_id: int) -> Response:
    """Ask the poster for a connection; contact details follow only on acceptance."""
    account = auth.require_account(write=True)
    _index, row, owned, _ = post_for(city, post_id)
    body = parse_body(schemas.ContactBody)
    if owned:
        raise Problem(409, "Conflict", "this is your own post", [("post_id", "your own post")])
    if row["status"] != "published":
        raise Problem(409, "Conflict", "this post is not open", [("post_id", "not published")])
    if store().has_connection(post_id, account["id"]):
        raise Problem(
            409,
            "Conflict",
            "you already contacted this post: see its page or your account",
            [("post_id", contact.ALREADY_REQUESTED, "already_requested")],
        )
    write_limit(account)
    poster = store().account(row["account_id"])
    assert poster is not None  # deleting an account deletes its posts
    notice = contact.contacted(poster, account, row["title"], body.message)
    connection_id = store().create_connection(post_id, account["id"], body.message, notice)
    return json_answer({"id": connection_id, "status": "requested"}, 201)


# -- session and accounts ------------------------------------------------------------------


@bp.get("/<city>/me/posts")
def my_posts(city: str) -> Response:
    account = auth.require_account()
    index = city_index(city)
    now = time.time()
    posts = [
        {
            "id": row["id"],
            "kind": row["kind"],
            "category": row["category"],
            "title": row["title"],
            "body": row["body"],
            "status": post_status(row, now),
            "created_at": iso(row["created_at"]),
            "expires_at": iso(row["expires_at"]),
            "precision": row["precision"],
            "address": row["address"],
            "public_point": [row["public_lat"], row["public_lon"]]
            if row["audience"] == "public"
            else None,
            "audience": row["audience"],
        }
        for row in store().account_posts(account["id"])
        if row["account_id"] == account["id"] and account["city_id"] == index.city["id"]
    ]
    return json_answer({"posts": posts})


# -- city, categories, geocoding, stats ----------------------------------------------------


def post_for(city: str, post_id: int) -> tuple[CityIndex, Post, bool, bool]:
    """``(city, row, owned, moderated)``: 404 unless the caller may see the post."""
    index = city_index(city)
    row = store().post(index.city["id"], post_id) if post_id <= schemas.INT64_MAX else None
    account = auth.current_account()
    owned = bool(row and account and row["account_id"] == account["id"])
    moderated = bool(account and can(account, "moderate", index.city["id"]))
    live = bool(row and row["status"] == "published" and row["expires_at"] > time.time())
    public = live and row is not None and row["audience"] == "public"
    member = live and row is not None and buildings.reads(account, row, index.city["id"])
    if row is None or not (public or member or owned or moderated):
        raise Problem(404, "Not found", f"no post {post_id} in {city}", [("post_id", "unknown")])
    return index, row, owned, moderated
