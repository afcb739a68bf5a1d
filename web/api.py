"""Blueprint "api": the JSON API v1 under ``/api/v1``, the contract integrators build on.

Views parse (``parse_query`` / ``parse_body``: pydantic, 422 naming the parameter),
call the store or the city's index, and answer. Every answer about a post uses its
public point only (see ``matcher.privacy``); the exact point and the home address are
shown to nobody but the owner's own account page."""

import json
import math
import os
import threading
import time
from datetime import UTC, datetime
from typing import Any, TypeVar, get_origin

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ValidationError

from matcher import Match, public_point
from web import auth, cursor, geocode, homes, moderation, ratelimit, relay, schemas
from web.indexes import CityIndex, Indexes, UnknownCity
from web.problems import Problem, invalid
from web.store import current as store

M = TypeVar("M", bound=BaseModel)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

GEOJSON = "application/geo+json"
CITYWIDE_RADIUS_M = 50_000.0  # remote categories: the engine's widest circle
CONSENT_TEXT = (
    "J'accepte que mon adresse e-mail et/ou mon téléphone, selon mes choix, soient montrés "
    "aux personnes dont j'accepte la demande de mise en relation. / I agree that my e-mail "
    "and/or phone, as I choose, be shown to the people whose connection request I accept."
)


# -- plumbing ------------------------------------------------------------------------------


_INDEXES_LOCK = threading.Lock()


def indexes() -> Indexes:
    """This process's city indexes (made after a fork: never shared between workers)."""
    key = f"voisinage.indexes.{os.getpid()}"
    with _INDEXES_LOCK:
        if key not in current_app.extensions:
            current_app.extensions[key] = Indexes(current_app.config["DATABASE"])
        return current_app.extensions[key]  # type: ignore[no-any-return]


def city_index(slug: str) -> CityIndex:
    try:
        return indexes().run(slug, lambda city: city)  # type: ignore[no-any-return]
    except UnknownCity:
        raise Problem(404, "Not found", f"no city {slug!r}", [("city", "unknown city")]) from None


def parse_query(model: type[M]) -> M:
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        values = request.args.getlist(name)
        if values:
            data[name] = values if get_origin(field.annotation) is list else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _validation_problem(error, query=True) from None


def parse_body(model: type[M]) -> M:
    if not request.is_json:
        raise Problem(
            415,
            "Unsupported media type",
            "send the body as application/json",
            [("Content-Type", "must be application/json")],
        )
    try:
        return model.model_validate_json(request.get_data(cache=True))
    except ValidationError as error:
        raise _validation_problem(error) from None


def _validation_problem(error: ValidationError, query: bool = False) -> Problem:
    """422 naming each parameter: the query parameter, or the body field's dotted path."""
    errors = []
    for item in error.errors(include_url=False, include_input=False):
        loc = item["loc"][:1] if query else item["loc"]
        param = ".".join(str(part) for part in loc) or "body"
        message = item["msg"].removeprefix("Value error, ")
        errors.append((param, message))
    detail = "; ".join(f"{param}: {message}" for param, message in errors)
    return Problem(422, "Invalid parameter", detail, errors)


def json_answer(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=mimetype)


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(row: dict[str, Any], now: float) -> str:
    return "expired" if row["status"] == "published" and row["expires_at"] <= now else row["status"]


def feature(
    row: dict[str, Any],
    remote: frozenset[str],
    distance_m: float | None = None,
    owned: bool | None = None,
) -> dict[str, Any]:
    """A post as GeoJSON: public point, public fields; ``distance_m`` rounded to 10 m."""
    verified = bool(row["poster_verified"]) and not row["relayed"]
    properties: dict[str, Any] = {
        "kind": row["kind"],
        "category": row["category"],
        "title": row["title"],
        "body": row["body"],
        "created_at": iso(row["created_at"]),
        "expires_at": iso(row["expires_at"]),
        "precision": row["precision"],
        # an organisation's badge only once the city verified it; a relayed post is a resident's
        "poster_type": row["poster_type"] if verified else "individual",
        "poster_verified": verified,
        "poster_name": row["poster_name"],
        "status": _status(row, time.time()),
        "remote": row["category"] in remote,
        "relayed": bool(row["relayed"]),  # an agent's post for someone: contacts reach the agent
    }
    if distance_m is not None:
        properties["distance_m"] = int(round(distance_m / 10.0)) * 10
    if owned is not None:
        properties["owned"] = owned
    if owned:  # the owner's own words about where; never the exact point
        properties["address"] = row.get("address", "")
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": {"type": "Point", "coordinates": [row["public_lon"], row["public_lat"]]},
        "properties": properties,
    }


