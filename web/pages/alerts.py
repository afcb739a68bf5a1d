"""The alerts page and the unsubscribe link of the mails."""

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from itsdangerous import BadSignature

from web.http import html
from web.services.alerts import unsubscribe_serializer
from web.store import current as store

bp = Blueprint("alerts", __name__)


@bp.route("/<city>/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_link(city: str, token: str) -> ResponseReturnValue:
    """The link in every alert e-mail stops that alert without logging in, on a POST only:
    the page's button, or the RFC 8058 one-click POST of mail clients. A GET asks first,
    because mail scanners and link previews open every link they see."""
    html.city_or_404(city)
    try:
        subscription_id = unsubscribe_serializer().loads(token)
    except BadSignature:
        return render_template("unsubscribed.html", city=city, state="invalid"), 404
    if request.method == "GET":
        return render_template("unsubscribed.html", city=city, state="confirm")
    store().delete_subscription(int(subscription_id))
    if request.form.get("List-Unsubscribe") == "One-Click":
        return Response(status=204)
    return render_template("unsubscribed.html", city=city, state="done")


@bp.get("/<city>/alerts")
def alerts_page(city: str) -> ResponseReturnValue:
    """Create and stop alerts around one's home."""
    return html.render_city_page("alerts.html", city, _strings())


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
