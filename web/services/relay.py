"""Posts on behalf of someone: for people who phone the city instead of using the web.

A moderator, social worker or admin creates a post with ``on_behalf_of`` (the person's
name, optional phone, and ``consent: true`` once the person agreed). The agent owns the
post, so contact requests reach the agent, who relays them by phone; the public sees a
resident's request or offer, relayed by the city, never the person's name or phone.
The consent is recorded with its text, time and the agent who took it. The post is
placed at street precision (or coarser) whatever the agent's own default, unless the
agent ticks that the person asked for their exact address: an agent's form should not
publish a door the person never chose to show."""

import time
from collections.abc import Mapping
from typing import Any

from matcher import Precision
from web.http import schemas
from web.http.problems import Problem
from web.roles import can

CONSENT_TEXT = (
    "La personne accepte que l'agent publie cette annonce en son nom et transmette les "
    "demandes de contact. / The person agrees that the agent posts this on their behalf "
    "and relays contact requests."
)


def consent_record(account: Mapping[str, Any], person: schemas.OnBehalfOf) -> dict[str, Any]:
    """The row recording who the post is for and their consent; 403 unless the caller
    is one of the city's agents."""
    if not can(account, "relay", None):
        raise Problem(
            403,
            "Forbidden",
            "only moderators, social workers and admins post on behalf of someone",
            [("on_behalf_of", "not allowed for your role")],
        )
    return {
        "agent_id": account["id"],
        "name": person.name,
        "phone": person.phone,
        "consent_text": CONSENT_TEXT,
        "consent_at": time.time(),
    }


def placed(person: schemas.OnBehalfOf, precision: Precision) -> Precision:
    """The precision of a relayed post: ``building`` only when the person asked for it."""
    if person.exact_address:
        return "building"
    return "neighbourhood" if precision == "neighbourhood" else "street"
