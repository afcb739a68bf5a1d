"""Expiry: posts live ``POST_TTL_DAYS`` (60 by default); expired posts leave every index
(``web.indexes`` drops them when their time comes). ``flask --app web send-reminders``,
run daily, tells each poster ``REMINDER_DAYS_BEFORE`` days ahead (inbox, and e-mail when
SMTP is set), once per expiry date, with a signed one-click renewal link that works
without logging in and only for that expiry date (a renewal spends it). Owners can also
renew from "My posts" (``PATCH /posts/<id>`` with ``renew``)."""

import time
from typing import Any

import click
from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from web import notify, pages
from web.store import current as store

bp = Blueprint("expiry", __name__, cli_group=None)

DAY_S = 86400.0


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="renew-post")


def renew_path(post: dict[str, Any]) -> str:
    token = _serializer().dumps([post["id"], post["expires_at"]])
    return f"/{post['city']}/posts/{post['id']}/renew/{token}"


@bp.cli.command("send-reminders")
def send_reminders_command() -> None:
    """Remind posters whose posts expire within REMINDER_DAYS_BEFORE days (run daily)."""
    now = time.time()
    until = now + current_app.config["REMINDER_DAYS_BEFORE"] * DAY_S
    with notify.command_store() as db:
        with db.write():
            posts = db.take_expiring_posts(now, until)
            db.add_notifications(_notice(post, now) for post in posts)
        sent, failed = notify.send_outbox(db, current_app.config)
    click.echo(f"reminded {len(posts)} posts; sent {sent} e-mails, {failed} failed")


def _notice(post: dict[str, Any], now: float) -> dict[str, Any]:
    days = max(1, round((post["expires_at"] - now) / DAY_S))
    title = _("Your post “{title}” expires in {days} days").format(title=post["title"], days=days)
    renew_url = notify.base_url() + renew_path(post)
    body = _("Renew it for {ttl} more days in one click: {url}").format(
        ttl=current_app.config["POST_TTL_DAYS"], url=renew_url
    )
    return {
        "account_id": post["account_id"],
        "kind": "reminder",
        "title": title,
        "body": body,
        "link": renew_path(post),
        "mail": notify.mail(post, title, body),
    }


@bp.route("/<city>/posts/<int:post_id>/renew/<token>", methods=["GET", "POST"])
def renew_link(city: str, post_id: int, token: str):
    """The reminder's link: renews the post for another period, without logging in."""
    pages.city_or_404(city)
    index_city = store().city(city)
    try:
        signed_id, signed_expiry = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return render_template("renewed.html", city=city, state="invalid"), 404
    post = store().post(index_city["id"], post_id) if index_city else None
    if post is None or signed_id != post_id or post["status"] != "published":
        return render_template("renewed.html", city=city, state="invalid"), 404
    if post["expires_at"] != signed_expiry:  # renewed since: the link is spent
        return render_template("renewed.html", city=city, state="spent", post=post), 409
    expires_at = time.time() + current_app.config["POST_TTL_DAYS"] * DAY_S
    store().update_post(index_city["id"], post_id, expires_at=expires_at)
    if request.method == "POST":
        return Response(status=204)
    return render_template("renewed.html", city=city, state="renewed", post=post)