def _categories(city: CityIndex, slugs: list[str]) -> list[str]:
    for slug in slugs:
        if slug not in city.category_slugs:
            raise invalid("category", f"unknown category {slug!r}; see the categories endpoint")
    return sorted(set(slugs))


def _geocode(city: CityIndex, text: str, limit: int) -> list[geocode.Address]:
    base_url = current_app.config["GEOCODER_URL"]
    if not base_url:
        return geocode.search_embedded(store(), city.city["id"], text, limit)
    try:
        return geocode.search_remote(
            base_url, text, limit, current_app.config["GEOCODER_TIMEOUT_S"]
        )
    except geocode.GeocoderUnavailable as error:
        raise Problem(502, "Geocoder unavailable", str(error)) from None


def _address_point(city: CityIndex, text: str) -> tuple[float, float]:
    found = _geocode(city, text, 1)
    if not found:
        raise invalid("address", f"no address found for {text!r}")
    return found[0].lat, found[0].lon


def _anonymous_search_limit() -> None:
    if auth.current_account() is None:
        ratelimit.check("search")


def _write_limit(account: dict[str, Any]) -> None:
    ratelimit.check("write", str(account["id"]))


# -- match ---------------------------------------------------------------------------------


@bp.get("/<city>/match")
def match(city: str) -> Response:
    """Newest published posts near a point, as GeoJSON, keyset-paged."""
    query = parse_query(schemas.MatchQuery)
    if (query.lat is None) != (query.lon is None):
        missing = "lon" if query.lon is None else "lat"
        raise invalid(missing, "lat and lon go together")
    if query.lat is not None and query.address is not None:
        raise invalid("address", "give lat/lon or address, not both")
    if query.lat is None and query.address is None:
        raise invalid("lat", "give lat and lon, or address")
    if query.radius is not None and query.scale is not None:
        raise invalid("scale", "give radius or scale, not both")
    index = city_index(city)
    _anonymous_search_limit()
    categories = _categories(index, query.category)
    if query.address is not None:
        lat, lon = _address_point(index, query.address)
    else:
        lat, lon = float(query.lat), float(query.lon)  # type: ignore[arg-type]
    radius_m = float(query.radius or schemas.SCALE_RADIUS_M[query.scale or "street"])
    building_only = query.scale == "building"
    # Remote help (distance does not apply) is searched city-wide only when its category
    # is asked for; otherwise it would crowd the nearby posts out of every first page.
    wanted = set(categories) or set(index.category_slugs)
    citywide = sorted(set(categories) & index.remote_categories)
    nearby = sorted(wanted - set(citywide))
    asked = (city, lat, lon, radius_m, categories, query.kind, building_only)
    before = cursor.read(query.cursor, asked) if query.cursor else None

    def search(index: CityIndex) -> list[Match]:
        common = {
            "lat": lat,
            "lon": lon,
            "kind": query.kind,
            "limit": query.limit + 1,
            "before": before,
            "building_only": building_only,
        }
        # Two newest-first lists merged on the same (created_at, id) key: the first
        # limit + 1 of the merge are those of the union, so keyset paging stays exact.
        found: dict[int, Match] = {}
        if nearby:
            # No category asked: one search of every category (remote posts within the
            # radius come twice; the merge keeps one).
            only = nearby if categories else None
            found.update(
                (m.id, m) for m in index.search(radius_m=radius_m, category=only, **common)
            )
        if citywide:
            remote = index.search(radius_m=CITYWIDE_RADIUS_M, category=citywide, **common)
            found.update((m.id, m) for m in remote)
        merged = sorted(found.values(), key=lambda m: (m.created_at, m.id), reverse=True)
        return merged[: query.limit + 1]

    matches = indexes().run(city, search)
    page = matches[: query.limit]
    rows = store().visible_posts(index.city["id"], [m.id for m in page], time.time())
    remote = index.remote_categories
    features = [
        feature(
            rows[m.id],
            remote,
            distance_m=None if rows[m.id]["category"] in remote else m.distance_m,
        )
        for m in page
        if m.id in rows
    ]
    next_cursor = None
    if len(matches) > query.limit:
        last = page[-1]
        next_cursor = cursor.write(last.created_at, last.id, asked)
    echo: dict[str, Any] = {
        "lat": lat,
        "lon": lon,
        "radius_m": radius_m,
        "category": categories,
        "kind": query.kind,
        "limit": query.limit,
    }
    if query.address is not None:
        echo["address"] = query.address
    echo["citywide_categories"] = citywide
    body = {
        "type": "FeatureCollection",
        "features": features,
        "query": echo,
        "next_cursor": next_cursor,
    }
    return json_answer(body, mimetype=GEOJSON)


