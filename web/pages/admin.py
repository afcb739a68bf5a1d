"""The city admin's page: settings, categories, texts and look (``web.api.settings``)."""

from flask import Blueprint, render_template

from web.http.html import city_or_404

bp = Blueprint("admin", __name__)


@bp.get("/<city>/admin")
def admin_page(city: str) -> str:
    """The page (its script reads and changes the settings API; admins only, it says so)."""
    return render_template("admin.html", city=city_or_404(city))
