"""Moderation: pre-moderation, reports, the commercial-offer flag, the queue, actions
(publish, hide, warn) and the audit log nobody can edit.

A moderator (or admin) of a city sees its queue: posts waiting for pre-moderation,
posts users reported (with how many reports and why) and posts the heuristic of
``web.services.commercial`` flagged. Each action is one store transaction that changes the
post (hidden or pending posts leave every index through the change log), tells the
poster why, resolves the reports and the flag, and appends to the audit log, which
SQLite triggers keep append-only."""

from collections.abc import Mapping
from typing import Any, Literal

from web.http.problems import Problem
from web.services import commercial
from web.store import current as store

Action = Literal["publish", "hide", "warn"]
STATUS_AFTER = {"publish": "published", "hide": "hidden", "warn": None}
NOT_THE_OWNER = (
    "only the poster changes or deletes a post; moderators publish, hide or warn through "
    "the moderation actions"
)


# -- for every user ------------------------------------------------------------------------


def new_post_status(city_id: int) -> str:
    """``pending`` while the city pre-moderates (read fresh: the switch applies at once)."""
    return "pending" if store().premoderation(city_id) else "published"


def check_owner_status(city_id: int, row: Mapping[str, Any], status: str) -> None:
    """403 unless the owner closes a published post or reopens one they closed while the
    city does not pre-moderate (read fresh): never what a moderator hid or has yet to
    publish."""
    closing = status == "closed" and row["status"] == "published"
    reopening = status == "published" and row["status"] == "closed"
    if closing or (reopening and not store().premoderation(city_id)):
        return
    message = (
        "you may close your published post and reopen what you closed (not while the "
        "city pre-moderates); moderators publish and hide"
    )
    raise Problem(403, "Forbidden", message, [("status", message)])


def screen(post_id: int, title: str, body: str) -> None:
    """Flag the post for the queue when it looks commercial; a person decides."""
    found = commercial.signals(title, body)
    if found:
        store().flag_post(post_id, found)


# -- command line --------------------------------------------------------------------------

CLI_ACTOR = {"id": None, "display_name": "command line", "role": "cli"}
