"""The HTML pages: the map and account pages, the poster, each feature's page.

Each page is an HTML shell; its script does the work through the public JSON API. The
blueprints keep the names templates use in ``url_for`` (``pages.map_page``,
``alerts.alerts_page``, ``notify.inbox_page``, ...)."""

from flask import Blueprint

from web.pages import (
    accounts,
    admin,
    alerts,
    basemap,
    buildings,
    calls,
    city,
    dashboard,
    escalation,
    expiry,
    missions,
    moderation,
    notifications,
    poster,
    site,
)

__all__ = ["BLUEPRINTS"]

BLUEPRINTS: tuple[Blueprint, ...] = tuple(
    module.bp
    for module in (
        site,
        accounts,
        calls,
        notifications,
        missions,
        alerts,
        expiry,
        poster,
        moderation,
        escalation,
        buildings,
        admin,
        city,
        dashboard,
        basemap,
    )
)
