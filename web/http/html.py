"""The pages' kit: translations, security headers, the page context, city slugs."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from web.http import schemas
from web.http.auth import csrf_token
from web.store import current as current_store

LANGUAGES = ("fr", "en")
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600
TRANSLATIONS_DIR = Path(__file__).parents[1] / "translations"
# A city slug as the CLI creates it; anything else (and the reserved first segments) is 404.
CITY_SLUG = re.compile(schemas.SLUG_PATTERN)
RESERVED_SLUGS = frozenset({"api", "static"})
OSM_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def init_app(app: Flask) -> None:
    """Set up translations (French by default) and the security headers of every answer
    (the pages' error handler, ``page_error``, is given to ``problems.register``)."""
    Babel(
        app,
        default_locale="fr",
        default_translation_directories=str(TRANSLATIONS_DIR),
        locale_selector=select_language,
    )
    app.context_processor(page_context)
    app.after_request(remember_language)
    app.after_request(add_security_headers)


def select_language() -> str:
    """``?lang=`` first (a visible link sets it), then the remembered cookie, then French."""
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return "fr"


def remember_language(response: Response) -> Response:
    lang = request.args.get("lang")
    if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE_S, samesite="Lax", httponly=True
        )
    return response


def content_security_policy() -> str:
    """No inline script or style anywhere; images from here, plus the tile server if the
    maps use one (a PMTiles archive is read from here: nothing to add)."""
    img_sources = ["'self'", "data:"]
    tile_origin = tile_server_origin(map_config()["tile_url"])
    if tile_origin:
        img_sources.append(tile_origin)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(img_sources)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def tile_server_origin(tile_url: str) -> str:
    """The CSP source for a Leaflet tile URL template: ``{s}.tile.example.org`` -> ``*.tile...``."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    host = re.sub(r"^\{[a-z]+\}", "*", parts.netloc)
    if not parts.scheme or not host or "{" in host:
        return ""
    return f"{parts.scheme}://{host}"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
    return response


def page_context() -> dict[str, Any]:
    lang = str(get_locale() or "fr")
    other = "en" if lang == "fr" else "fr"
    return {
        "lang": lang,
        "other_lang": other,
        "other_lang_url": url_with_lang(other),
        "csrf_token": csrf_token,
        "ui_strings": ui_strings(),
        **map_config(),
        "offers_language": offers_language,
    }


def map_config() -> dict[str, str]:
    """What the maps draw under the posts: the city's PMTiles archive if set, else the
    hosted tiles of MAP_TILE_URL, else (both empty) the streets of the address file."""
    config = current_app.config
    if config["MAP_PMTILES_FILE"]:
        return {
            "pmtiles_url": url_for("basemap.archive"),
            "tile_url": "",
            # A Protomaps extract is OpenStreetMap data (ODbL): it must say so.
            "tile_attribution": config["MAP_TILE_ATTRIBUTION"] or OSM_ATTRIBUTION,
        }
    return {
        "pmtiles_url": "",
        "tile_url": config["MAP_TILE_URL"],
        "tile_attribution": config["MAP_TILE_ATTRIBUTION"],
    }


def offers_language(city: str, lang: str) -> bool:
    """Whether the city offers ``lang`` (its admin chooses; the language link shows only
    then)."""
    row = current_store().city(city)
    return row is None or lang in row["languages"]


def url_with_lang(lang: str) -> str:
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    view_args = request.view_args or {}
    if request.endpoint is None:
        return f"?lang={lang}"
    return url_for(request.endpoint, **view_args, **args)  # type: ignore[arg-type]  # lists: repeated args


def city_or_404(city: str) -> str:
    """The slug of a city that exists, else a 404 page."""
    if not CITY_SLUG.fullmatch(city) or city in RESERVED_SLUGS:
        abort(404)
    if current_store().city(city) is None:
        abort(404)
    return city


def page_error(error: HTTPException) -> ResponseReturnValue:
    """A page saying what went wrong, in the page language, with the way back."""
    if error.code != 404:
        return error
    city = current_app.config["DEFAULT_CITY"]
    return render_template("not_found.html", city=city), 404


def render_city_page(template: str, city: str, strings: dict[str, str], **context: Any) -> str:
    """A city's page whose script needs ``strings`` beside (or instead of) the common ones."""
    return render_template(
        template, city=city_or_404(city), ui_strings={**ui_strings(), **strings}, **context
    )