# -- posts ---------------------------------------------------------------------------------


@bp.get("/<city>/posts")
def posts_in_box(city: str) -> Response:
    """Published posts inside a map viewport, newest first."""
    query = parse_query(schemas.BoxQuery)
    index = city_index(city)
    _anonymous_search_limit()
    west, south, east, north = _bbox(query.bbox)
    categories = _categories(index, query.category) or None
    matches = indexes().run(
        city,
        lambda index: index.within_box(
            south, west, north, east, category=categories, kind=query.kind, limit=query.limit
        ),
    )
    rows = store().visible_posts(index.city["id"], [m.id for m in matches], time.time())
    features = [feature(rows[m.id], index.remote_categories) for m in matches if m.id in rows]
    return json_answer({"type": "FeatureCollection", "features": features}, mimetype=GEOJSON)


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise invalid("bbox", "bbox must be four numbers: west,south,east,north") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise invalid("bbox", "bbox numbers must be finite")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise invalid("bbox", "bbox must be west,south,east,north within [-180,180] x [-90,90]")
    return west, south, east, north


@bp.post("/<city>/posts")
def create_post(city: str) -> Response:
    """A new offer or request at the account's home, a point or a geocoded address."""
    account = auth.require_account(write=True)
    body = parse_body(schemas.PostCreate)
    index = city_index(city)
    if account["city_id"] != index.city["id"]:
        raise Problem(403, "Forbidden", f"your account belongs to the city {account['city']!r}")
    _write_limit(account)
    _categories(index, [body.category])
    relayed = relay.consent_record(account, body.on_behalf_of) if body.on_behalf_of else None
    if relayed and body.lat is None and body.address is None:
        raise invalid("address", "give the address of the person you post for")
    home = homes.own_home(account)
    lat, lon, address = place_in_city(index, body.address, body.lat, body.lon, home)
    precision = body.precision or account["precision"]
    if body.on_behalf_of:
        precision = relay.placed(body.on_behalf_of, precision)
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
        expires_at=now + current_app.config["POST_TTL_DAYS"] * 86400.0,
        relayed=relayed,
    )
    moderation.screen(post_id, body.title, body.body)
    row = store().post(index.city["id"], post_id)
    answer = json_answer(feature(row, index.remote_categories, owned=True), 201, GEOJSON)  # type: ignore[arg-type]
    answer.headers["Location"] = f"/api/v1/{city}/posts/{post_id}"
    return answer


