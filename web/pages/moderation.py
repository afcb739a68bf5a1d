"""The moderation queue page."""

from flask import Blueprint, render_template

from web.http.html import city_or_404

bp = Blueprint("moderation", __name__)


@bp.get("/<city>/moderation")
def queue_page(city: str) -> str:
    """The queue page (the script reads the queue API; moderators only, it says so)."""
    return render_template("moderation.html", city=city_or_404(city))
