"""A printable stairwell poster for a building or street: ``/<city>/poster?address=...``.

Print-ready HTML (A4, ``@media print`` in ``static/css/poster.css``): the city's name,
what voisinage is, the newest posts around the address, and a QR code leading to the map
page's search around that address. The QR code is drawn server-side as inline SVG
(segno), so printing needs no script and no request leaves the page. With ``invite=1``,
a city agent or a member of that building gets a second QR code: an invitation to join
the building (``web.services.buildings``); anyone else's poster carries none."""

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import segno
from flask import Blueprint, Response, render_template, request
from flask_babel import format_date, get_locale
from markupsafe import Markup

from web import indexes
from web.http import auth, html, ratelimit
from web.http.answers import rounded_distance_m
from web.http.problems import Problem
from web.services import buildings, notify, posting, settings
from web.services.search import search
from web.store import current as store

bp = Blueprint("poster", __name__)


RADIUS_M = 1000.0  # the neighbourhood scale
POSTS_SHOWN = 6


def search_url(city: str, label: str, lat: float, lon: float) -> str:
    """The map page searching around the address (what the QR code holds)."""
    query = urlencode(
        {"address": label, "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "scale": "neighbourhood"}
    )
    return f"{notify.base_url()}/{city}/?{query}"


def qr_svg(payload: str) -> Markup:
    """The QR code of ``payload`` as inline SVG (no style attribute: the CSP holds)."""
    svg = segno.make(payload, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", omitsize=True
    )
    return Markup(svg)  # noqa: S704 (drawn by segno from our own URL)


@bp.get("/<city>/poster")
def poster(city: str) -> Response | tuple[str, int] | str:
    """The poster for ``?address=``; without one (or an unknown one), the form to ask."""
    html.city_or_404(city)
    city_row = store().city(city)
    if city_row is None:
        raise indexes.unknown_city(city)
    ratelimit.anonymous_search_limit()
    address = request.args.get("address", "").strip()
    if not address or len(address) > 200:
        return render_template("poster_form.html", city=city, address=address), 422
    try:
        places = posting.geocode_in(city_row["id"], address, 1)
    except Problem:
        places = []
    if not places:
        return render_template("poster_form.html", city=city, address=address, unknown=True), 422
    place = places[0]
    found = search(city, lat=place.lat, lon=place.lon, radius_m=RADIUS_M, limit=POSTS_SHOWN)
    index, matches = found.city, found.matches
    rows = store().visible_posts(index.city["id"], [m.id for m in matches], time.time())
    lang = str(get_locale() or "fr")
    labels = {c["slug"]: c.get(lang) or c["fr"] for c in index.categories}
    posts: list[dict[str, Any]] = [
        {
            "title": rows[m.id]["title"],
            "kind": rows[m.id]["kind"],
            "category": labels.get(rows[m.id]["category"], rows[m.id]["category"]),
            "distance_m": rounded_distance_m(m.distance_m),
        }
        for m in matches
        if m.id in rows
    ]
    url = search_url(city, place.label, place.lat, place.lon)
    invited, account = None, auth.current_account()
    if request.args.get("invite") == "1" and account is not None:
        ratelimit.write_limit(account)
        invited = buildings.poster_invitation(account, index.city["id"], place.ban_id)
    return render_template(
        "poster.html",
        city=city,
        city_name=index.city["name"],
        label=place.label,
        posts=posts,
        url=url,
        qr=qr_svg(url),
        invitation_url=invited and invited.url(city),
        invitation_qr=invited and qr_svg(invited.url(city)),
        invitation_until=invited and format_date(datetime.fromtimestamp(invited.expires_at, UTC)),
        phone=settings.of(city_row).phone,
    )