def place_in_city(
    index: CityIndex,
    address: str | None,
    lat: float | None,
    lon: float | None,
    home: tuple[float, float, str] | None = None,
) -> tuple[float, float, str]:
    """``(lat, lon, address text)`` given by an address or by lat and lon, else ``home``;
    inside the city, or 422 naming the field at fault."""
    if (lat is None) != (lon is None):
        raise invalid("lon" if lon is None else "lat", "lat and lon go together")
    if lat is not None and address is not None:
        raise invalid("address", "give lat/lon or address, not both")
    if address is not None:
        (lat, lon), params = _address_point(index, address), ["address"]
    elif lat is not None and lon is not None:
        params, address = ["lat", "lon"], ""
    elif home is not None:
        (lat, lon, address), params = home, ["lat", "lon"]
    else:
        raise invalid("address", "give the address (or lat and lon)")
    if not index.region.contains(lat, lon):
        message = f"this place is outside {index.city['name']}"
        raise Problem(422, "Invalid parameter", message, [(p, message) for p in params])
    return lat, lon, address


def _post_for(city: str, post_id: int) -> tuple[CityIndex, dict[str, Any], bool, bool]:
    """``(city, row, owned, moderated)``: 404 unless the caller may see the post."""
    index = city_index(city)
    row = store().post(index.city["id"], post_id) if post_id <= schemas.INT64_MAX else None
    account = auth.current_account()
    owned = bool(row and account and row["account_id"] == account["id"])
    moderated = bool(account and auth.may_moderate(account, index.city["id"]))
    public = bool(row and row["status"] == "published" and row["expires_at"] > time.time())
    if row is None or not (public or owned or moderated):
        raise Problem(404, "Not found", f"no post {post_id} in {city}", [("post_id", "unknown")])
    return index, row, owned, moderated


@bp.get("/<city>/posts/<int:post_id>")
def get_post(city: str, post_id: int) -> Response:
    index, row, owned, _ = _post_for(city, post_id)
    return json_answer(feature(row, index.remote_categories, owned=owned), mimetype=GEOJSON)


@bp.patch("/<city>/posts/<int:post_id>")
def patch_post(city: str, post_id: int) -> Response:
    """Edit, close, reopen, renew: the owner only (moderators act through the audited
    moderation actions, which tell the poster)."""
    account = auth.require_account(write=True)
    index, row, owned, _ = _post_for(city, post_id)
    if not owned:
        raise Problem(403, "Forbidden", moderation.NOT_THE_OWNER)
    body = parse_body(schemas.PostPatch)
    _write_limit(account)
    changes = body.model_dump(exclude_unset=True, exclude={"renew", "status"})
    if body.category is not None:
        _categories(index, [body.category])
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
        changes["expires_at"] = time.time() + current_app.config["POST_TTL_DAYS"] * 86400.0
    changes = {name: value for name, value in changes.items() if value is not None}
    if changes:
        store().update_post(index.city["id"], post_id, **changes)
    if body.title is not None or body.body is not None:
        row = store().post(index.city["id"], post_id)
        moderation.screen(post_id, row["title"], row["body"])  # type: ignore[index]
    row = store().post(index.city["id"], post_id)
    return json_answer(feature(row, index.remote_categories, owned=owned), mimetype=GEOJSON)  # type: ignore[arg-type]


@bp.delete("/<city>/posts/<int:post_id>")
def delete_post(city: str, post_id: int) -> Response:
    account = auth.require_account(write=True)
    index, _row, owned, _ = _post_for(city, post_id)
    if not owned:
        raise Problem(403, "Forbidden", moderation.NOT_THE_OWNER)
    _write_limit(account)
    store().delete_post(index.city["id"], post_id)
    return Response(status=204)


# -- connections ---------------------------------------------------------------------------


@bp.post("/<city>/posts/<int:post_id>/contact")
def contact(city: str, post_id: int) -> Response:
    """Ask the poster for a connection; contact details follow only on acceptance."""
    account = auth.require_account(write=True)
    _index, row, owned, _ = _post_for(city, post_id)
    body = parse_body(schemas.ContactBody)
    if owned:
        raise Problem(409, "Conflict", "this is your own post", [("post_id", "your own post")])
    if row["status"] != "published":
        raise Problem(409, "Conflict", "this post is not open", [("post_id", "not published")])
    if store().has_open_connection(post_id, account["id"]):
        raise Problem(
            409,
            "Conflict",
            "you already asked; wait for the answer",
            [("post_id", "request already pending")],
        )
    _write_limit(account)
    connection_id = store().create_connection(post_id, account["id"], body.message)
    return json_answer({"id": connection_id, "status": "requested"}, 201)


