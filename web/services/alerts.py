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
position in one short transaction; e-mail leaves after the commit (``web.services.notify``).
Posts of remote categories (help by phone) reach every subscription asking for that
category, whatever the distance. An account holds at most ``MAX_PER_ACCOUNT`` alerts.

Daily digest: subscriptions with ``digest`` put their notices in the inbox at once and
in one e-mail a day (``flask --app web send-digest``). Every alert e-mail carries a
one-click unsubscribe link (a signed token: works without logging in)."""

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import (
    current_app,
    g,
    has_request_context,
)
from flask_babel import gettext as _
from itsdangerous import URLSafeSerializer

from matcher import Post, Subscription, Subscriptions
from web.indexes import per_process
from web.services import homes, notify
from web.store import Store
from web.store import current as store

BATCH = 500
MAX_PER_ACCOUNT = 20  # each alert is matched against every new post: no amplification
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# -- each process's subscriptions, per city ------------------------------------------------


@dataclass
class CityCircles:
    circles: Subscriptions
    rows: dict[int, Mapping[str, Any]]
    last_seq: int
    remote: dict[str, set[int]] = field(default_factory=dict)  # category -> subscription ids

    def put(self, row: Mapping[str, Any]) -> None:
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

    def matching(self, post: Post, remote: bool) -> list[Mapping[str, Any]]:
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
    """This process's subscriptions (``web.indexes.per_process``)."""
    return per_process("alerts", Circles)


# -- matching new posts --------------------------------------------------------------------


def unsubscribe_url(subscription: Mapping[str, Any], city: str) -> str:
    token = unsubscribe_serializer().dumps(subscription["id"])
    return f"{notify.base_url()}/{city}/alerts/unsubscribe/{token}"


def unsubscribe_serializer() -> URLSafeSerializer:
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


def _subscribers(db: Store, post: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The subscriptions that want this post: the one call of the matcher. A building's or
    a street's post goes to its readers instead (no circle: it has no public point)."""
    if post["audience"] != "public":
        key = post["ban_id"] if post["audience"] == "building" else post["street"]
        readers = db.group_members(post["city_id"], post["audience"], key)
        return [{"id": None, "account_id": reader, "digest": 0} for reader in readers]
    point = Post(
        post["id"], post["public_lat"], post["public_lon"], post["category"], post["kind"], 0.0
    )
    remote = post["category"] in _city(db, post["city_id"])["remote"]
    return circles().run(db, post["city_id"], lambda c: c.matching(point, remote))  # type: ignore[no-any-return]


def _one_per_account(
    post: Mapping[str, Any], wanted: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """One notice per account and post, however many of its alerts match (an account's
    alerts multiply no work), and none to the poster."""
    first: dict[int, Mapping[str, Any]] = {}
    for subscription in wanted:
        if subscription["account_id"] != post["account_id"]:
            first.setdefault(subscription["account_id"], subscription)
    return list(first.values())


def _notices(db: Store, posts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    matched = [(post, _one_per_account(post, _subscribers(db, post))) for post in posts]
    emails = db.emails(s["account_id"] for _, wanted in matched for s in wanted)
    return [
        _notice(db, post, subscription, emails[subscription["account_id"]])
        for post, wanted in matched
        for subscription in wanted
    ]


def _notice(
    db: Store, post: Mapping[str, Any], subscription: Mapping[str, Any], email: str
) -> dict[str, Any]:
    city = _city(db, post["city_id"])
    link = f"/{city['slug']}/posts/{post['id']}"
    title = _title(post).format(title=post["title"])
    url = notify.base_url() + link
    if subscription["id"] is None:  # a neighbour's post: no alert to stop
        return {
            "account_id": subscription["account_id"],
            "kind": "building",
            "title": title,
            "link": link,
            "subscription_id": None,
            "digest": False,
            "mail": notify.mail(
                {"email": email},
                title,
                _("{title}\n\nSee it on {url}").format(title=title, url=url),
            ),
        }
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


def _title(post: Mapping[str, Any]) -> str:
    """The notice's title, with a ``{title}`` placeholder: a neighbour's, or an alert's."""
    titles = {
        "building": (
            _("A neighbour in your building needs help: {title}"),
            _("A neighbour in your building offers help: {title}"),
        ),
        "street": (
            _("A neighbour in your street needs help: {title}"),
            _("A neighbour in your street offers help: {title}"),
        ),
        "public": (_("New request near you: {title}"), _("New offer near you: {title}")),
    }
    request, offer = titles[post["audience"]]
    return str(request if post["kind"] == "request" else offer)


def _city(db: Store, city_id: int) -> dict[str, Any]:
    cache = g.setdefault("alert_cities", {}) if has_request_context() else {}
    if city_id not in cache:
        row = db.city_by_id(city_id)
        cache[city_id] = {
            "slug": row["slug"],  # type: ignore[index]
            "remote": {c["slug"] for c in db.categories(city_id) if c["remote"]},
        }
    return cache[city_id]  # type: ignore[no-any-return]


def alert_subscribers() -> None:
    """After a write that may have published posts: alert their subscribers (never
    failing the write: the CLI catches up later)."""
    try:
        dispatch(store())
    except Exception:
        current_app.logger.exception("matching new posts to alerts failed")


def digest_text(db: Store, notes: Sequence[Mapping[str, Any]]) -> str:
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
