"""voisinage's web app: ``create_app`` is the one entry point (WSGI servers, CLI, tests)."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app: settings (``web.config``), the database migrated, the API and pages."""
    from web import (
        accounts,
        alerts,
        api,
        caching,
        calls,
        cli,
        diskfull,
        escalation,
        expiry,
        followup,
        missions,
        moderation,
        mydata,
        notify,
        opendata,
        pages,
        poster,
        problems,
        relay,
        retention,
        store,
        verification,
    )
    from web import config as settings

    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "VOISINAGE_INSTANCE_PATH"
    )  # where the generated secret key is kept; Flask's default instance/ otherwise
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    settings.load(app, config)
    store.migrate(app.config["DATABASE"])
    if app.config["PROXY_HOPS"]:  # behind N reverse proxies: trust their X-Forwarded-*
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.teardown_appcontext(store.close_current)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(calls.bp)
    app.register_blueprint(notify.bp)
    app.register_blueprint(missions.bp)
    app.register_blueprint(alerts.bp)  # after notify: its mail leaves after the alerts
    app.register_blueprint(expiry.bp)
    app.register_blueprint(poster.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(followup.bp)
    app.register_blueprint(mydata.bp)
    app.register_blueprint(relay.bp)
    app.register_blueprint(escalation.bp)
    app.register_blueprint(verification.bp)
    app.register_blueprint(opendata.bp)
    app.register_blueprint(retention.bp)
    pages.init_app(app)
    caching.register(app)
    problems.register(app)
    diskfull.register(app)
    cli.register(app)
    return app
