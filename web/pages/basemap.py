"""Blueprint "basemap": the city's own vector base map, one PMTiles file (MAP_PMTILES_FILE)
that the map page reads in pieces with HTTP range requests, so no tile server is needed
and no request leaves the site."""

from flask import Blueprint, Response, abort, current_app, send_file

bp = Blueprint("basemap", __name__)

# The same file for everyone; a new archive has a new ETag, so a day's caching is safe.
ARCHIVE_MAX_AGE_S = 24 * 3600


@bp.get("/basemap.pmtiles")
def archive() -> Response:
    """The archive, whole or a byte range (206, or 416 past its end), with its ETag."""
    path = current_app.config["MAP_PMTILES_FILE"]
    if not path:
        abort(404)
    return send_file(
        path,
        mimetype="application/vnd.pmtiles",
        conditional=True,
        etag=True,
        max_age=ARCHIVE_MAX_AGE_S,
    )
