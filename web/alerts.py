"""Alerts: "tell me about new requests (or offers) of these categories within N metres of
my home".

Each process keeps, per city, a ``matcher.Subscriptions`` of the city's subscribed
circles, built from SQLite and kept current through ``alert_subscription_log`` (rows
written by triggers), as ``web.indexes`` does for posts. After every successful write
request, and in ``flask --app web send-notifications``, ``dispatch`` reads the posts'
change log from where it last stopped, takes the posts that are now published and were
never alerted (so a post published later by a moderator alerts then, and an edit never
alerts twice), matches each post's *public* point against the circles (an alert says no
more about where a poster lives than the map does) outside any write transaction, and
queues the notices (one per account and post), the alerted posts and the new log
position in one short transaction; e-mail leaves after the commit (``web.notify``).
Posts of remote categories (help by phone) reach every subscription asking for that
category, whatever the distance. An account holds at most ``MAX_PER_ACCOUNT`` alerts.

Daily digest: subscriptions with ``digest`` put their notices in the inbox at once and
in one e-mail a day (``flask --app web send-digest``). Every alert e-mail carries a
one-click unsubscribe link (a signed token: works without logging in)."""

import json
import os
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

import click
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, Field

from matcher import Post, Subscription, Subscriptions
from web import api, auth, homes, notify, pages, schemas
from web.problems import Problem, invalid
from web.store import Store
from web.store import current as store

bp = Blueprint("alerts", __name__, cli_group=None)

BATCH = 500
MAX_PER_ACCOUNT = 20  # each alert is matched against every new post: no amplification
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AlertCreate(schemas._Body):
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


_JSON = "application/json"
# For web.openapi: (method, path, summary, query, body, status, answer, media, auth).
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


# -- each process's subscriptions, per city ------------------------------------------------


@dataclass
class CityCircles:
    circles: Subscriptions
    rows: dict[int, dict[str, Any]]
    last_seq: int
    remote: dict[str, set[int]] = field(default_factory=dict)  # category -> subscription ids

    def put(self, row: dict[str, Any]) -> None:
        self.drop(row["id"])
        categories = frozenset(row["categories"]) if row["categories"] else None
        lat, lon = homes.circle_centre(row["lat"], row["lon"])
        self.circles.add(
            Subscription(row["id"], lat, lon, row["radius_m"], categories, row["kind"])
        )
        self.rows[row["id"]] = row
        for category in categories or ():
            self.remote.setdefault(category, set()).add(row["id"])

    def drop(self, subscription_id: int) -> None:
        self.circles.remove(subscription_id)
        row = self.rows.pop(subscription_id, None)
        for category in (row or {}).get("categories") or ():
            self.remote.get(category, set()).discard(subscription_id)

    def matching(self, post: Post, remote: bool) -> list[dict[str, Any]]:
        """Subscriptions wanting this post: its circle holds the post, or the post is of a
        remote category that the subscription names (distance does not apply)."""
        ids = set(self.circles.matching(post))
        if remote:
            ids |= {
                i
                for i in self.remote.get(post.category, ())
                if self.rows[i]["kind"] in (None, post.kind)
            }
        return [self.rows[i] for i in sorted(ids)]


