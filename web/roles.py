"""Who may do what in a city: the one home of the roles and of their rights.

An account has one role in one city; a right is held by some roles, in the account's own
city only (``can``). The API's ``Role`` type, the CLI's choices, the retention rules and
every view's check read them from here."""

from collections.abc import Mapping
from typing import Any, Literal, get_args

Role = Literal["resident", "association", "moderator", "social_worker", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
# The roles an admin gives (an association is verified, not appointed: web.api.verification)
AssignableRole = Literal["resident", "moderator", "social_worker", "admin"]
# Accounts purged when unused (the city's agents are kept: the city manages them)
UNPRIVILEGED: tuple[Role, ...] = ("resident", "association")

Action = Literal[
    "moderate",  # the queue, reports, organisations, connection counts
    "read_audit",
    "give_roles",
    "read_escalations",
    "keep_call_list",
    "post_missions",
    "relay",  # post on behalf of someone
    "invite",  # invitations to any building (web.services.buildings)
    "configure_city",  # its settings, categories, texts and look
    "read_dashboard",  # the city's counts
]
RIGHTS: dict[Action, frozenset[Role]] = {
    "moderate": frozenset({"moderator", "admin"}),
    "read_audit": frozenset({"admin"}),
    "give_roles": frozenset({"admin"}),
    "read_escalations": frozenset({"social_worker", "moderator", "admin"}),
    "keep_call_list": frozenset({"social_worker"}),
    "post_missions": frozenset({"association"}),
    "relay": frozenset({"moderator", "social_worker", "admin"}),
    "invite": frozenset({"moderator", "social_worker", "admin"}),
    "configure_city": frozenset({"admin"}),
    "read_dashboard": frozenset({"social_worker", "moderator", "admin"}),
}


def can(account: Mapping[str, Any] | None, action: Action, city_id: int | None) -> bool:
    """Whether ``account`` may do ``action`` in the city ``city_id``: its role holds the
    right and it is an account of that city (``city_id`` None: of any city)."""
    if account is None or account["role"] not in RIGHTS[action]:
        return False
    return city_id is None or account["city_id"] == city_id
