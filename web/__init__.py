"""voisinage's web app: ``create_app`` is the one entry point (WSGI servers, CLI, tests)."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from web import api, cli, config, indexes, pages, store
from web.http import caching, diskfull, html, problems, sessions
from web.services import alerts, notify

__all__ = ["create_app"]


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app: settings (``web.config``), the database migrated, the API and pages.

    Nothing depends on the order of the blueprints: error handlers and the hooks that run
    after each answer are registered here, once, in the order written."""
    instance_path = (config_overrides or {}).get("INSTANCE_PATH") or os.environ.get(
        "VOISINAGE_INSTANCE_PATH"
    )  # where the generated secret key is kept; Flask's default instance/ otherwise
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    config.load(app, config_overrides)
    store.migrate(app.config["DATABASE"])
    if app.config["PROXY_HOPS"]:  # behind N reverse proxies: trust their X-Forwarded-*
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.session_interface = sessions.SignedOnce()
    app.teardown_appcontext(store.close_current)
    app.before_request(indexes.refuse_other_cities)  # 421 for a city served elsewhere
    app.register_blueprint(api.bp)
    for blueprint in pages.BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.after_request(after_the_write)  # runs after the kit's hooks below, as before
    html.init_app(app)
    caching.register(app)
    problems.register(app, page_error=html.page_error)  # every error handler, here
    diskfull.register(app)
    cli.register(app)
    indexes.build_at_start(app)  # last: a server accepts requests once this returns
    return app


def after_the_write(response: Response) -> Response:
    """After each answer, one step: a successful write alerts the subscribers of the
    posts it published, then the mail queued (by the alerts or the write) leaves."""
    if request.method in alerts.WRITE_METHODS and response.status_code < 400:
        alerts.alert_subscribers()
    notify.send_queued()
    return response
