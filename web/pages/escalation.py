"""The escalations page."""

from flask import Blueprint, render_template

from web.http.html import city_or_404

bp = Blueprint("escalation", __name__)


@bp.get("/<city>/escalations")
def escalations_page(city: str) -> str:
    return render_template("escalations.html", city=city_or_404(city))
