"""Organisations verified by the city: only real associations act as associations.

Choosing association, company or public body at sign-up asks for verification
(``verification = 'pending'``); until a moderator or admin of the city approves it, the
account acts as a resident: no missions, no organisation badge on its posts, no
building precision by default. Approving makes it an association account (posting
missions, its posts at its address by default, ``poster_verified`` on its posts);
refusing leaves it a resident. Either is audited and the applicant notified (inbox, and
e-mail when SMTP is set). Accounts the operator makes with the CLI's
``user create --role association`` are approved: the operator made them."""

from typing import Any

ORGANISATION_TYPES = frozenset({"association", "company", "public_body"})
# A verified organisation: its posts at its address by default (residents keep street).
APPROVED: dict[str, Any] = {
    "role": "association",
    "verification": "approved",
    "precision": "building",
}


def sign_up_fields(poster_type: str, precision: str) -> dict[str, Any]:
    """Role, verification and default precision of a new account: an organisation waits
    for the city as a resident, its posts at street precision unless it asks per post."""
    if poster_type not in ORGANISATION_TYPES:
        return {"role": "resident", "precision": precision}
    return {
        "role": "resident",
        "verification": "pending",
        "precision": "street" if precision == "building" else precision,
    }
