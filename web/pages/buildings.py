"""Blueprint "buildings": the page an invitation's link (the stairwell poster's QR code)
opens. Its script joins the building through the API when the visitor is logged in, and
otherwise offers to log in or sign up and come back here (``?next=``)."""

from flask import Blueprint
from flask.typing import ResponseReturnValue

from web.http import html

bp = Blueprint("buildings", __name__)


@bp.get("/<city>/join/<token>")
def join_page(city: str, token: str) -> ResponseReturnValue:
    """Join my building from an invitation (the token stays in the URL for the script)."""
    return html.render_city_page("join.html", city, {})
