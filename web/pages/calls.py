"""The call list page."""

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from web.http import html

bp = Blueprint("calls", __name__)


@bp.get("/<city>/calls")
def calls_page(city: str) -> ResponseReturnValue:
    """The social workers' page: the list, a form to add someone, volunteers, calls."""
    return html.render_city_page("calls.html", city, _strings())


def _strings() -> dict[str, str]:
    """What calls.js shows, translated (added to the pages' ``ui_strings`` block)."""
    return {
        "calls.phone": _("Phone"),
        "calls.address": _("Address"),
        "calls.needs": _("Needs"),
        "calls.assigned": _("Volunteer: {name} {phone}"),
        "calls.unassigned": _("No volunteer assigned yet."),
        "calls.empty": _("Nobody on the list yet."),
        "calls.forbidden": _("Only the city's social workers can see this list."),
        "calls.assign": _("Assign"),
        "calls.assigned_now": _("{name} is now the volunteer for this person."),
        "calls.no_volunteer": _("No volunteer who accepts calls lives near this person."),
        "calls.recorded": _("The call was recorded."),
        "calls.added": _("{name} was added to the list."),
        "calls.outcome.reached": _("Reached"),
        "calls.outcome.no_answer": _("No answer"),
        "calls.outcome.wrong_number": _("Wrong number"),
        "calls.outcome.declined": _("Declined help"),
        "calls.outcome.done": _("Called by the volunteer"),
        "calls.outcome.call_back": _("To call back later"),
        "calls.imported": _("{count} people were added to the list."),
        "calls.import_refused": _(
            "Nothing was imported: correct these rows and send the file again."
        ),
    }