def ui_strings() -> dict[str, str]:
    """Strings the scripts show, translated here and handed over as a JSON data block.

    ``{name}`` placeholders are filled by the script; ``_one``/``_other`` pairs are chosen
    with ``Intl.PluralRules`` in the page language.
    """
    return {
        "results_one": _("{count} post found."),
        "results_other": _("{count} posts found."),
        "results_more": _("More posts are available."),
        "cluster_one": _("{count} post here: zoom in"),
        "cluster_other": _("{count} posts here: zoom in"),
        "no_results": _("No post found here. Try a larger scale or other categories."),
        "newest_in_city": _(
            "The newest posts of the city. Type your address to see those near you."
        ),
        "number_not_found": _(
            "There is no number {typed} in the city's addresses: searching around {label}."
        ),
        "searching": _("Searching…"),
        "load_more": _("Load more"),
        "about_distance": _("~{distance}"),
        "poster_type.individual": _("Resident"),
        "poster_type.association": _("Association"),
        "poster_type.company": _("Business"),
        "poster_type.public_body": _("Public service"),
        "poster_verified": _("✓ verified by the city"),
        "kind.offer": _("Offer"),
        "kind.request": _("Request"),
        "precision.building": _("exact address"),
        "precision.street": _("approximate (street)"),
        "precision.neighbourhood": _("approximate (neighbourhood)"),
        "status.published": _("Published"),
        "status.pending": _("Waiting for moderation"),
        "status.hidden": _("Hidden by a moderator"),
        "status.closed": _("Closed"),
        "status.expired": _("Expired"),
        "connection.requested": _("Waiting for an answer"),
        "connection.accepted": _("Accepted"),
        "connection.declined": _("Declined"),
        "connection.done": _("Done"),
        "remote": _("remote help"),
        "view_post": _("View this post"),
        "map_of_post": _("Where the post is: {precision}"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "geo_unsupported": _("Your browser cannot tell where you are. Type an address instead."),
        "geo_denied": _(
            "You did not allow access to your location. Type an address instead, "
            "or allow location access in your browser settings."
        ),
        "geo_failed": _("Your location could not be found. Type an address instead."),
        "geo_locating": _("Finding where you are…"),
        "my_position": _("My position"),
        "address_required": _("Type an address or use “around me”."),
        "no_suggestion": _("No matching address"),
        "unknown_city": _("This city is not on voisinage."),
        "network_error": _("The server could not be reached. Check your connection and retry."),
        "error_generic": _("Something went wrong. Please retry."),
        "form_has_errors": _("Please correct the fields marked below."),
        "invalid.Idempotency-Key": _(
            "Your previous send did arrive (only its answer was lost): check it before "
            "sending this changed form again."
        ),
        "posted_ago": _("posted {when}"),
        "expires": _("expires {when}"),
        "by": _("by {name}"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "renew": _("Renew for 60 days"),
        "close_post": _("Close (help found)"),
        "delete": _("Delete"),
        "confirm_delete": _("Delete this post for good? This cannot be undone."),
        "deleted": _("The post was deleted."),
        "saved": _("Saved."),
        # After a step done on another page (?done=), shown once by common.js.
        "done.confirmed": _("Your account is open and you are logged in."),
        "done.published": _("Your post is published."),
        "renewed": _("The post was renewed."),
        "closed": _("The post was closed."),
        "accept": _("Accept"),
        "decline": _("Decline"),
        "no_posts_yet": _("You have not posted anything yet."),
        "no_connections": _("Nothing yet."),
        "contact_email": _("Email: {email}"),
        "contact_phone": _("Phone: {phone}"),
        "contact_hidden": _("Contact details appear here once the request is accepted."),
        "contact_sent": _(
            "Your message was sent and the author told at once. If they accept, you can "
            "write to each other here."
        ),
        "thread.state": _("Your contact with {name}: {state}."),
        "thread.waiting": _("The author was told; the thread opens here once they accept."),
        "thread.closed": _("This contact is closed: no thread."),
        "thread.open": _("Open the messages"),
        "thread.reported": _("Thank you. A moderator of the city will read this thread."),
        "thread.you": _("You"),
        "thread.empty": _("No message yet. Write the first one."),
        "thread.no_details": _(
            "{name} shared no email or phone: write to each other here, in this thread."
        ),
        "thread.share_email": _("Share my email address"),
        "thread.share_phone": _("Share my phone number"),
        "thread.without_sharing": _(
            "Without sharing, you write to each other in the thread on the post's page."
        ),
        "contact_own_post": _("This is your post. Manage it from “My account”."),
        "message_from": _("Message: {message}"),
        "about_post": _("About: {title}"),
        "post_not_found": _("This post does not exist or is no longer public."),
        "login_failed": _("Wrong email or password."),
        "title_of": _("{title} – voisinage"),
        # Shown next to a field the API rejected (422), in place of the API's English text.
        "invalid.email": _("Type a valid email address, such as name@example.org."),
        "invalid.password": _("The password needs at least 10 characters."),
        "invalid.display_name": _("Give a name of 1 to 80 characters."),
        "invalid.address": _(
            "This address was not found in the city. Type it again and choose it in the list."
        ),
        "invalid.phone": _("Type a phone number, such as 06 12 34 56 78."),
        "invalid.title": _("Give a title of 1 to 120 characters."),
        "invalid.body": _("The details can hold up to 2,000 characters."),
        "invalid.message": _("Write a message of 1 to 1,000 characters."),
        "invalid.category": _("Choose a category."),
        # An API error's sentence, by its code (and param): common.js's errorText.
        "error.required": _("This field is required."),
        "error.invalid_format": _("This value is not in the expected form."),
        "error.out_of_range": _("This value is outside what is allowed."),
        "error.too_long": _("This text is too long."),
        "error.too_short": _("This text is too short."),
        "error.not_allowed_value": _("Choose one of the values offered."),
        "error.mutually_exclusive": _("Give one of these, not both."),
        "error.invalid": _("This value is not valid."),
        "error.not_found": _("Not found: it may have been removed."),
        "error.outside_city": _("You are outside {city}. Type an address in {city}."),
        "error.already_requested": _(
            "You already contacted this post: see its page or your account."
        ),
        "error.already_exists": _("This was already done: nothing more to do."),
        "error.post_id.already_exists": _(
            "You already reported this post; a moderator will look at it."
        ),
        "error.connection_id.already_exists": _(
            "You already reported this thread; a moderator will read it."
        ),
        "error.conflict": _("This cannot be done now. Reload the page to see where things stand."),
        "error.expired": _("This link is unknown, already used or expired: ask for a new one."),
        "error.unauthorized": _("Log in to do this."),
        "error.wrong_credentials": _("Wrong email or password."),
        "error.forbidden": _("Your account is not allowed to do this."),
        "error.too_many_requests": _(
            "Too many attempts in a short time. Wait a minute, then retry."
        ),
        "error.too_large": _("What you sent is too large."),
        "error.unavailable": _("The service is busy. Retry in a moment."),
        "error.upstream_error": _("A service we rely on did not answer. Retry in a moment."),
        "error.starts_at.out_of_range": _("Choose a date and time in the future, within a year."),
        "error.starts_at.invalid_format": _("Choose a date and a time."),
        "error.consent_on.out_of_range": _("The consent date cannot be in the future."),
        "label.title": _("Title"),
        "label.body": _("Details"),
        "label.category": _("Category"),
        "label.kind": _("Offer or request"),
        "label.precision": _("Where it appears on the map"),
    }
