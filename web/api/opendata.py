"""The city's open data files (k-anonymous counts: ``web.services.opendata``)."""

from flask import Blueprint, Response

from web import indexes
from web.http import ratelimit
from web.http.problems import Problem
from web.services.opendata import FILES
from web.store import current as store

bp = Blueprint("opendata", __name__)


@bp.get("/<city>/open-data/<name>")
def open_data_file(city: str, name: str) -> Response:
    """One file of the city's open data (anyone may read it)."""
    row = store().city(indexes.city_index(city).city["slug"])
    if name not in FILES:
        raise Problem(
            404,
            "Not found",
            f"no open-data file {name!r}; there are {', '.join(FILES)}",
            [("name", "unknown file")],
        )
    ratelimit.anonymous_search_limit()  # each answer reads every post of the city
    mimetype, render = FILES[name]
    answer = Response(render(store(), row), mimetype=mimetype)  # type: ignore[arg-type]
    answer.headers["Cache-Control"] = "public, max-age=3600"  # counts by week: an hour is fine
    return answer