class Circles:
    """This process's subscriptions by city (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cities: dict[int, CityCircles] = {}

    def run(self, db: Store, city_id: int, action: Any) -> Any:
        with self._lock:
            city = self._cities.get(city_id)
            if city is None:
                rows, seq = db.city_subscriptions(city_id)
                city = CityCircles(Subscriptions(), {}, seq)
                for row in rows:
                    city.put(row)
                self._cities[city_id] = city
            else:
                changed, deleted, city.last_seq = db.subscription_changes(city_id, city.last_seq)
                for subscription_id in deleted:
                    city.drop(subscription_id)
                for row in changed:
                    city.put(row)
            return action(city)


def circles() -> Circles:
    key = f"voisinage.alerts.{os.getpid()}"
    return current_app.extensions.setdefault(key, Circles())  # type: ignore[no-any-return]


# -- matching new posts --------------------------------------------------------------------


def unsubscribe_url(subscription: dict[str, Any], city: str) -> str:
    token = _serializer().dumps(subscription["id"])
    return f"{notify.base_url()}/{city}/alerts/unsubscribe/{token}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="alerts-unsubscribe")


def dispatch(db: Store) -> int:
    """Alert the subscribers of posts published since the last call; returns how many
    notices were queued. Safe to call from any number of processes at once.

    The posts' change log is the queue. Matching runs after the post's commit and outside
    any write transaction (it holds no lock other writers wait on); the notices are then
    written in one short transaction that moves the progress only if no other process
    moved it meanwhile (else this batch is theirs, and the next one is read)."""
    total = 0
    while db.last_change_seq() > (start := db.alert_progress()):
        with db.snapshot():
            posts, last_seq = db.posts_to_alert(start, BATCH)
        notices = _notices(db, posts)
        if not db.alert(notices, [post["id"] for post in posts], start, last_seq):
            continue
        total += len(notices)
        if any(notice.get("mail") for notice in notices):
            notify.queued()
        if last_seq <= start:  # nothing left that this process can see
            break
    return total


def _subscribers(db: Store, post: dict[str, Any]) -> list[dict[str, Any]]:
    """The subscriptions that want this post: the one call of the matcher."""
    point = Post(
        post["id"], post["public_lat"], post["public_lon"], post["category"], post["kind"], 0.0
    )
    remote = post["category"] in _city(db, post["city_id"])["remote"]
    return circles().run(db, post["city_id"], lambda c: c.matching(point, remote))  # type: ignore[no-any-return]


def _one_per_account(post: dict[str, Any], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One notice per account and post, however many of its alerts match (an account's
    alerts multiply no work), and none to the poster."""
    first: dict[int, dict[str, Any]] = {}
    for subscription in wanted:
        if subscription["account_id"] != post["account_id"]:
            first.setdefault(subscription["account_id"], subscription)
    return list(first.values())


