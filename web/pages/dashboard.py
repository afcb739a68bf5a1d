"""The agents' dashboard page (its script reads ``/api/v1/<city>/dashboard``)."""

from flask import Blueprint
from flask_babel import gettext as _

from web.http.html import render_city_page

bp = Blueprint("dashboard", __name__)


@bp.get("/<city>/dashboard")
def dashboard_page(city: str) -> str:
    strings = {
        "dashboard_forbidden": _(
            "Only the city's moderators, social workers and admins see this page."
        ),
        "withheld": _("< 5"),
        "cell_posts": _("{count} posts in this neighbourhood"),
        "no_posts": _("No post in these weeks."),
        "outcome.requested": _("Waiting for an answer"),
        "outcome.accepted": _("Accepted, not yet done"),
        "outcome.declined": _("Declined"),
        "outcome.done": _("The help happened"),
        "outcome.not_done": _("The help did not happen"),
        "age.under_24h": _("Less than a day"),
        "age.24_to_48h": _("One to two days"),
        "age.2_to_7_days": _("Two to seven days"),
        "age.over_7_days": _("More than a week"),
        "hours": _("{hours} h"),
    }
    return render_city_page("dashboard.html", city, strings)
