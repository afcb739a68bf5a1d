"""``GET /<city>/streets``: the streets of the city's address file as GeoJSON lines, the
base map when the city serves no tiles (``web.services.streets``)."""

from flask import Blueprint, Response, current_app

from web.http.answers import GEOJSON, json_answer
from web.indexes import city_index
from web.services.streets import streets

bp = Blueprint("streets", __name__)

MAX_AGE_S = 3600  # the file changes only by a CLI import


@bp.get("/<city>/streets")
def get_streets(city: str) -> Response:
    """One MultiLineString per street (``properties.name``), cacheable."""
    index = city_index(city)
    answer = json_answer(
        streets(str(current_app.config["DATABASE"]), index.city["id"]), mimetype=GEOJSON
    )
    answer.headers["Cache-Control"] = f"public, max-age={MAX_AGE_S}"
    return answer
