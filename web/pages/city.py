"""The city's own pages and look: its charter, privacy and legal notices (linked from
every page's footer), its stylesheet (colour, logo) and its logo, read from the city's row
as this process's index holds it: an admin's change shows at once on every server."""

from flask import Blueprint, Response, abort, render_template, request

from web.http.html import city_or_404
from web.indexes import city_index
from web.services import settings, texts
from web.store import current as store

bp = Blueprint("city", __name__)

LOOK_MAX_AGE_S = 300  # an admin's new colour or logo shows within five minutes


@bp.get("/<city>/<any(charter, privacy, legal):name>")
def text_page(city: str, name: str) -> str:
    # The row itself, not the index's copy: `city set --retention` changes the periods the
    # privacy notice states without going through the change log.
    row = store().city(city_or_404(city))
    if row is None:  # deleted meanwhile
        abort(404)
    return render_template(
        "city_text.html",
        city=row["slug"],
        name=name,
        title=texts.title(name),
        paragraphs=texts.paragraphs(texts.text(row, name)),
    )


@bp.get("/<city>/city.css")
def stylesheet(city: str) -> Response:
    """The city's colour (a CSS variable) and its logo beside the site's name."""
    index = city_index(city)
    colour = settings.of(index.city).colour
    rules = []
    if colour:
        rules.append(f":root {{ --primary: {colour}; --primary-dark: {texts.darker(colour)}; }}")
    if store().logo(index.city["id"]) is not None:
        rules.append(
            f'.brand::before {{ content: ""; display: inline-block; width: 2em; height: 2em;'
            f" margin-right: 0.4em; vertical-align: middle; background: url(/{city}/logo)"
            " center / contain no-repeat; }"
        )
    return _cached(Response("\n".join(rules) + "\n", mimetype="text/css"))


@bp.get("/<city>/logo")
def logo(city: str) -> Response:
    found = store().logo(city_index(city).city["id"])
    if found is None:
        abort(404)
    answer = Response(found["data"], mimetype=found["media_type"])
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return _cached(answer)


def _cached(answer: Response) -> Response:
    answer.cache_control.public = True
    answer.cache_control.max_age = LOOK_MAX_AGE_S
    answer.add_etag()
    answer.make_conditional(request)  # 304 when the browser has it (changes it in place)
    return answer
