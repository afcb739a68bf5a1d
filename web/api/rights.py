"""Who may call a view of a city: the calling account holds the right (``web.roles``).

Here rather than in the kit (``web.http``): it needs the city, from the process's indexes."""

from web import indexes
from web.http.auth import require_account
from web.http.problems import Problem
from web.roles import RIGHTS, Action, can
from web.store.rows import Account


def require_right(
    city: str, action: Action, write: bool = False
) -> tuple[indexes.CityIndex, Account]:
    """The city and the calling account, which holds ``action``'s right there (``can``):
    401 without an account, 404 for an unknown city, 403 naming who may otherwise."""
    account = require_account(write=write)
    index = indexes.city_index(city)
    if not can(account, action, index.city["id"]):
        holders = " and ".join(f"{role.replace('_', ' ')}s" for role in sorted(RIGHTS[action]))
        raise Problem(403, "Forbidden", f"only the {holders} of {city} may do this")
    return index, account