@bp.get("/me/connections")
def my_connections() -> Response:
    account = auth.require_account()
    lists = store().connections_of(account["id"])
    return json_answer(
        {side: [_connection_view(row) for row in rows] for side, rows in lists.items()}
    )


def _connection_view(row: dict[str, Any]) -> dict[str, Any]:
    """The other side's contact details only once accepted, and only those it consented to."""
    other: dict[str, Any] = {"display_name": row["display_name"]}
    if row["status"] == "accepted":
        if row["consent"].get("share_email"):
            other["email"] = row["email"]
        if row["consent"].get("share_phone") and row["phone"]:
            other["phone"] = row["phone"]
    return {
        "id": row["id"],
        "post_id": row["post_id"],
        "post_title": row["post_title"],
        "message": row["message"],
        "status": row["status"],
        "created_at": iso(row["created_at"]),
        "other": other,
    }


@bp.post("/me/connections/<int:connection_id>/<any(accept, decline):verdict>")
def answer_connection(connection_id: int, verdict: str) -> Response:
    account = auth.require_account(write=True)
    row = store().connection(connection_id) if connection_id <= schemas.INT64_MAX else None
    if row is None or row["poster_id"] != account["id"]:
        raise Problem(
            404,
            "Not found",
            f"no connection {connection_id} on your posts",
            [("connection_id", "unknown")],
        )
    if row["status"] != "requested":
        raise Problem(
            409,
            "Conflict",
            f"this connection is already {row['status']}",
            [("connection_id", f"already {row['status']}")],
        )
    _write_limit(account)
    status = "accepted" if verdict == "accept" else "declined"
    store().set_connection_status(connection_id, status)
    return json_answer({"id": connection_id, "status": status})


# -- session and accounts ------------------------------------------------------------------


def _summary(account: dict[str, Any] | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {
        name: account[name]
        for name in ("id", "email", "display_name", "role", "poster_type", "verification", "city")
    }


def session_answer(status: int = 200) -> Response:
    account = auth.current_account()
    return json_answer({"account": _summary(account), "csrf_token": auth.csrf_token()}, status)


@bp.get("/session")
def get_session() -> Response:
    return session_answer()


@bp.post("/session")
def log_in() -> Response:
    body = parse_body(schemas.LoginBody)
    ratelimit.check("login")
    ratelimit.check_address(body.email)
    account = store().account_by_email(body.email.strip())
    # Unknown, or not confirmed yet: a dummy hash is verified, the answer is the same.
    password_hash = account["password_hash"] if account and account["confirmed"] else None
    if not auth.verify_password(password_hash, body.password):
        raise Problem(
            401,
            "Unauthorized",
            "wrong e-mail or password",
            [("password", "wrong e-mail or password")],
        )
    assert account is not None  # a password matched its hash
    auth.log_in(account["id"])
    return session_answer()


@bp.delete("/session")
def log_out() -> Response:
    auth.log_out()
    return Response(status=204)


def _account_details(account: dict[str, Any]) -> dict[str, Any]:
    return {
        **_summary(account),  # type: ignore[dict-item]
        "phone": account["phone"],
        "home_address": account["home_address"],
        "precision": account["precision"],
        "consent": {
            "share_email": bool(account["consent"].get("share_email")),
            "share_phone": bool(account["consent"].get("share_phone")),
        },
        "consent_text": account["consent_text"],
        "consent_at": iso(account["consent_at"]),
        "accepts_calls": bool(account["accepts_calls"]),
        "accepts_missions": bool(account["accepts_missions"]),
    }


@bp.get("/me")
def get_me() -> Response:
    return json_answer(_account_details(auth.require_account()))


@bp.patch("/me")
def patch_me() -> Response:
    """Change name, phone, default precision or consent (withdrawal applies at once)."""
    account = auth.require_account(write=True)
    body = parse_body(schemas.AccountPatch)
    _write_limit(account)
    changes = {
        name: value
        for name, value in body.model_dump(exclude_unset=True).items()
        if value is not None
    }
    if "consent" in changes:
        changes["consent_text"] = CONSENT_TEXT
        changes["consent_at"] = time.time()
    store().update_account(account["id"], **changes)
    return json_answer(_account_details(store().account(account["id"])))  # type: ignore[arg-type]


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
            "status": _status(row, now),
            "created_at": iso(row["created_at"]),
            "expires_at": iso(row["expires_at"]),
            "precision": row["precision"],
            "address": row["address"],
            "public_point": [row["public_lat"], row["public_lon"]],
        }
        for row in store().account_posts(account["id"])
        if row["account_id"] == account["id"] and account["city_id"] == index.city["id"]
    ]
    return json_answer({"posts": posts})


