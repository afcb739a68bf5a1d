"""Settings: secure defaults, overridden by ``VOISINAGE_*`` environment variables, then by
the mapping given to ``create_app`` (what tests use)."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "DATABASE": None,  # required: VOISINAGE_DATABASE
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # A city's own vector base map, a PMTiles file served at /basemap.pmtiles (README, "Map
    # tiles"); it comes before MAP_TILE_URL, which comes before the address file's streets.
    "MAP_PMTILES_FILE": "",
    "MAP_TILE_URL": "",
    "MAP_TILE_ATTRIBUTION": "",
    "DEFAULT_CITY": "grenoble",
    # The cities this server serves, e.g. "grenoble,marseille" (empty: every city): it
    # indexes those alone and answers 421 for any other (a proxy routes by city).
    "CITIES": "",
    "GEOCODER_URL": "",  # empty: the embedded BAN geocoder; else a GeocodeJSON /search API
    "GEOCODER_TIMEOUT_S": 5.0,
    "RATE_LIMITS_ENABLED": True,
    "RATE_LIMIT_SEARCH": "120/60",  # anonymous searches per IP: count/seconds
    "RATE_LIMIT_WRITE": "60/60",  # writes per account
    "RATE_LIMIT_LOGIN": "10/60",  # login attempts per IP
    "RATE_LIMIT_ADDRESS": "5/60",  # logins, sign-ups and resets per e-mail address typed
    "POST_TTL_DAYS": 60,
    "INVITATION_TTL_DAYS": 30,  # a building's invitation (the stairwell poster's QR code)
    "FOLLOW_UP_AFTER_DAYS": 3.0,  # both sides asked "did the help happen?" this long after
    "ESCALATION_AFTER_HOURS": 48.0,  # requests nobody contacted go to the social workers
    "REMINDER_DAYS_BEFORE": 7,  # posters are reminded this long before their post expires
    "SMTP_HOST": "",  # empty: notifications go to the in-app inbox only
    "SMTP_PORT": 25,
    "SMTP_FROM": "voisinage@localhost",
    "SMTP_TIMEOUT_S": 10.0,
    # Where this service is reached, e.g. https://voisinage.example: every link in a mail or
    # notice starts with it, and requests naming another host are refused (TRUSTED_HOSTS).
    "BASE_URL": "http://localhost",
    "PROXY_HOPS": 0,  # reverse proxies in front (rate limits key on the client IP they pass)
    "PASSWORD_HASH": "default",  # "default" (argon2id RFC 9106 low memory) or "fast" (tests)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "voisinage_session",
    "JSON_SORT_KEYS": False,
}

_BOOLEAN_TRUE = {"1", "true", "yes", "on"}
_SECRET_KEY_FILE = "secret_key"


def load(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, environment and ``overrides``, in that order."""
    app.config.update(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = os.environ.get(f"VOISINAGE_{name}")
        if raw is not None:
            app.config[name] = _parse(raw, default)
    for name in ("SECRET_KEY", "TESTING", "DEBUG"):
        raw = os.environ.get(f"VOISINAGE_{name}")
        if raw is not None:
            app.config[name] = raw if name == "SECRET_KEY" else raw.lower() in _BOOLEAN_TRUE
    app.config.update(overrides or {})
    plain_http = app.config.get("TESTING") or app.config.get("DEBUG")  # test client, dev server
    if plain_http and "SESSION_COOKIE_SECURE" not in (overrides or {}):
        app.config["SESSION_COOKIE_SECURE"] = False
    app.config["MAP_PMTILES_FILE"] = pmtiles_file(app.config["MAP_PMTILES_FILE"])
    if not app.config["DATABASE"]:
        app.config["DATABASE"] = str(Path(app.instance_path) / "voisinage.sqlite")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _persistent_secret_key(Path(app.instance_path))
    if app.config.get("TRUSTED_HOSTS") is None:
        # A link built from a request's Host could point anywhere (Host is the client's to
        # choose): links come from BASE_URL, and only its host is answered.
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname or "localhost"]


def pmtiles_file(path: str) -> str:
    """The archive's absolute path (a relative one is from the working directory, not from
    the app's package, where Flask would look), or "" for none. A missing archive is found
    at start-up, not by a visitor looking at a blank map."""
    if not path:
        return ""
    if not Path(path).is_file():
        raise ValueError(
            f"MAP_PMTILES_FILE names {path!r}, which is not a file: build the city's archive"
            " (README, Deploying, Map tiles) or leave the setting empty"
        )
    return str(Path(path).resolve())


def _parse(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in _BOOLEAN_TRUE
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def _persistent_secret_key(instance: Path) -> str:
    """A random key made once and kept in the instance folder (mode 0600), so sessions
    survive restarts and every worker signs alike; never a hard-coded default."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / _SECRET_KEY_FILE
    if not path.exists():
        # Written aside then linked: two workers starting at once agree on one key.
        candidate = instance / f".{_SECRET_KEY_FILE}.{os.getpid()}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text(encoding="ascii").strip()
