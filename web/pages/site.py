"""Blueprint "pages": the map page and the account pages.

Each page is an HTML shell: the server renders the translated chrome and the empty forms,
and the page's script does all the work through the public JSON API (``/api/v1``), so the
pages use nothing an integrator could not. User text is only ever inserted by the scripts,
as text; the Content-Security-Policy set here forbids inline scripts and styles.
"""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from web.http import html
from web.http.html import city_or_404

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("pages.map_page", city=current_app.config["DEFAULT_CITY"]))


@bp.get("/<city>/")
def map_page(city: str) -> ResponseReturnValue:
    """Search by address or "around me"; results as a list and on a map."""
    return render_template("map.html", city=city_or_404(city))


@bp.get("/<city>/posts/<int:post_id>")
def post_page(city: str, post_id: int) -> ResponseReturnValue:
    """The post and, once I contacted it, where my contact stands and its thread."""
    strings = {
        "invalid.body": _("Write a message of 1 to 2,000 characters."),
        "invalid.thread-reason": _("Say in 1 to 500 characters what is wrong."),
    }
    return html.render_city_page("post.html", city, strings, post_id=post_id)


@bp.get("/<city>/login")
def login_page(city: str) -> ResponseReturnValue:
    return render_template("login.html", city=city_or_404(city))


@bp.get("/<city>/register")
def register_page(city: str) -> ResponseReturnValue:
    return render_template("register.html", city=city_or_404(city))


@bp.get("/<city>/me")
def me_page(city: str) -> ResponseReturnValue:
    return render_template("me.html", city=city_or_404(city))


@bp.get("/<city>/new")
def new_post_page(city: str) -> ResponseReturnValue:
    return render_template("new.html", city=city_or_404(city))
