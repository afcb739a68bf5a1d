"""The missions page."""

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from web.http import html

bp = Blueprint("missions", __name__)


@bp.get("/<city>/missions")
def missions_page(city: str) -> ResponseReturnValue:
    """Volunteers answer missions near them; associations post missions and see answers."""
    return html.render_city_page("missions.html", city, _strings())


def _strings() -> dict[str, str]:
    return {
        "missions.none": _("No upcoming mission near your home."),
        "missions.not_volunteer": _(
            "Tick “I accept missions from associations near me” in “My account” to see them."
        ),
        "missions.yes": _("Yes, I'll come"),
        "missions.no": _("No"),
        "missions.answered_yes": _("You said yes."),
        "missions.answered_no": _("You said no."),
        "missions.needed": _("{yes} of {needed} volunteers"),
        "missions.posted": _("The mission was posted; about {count} volunteers were notified."),
        "missions.posted_few": _("The mission was posted; fewer than 5 volunteers were notified."),
        "missions.show_answers": _("Who said yes"),
        "missions.nobody_yet": _("Nobody said yes yet."),
        "missions.share": _("Show my e-mail and phone to the association"),
        "missions.login": _("Log in to see missions."),
    }
