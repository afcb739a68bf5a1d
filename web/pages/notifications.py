"""The inbox page."""

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from web.http import html

bp = Blueprint("notify", __name__)


@bp.get("/<city>/notifications")
def inbox_page(city: str) -> ResponseReturnValue:
    """The inbox and the alert subscriptions."""
    return html.render_city_page("notifications.html", city, _strings())


def _strings() -> dict[str, str]:
    return {
        "inbox.empty": _("No notification yet."),
        "inbox.mark_read": _("Mark as read"),
        "inbox.open": _("Open"),
        "inbox.login": _("Log in to see your notifications."),
    }
