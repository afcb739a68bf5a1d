"""After a connection: "did the help happen?", and the city's connection counts.

A few days (``FOLLOW_UP_AFTER_DAYS``, default 3) after a poster accepts a connection,
both sides find the question on their account page and answer ``done`` or
``not_done``. The city's moderators and admins read counts of connections by category,
ISO week and outcome, from an anonymous table that outlives deleted posts and accounts;
never who, never the messages."""

from flask import current_app


def follow_up_after_s() -> float:
    return float(current_app.config["FOLLOW_UP_AFTER_DAYS"]) * 86400


def outcome_of(status: str, outcome: str | None) -> str:
    """requested, declined, accepted (no answer yet), done, not_done."""
    if outcome is not None:
        return outcome
    return "accepted" if status == "done" else status
