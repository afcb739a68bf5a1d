"""Expiry: posts live their city's post lifetime (``web.services.settings``: 60 days by
default); expired posts leave every index (``web.indexes`` drops them when their time
comes). ``flask --app web send-reminders``, run daily, tells each poster their city's
reminder delay ahead (inbox, and e-mail when
SMTP is set), once per expiry date, with a signed one-click renewal link that works
without logging in and only for that expiry date (a renewal spends it). Owners can also
renew from "My posts" (``PATCH /posts/<id>`` with ``renew``)."""

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import URLSafeSerializer

from web.services import notify

DAY_S = 86400.0


def renew_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="renew-post")


def renew_path(post: Mapping[str, Any]) -> str:
    token = renew_serializer().dumps([post["id"], post["expires_at"]])
    return f"/{post['city']}/posts/{post['id']}/renew/{token}"


def reminder_notice(post: Mapping[str, Any], now: float, ttl_days: int) -> dict[str, Any]:
    """The reminder of a post that a renewal gives ``ttl_days`` more days."""
    days = max(1, round((post["expires_at"] - now) / DAY_S))
    title = _("Your post “{title}” expires in {days} days").format(title=post["title"], days=days)
    renew_url = notify.base_url() + renew_path(post)
    body = _("Renew it for {ttl} more days in one click: {url}").format(ttl=ttl_days, url=renew_url)
    return {
        "account_id": post["account_id"],
        "kind": "reminder",
        "title": title,
        "body": body,
        "link": renew_path(post),
        "mail": notify.mail(post, title, body),
    }
