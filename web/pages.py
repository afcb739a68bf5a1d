"""Blueprint "pages": the map page and the account pages (HTML shells over the public API)."""

from flask import Blueprint, Flask

bp = Blueprint("pages", __name__)


def init_app(app: Flask) -> None:
    """Set up what the pages need on the app (translations, security headers)."""