def _notices(db: Store, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    matched = [(post, _one_per_account(post, _subscribers(db, post))) for post in posts]
    emails = db.emails(s["account_id"] for _, wanted in matched for s in wanted)
    return [
        _notice(db, post, subscription, emails[subscription["account_id"]])
        for post, wanted in matched
        for subscription in wanted
    ]


def _notice(
    db: Store, post: dict[str, Any], subscription: dict[str, Any], email: str
) -> dict[str, Any]:
    city = _city(db, post["city_id"])
    link = f"/{city['slug']}/posts/{post['id']}"
    title = (
        _("New request near you: {title}")
        if post["kind"] == "request"
        else _("New offer near you: {title}")
    ).format(title=post["title"])
    url = notify.base_url() + link
    stop = unsubscribe_url(subscription, city["slug"])
    mail_body = _("{title}\n\nSee it on {url}\n\nStop these alerts: {stop}").format(
        title=title, url=url, stop=stop
    )
    return {
        "account_id": subscription["account_id"],
        "kind": "alert",
        "title": title,
        "link": link,
        "subscription_id": subscription["id"],
        "digest": bool(subscription["digest"]),
        "mail": None
        if subscription["digest"]
        else notify.mail(
            {"email": email},
            title,
            mail_body,
            **{
                "List-Unsubscribe": f"<{stop}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ),
    }


def _city(db: Store, city_id: int) -> dict[str, Any]:
    cache = g.setdefault("alert_cities", {}) if has_request_context() else {}
    if city_id not in cache:
        row = db.city_by_id(city_id)
        cache[city_id] = {
            "slug": row["slug"],  # type: ignore[index]
            "remote": {c["slug"] for c in db.categories(city_id) if c["remote"]},
        }
    return cache[city_id]  # type: ignore[no-any-return]


@bp.after_app_request
def _alert_after_the_write(response: Response) -> Response:
    """A write may have published posts: alert their subscribers (never failing it)."""
    if request.method in WRITE_METHODS and response.status_code < 400:
        try:
            dispatch(store())
        except Exception:  # the CLI catches up later
            current_app.logger.exception("matching new posts to alerts failed")
    return response


@bp.cli.command("send-digest")
def send_digest_command() -> None:
    """E-mail each subscriber the day's alerts that chose a daily digest."""
    with notify.command_store() as db:
        dispatch(db)
        with db.write():
            rows = db.take_digests()
            by_account: dict[int, list[dict[str, Any]]] = {}
            for row in rows:
                by_account.setdefault(row["account_id"], []).append(row)
            for account_id, notes in by_account.items():
                mail = notify.mail(
                    {"email": notes[0]["email"]}, _("Your alerts of the day"), _digest(db, notes)
                )
                if mail:
                    db.queue_mail(account_id, mail)
        sent, failed = notify.send_outbox(db, current_app.config)
    click.echo(f"{len(by_account)} digests; sent {sent} e-mails, {failed} failed")


def _digest(db: Store, notes: list[dict[str, Any]]) -> str:
    base = notify.base_url()
    lines = [f"- {note['title']}: {base}{note['link']}" for note in notes]
    stops = []
    for subscription_id in sorted({n["subscription_id"] for n in notes if n["subscription_id"]}):
        subscription = db.subscription(subscription_id)
        if subscription is not None:
            city = db.city_by_id(subscription["city_id"])
            stops.append(unsubscribe_url(subscription, city["slug"]))  # type: ignore[index]
    text = "\n".join(lines)
    if stops:
        text += "\n\n" + _("Stop these alerts:") + "\n" + "\n".join(stops)
    return text


# -- the API and pages ---------------------------------------------------------------------


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "categories": row["categories"] or [],
        "radius_m": row["radius_m"],
        "digest": bool(row["digest"]),
        "created_at": api.iso(row["created_at"]),
    }


@bp.get("/api/v1/<city>/alerts")
def my_alerts(city: str) -> Response:
    account = auth.require_account()
    index = api.city_index(city)
    rows = [r for r in store().subscriptions_of(account["id"]) if r["city_id"] == index.city["id"]]
    return api.json_answer({"alerts": [_view(row) for row in rows]})


@bp.post("/api/v1/<city>/alerts")
def subscribe(city: str) -> Response:
    """Subscribe around the public point of the account's home (``web.homes``): which
    posts alert a resident says nothing finer than the map does about where they live."""
    account = auth.require_account(write=True)
    index = api.city_index(city)
    body = api.parse_body(AlertCreate)
    if account["city_id"] != index.city["id"]:
        raise Problem(403, "Forbidden", f"your account belongs to the city {account['city']!r}")
    centre = homes.public_home(account)
    if centre is None:
        raise Problem(409, "Conflict", "your account has no home point to alert around")
    for slug in body.categories:
        if slug not in index.category_slugs:
            raise invalid("categories", f"unknown category {slug!r}; see the categories endpoint")
    api._write_limit(account)
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
    answer = api.json_answer(_view(store().subscription(subscription_id)), 201)  # type: ignore[arg-type]
    answer.headers["Location"] = f"/api/v1/{city}/alerts/{subscription_id}"
    return answer


@bp.delete("/api/v1/<city>/alerts/<int:subscription_id>")
def unsubscribe(city: str, subscription_id: int) -> Response:
    account = auth.require_account(write=True)
    api.city_index(city)
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


@bp.route("/<city>/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_link(city: str, token: str):
    """The link in every alert e-mail: stops that alert without logging in (POST is the
    RFC 8058 one-click form mail clients use)."""
    pages.city_or_404(city)
    try:
        subscription_id = _serializer().loads(token)
    except BadSignature:
        return render_template("unsubscribed.html", city=city, done=False), 404
    store().delete_subscription(int(subscription_id))
    if request.method == "POST":
        return Response(status=204)
    return render_template("unsubscribed.html", city=city, done=True)


@bp.get("/<city>/alerts")
def alerts_page(city: str):
    """Create and stop alerts around one's home."""
    return pages.render_city_page("alerts.html", city, _strings())


def _strings() -> dict[str, str]:
    return {
        "alerts.kind.request": _("requests"),
        "alerts.kind.offer": _("offers"),
        "alerts.kind.any": _("requests and offers"),
        "alerts.all_categories": _("all categories"),
        "alerts.summary": _("New {kind} ({categories}) within {radius} m of my home"),
        "alerts.digest": _("daily e-mail"),
        "alerts.stop": _("Stop"),
        "alerts.none": _("No alert yet."),
        "alerts.created": _("The alert was created."),
        "alerts.login": _("Log in to create alerts."),
    }