@bp.get("/me/tokens")
def my_tokens() -> Response:
    account = auth.require_account()
    tokens = [
        {"id": t["id"], "created_at": iso(t["created_at"]), "revoked_at": iso(t["revoked_at"])}
        for t in store().tokens(account["id"])
    ]
    return json_answer({"tokens": tokens})


@bp.post("/me/tokens")
def create_my_token() -> Response:
    """A new API token, shown this once."""
    account = auth.require_account(write=True)
    _write_limit(account)
    token, digest = auth.new_token()
    token_id = store().create_token(account["id"], digest)
    return json_answer({"id": token_id, "token": token}, 201)


@bp.delete("/me/tokens/<int:token_id>")
def revoke_my_token(token_id: int) -> Response:
    account = auth.require_account(write=True)
    if token_id > schemas.INT64_MAX or not store().revoke_token(token_id, account["id"]):
        raise Problem(
            404, "Not found", f"no live token {token_id} of yours", [("token_id", "unknown")]
        )
    return Response(status=204)


# -- city, categories, geocoding, stats ----------------------------------------------------


@bp.get("/<city>")
def get_city(city: str) -> Response:
    index = city_index(city)
    south, west, north, east = index.region.bounds
    return json_answer(
        {
            "slug": index.city["slug"],
            "name": index.city["name"],
            "center": [(south + north) / 2, (west + east) / 2],
            "boundary": _geometry(index.city["boundary"]),
            "languages": index.city["languages"],
            "premoderation": store().premoderation(index.city["id"]),
        }
    )


def _geometry(boundary: dict[str, Any]) -> dict[str, Any]:
    """The boundary as one GeoJSON geometry (files may hold a Feature or a collection)."""
    if boundary.get("type") == "Feature":
        return boundary["geometry"]  # type: ignore[no-any-return]
    if boundary.get("type") == "FeatureCollection":
        polygons: list[Any] = []
        for item in boundary["features"]:
            geometry = item["geometry"]
            coordinates = geometry["coordinates"]
            polygons += coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
        return {"type": "MultiPolygon", "coordinates": polygons}
    return boundary


@bp.get("/<city>/categories")
def get_categories(city: str) -> Response:
    return json_answer({"categories": city_index(city).categories})


@bp.get("/<city>/geocode")
def geocode_address(city: str) -> Response:
    """Addresses matching free text (accent-insensitive), best first, GeocodeJSON-like."""
    query = parse_query(schemas.GeocodeQuery)
    index = city_index(city)
    _anonymous_search_limit()
    found = _geocode(index, query.q, query.limit)
    body = {"type": "FeatureCollection", "features": [a.feature() for a in found], "query": query.q}
    return json_answer(body, mimetype=GEOJSON)


@bp.get("/<city>/stats")
def get_stats(city: str) -> Response:
    """Live posts by category and kind, withheld under open data's K: no open-data row
    can be recovered from them (see ``web.opendata``). Connection counts are for the
    city's agents (``/stats/connections``)."""
    from web.opendata import K  # web.opendata imports this module

    rows = store().stats(city_index(city).city["id"], time.time())
    return json_answer({"posts": [row for row in rows if row["posts"] >= K]})


@bp.get("/health")
def health() -> Response:
    return json_answer({"status": "ok", "schema_version": store().schema_version()})


@bp.get("/openapi.json")
def openapi() -> Response:
    from web.openapi import document

    return json_answer(document())
