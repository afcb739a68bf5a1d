"""Where people live: the one module that reads an account's exact home point.

The rule (DESIGN, Privacy): an exact home is shown, compared or ranked only for the
person themself. Every other answer — to other residents, to organisations and to the
city's agents — is computed from the home's public point: the centre of its H3 cell at
the account's precision, never finer than ``street`` (a volunteer who publishes posts at
their building still has a home nobody else may compare with a circle). So moving a
home inside its cell changes nothing anyone else can see, and the known attacks that
binary-search a radius and trilaterate (missions, the call list, alerts) find the cell's
centre, not the door. Nothing else in ``web`` reads ``home_lat`` or ``home_lon``
(``tests/web/test_home_privacy.py`` checks it).

The home's building (its BAN address id, an entrance) and street (the BAN street key) are
read here too, and only here (``tests/web/test_buildings.py`` checks it): they are not
points, but they say where someone lives as surely."""

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from matcher.privacy import Precision, public_point
from web.http import answers
from web.http.problems import Problem
from web.services import geocode, posting
from web.store import current as store

ROUNDING_M = 100  # distances to a home, as agents see them
COUNT_STEP = 5  # counts of homes, as organisations see them


def own_home(account: Mapping[str, Any]) -> tuple[float, float, str] | None:
    """``(lat, lon, address)`` of the account's home, for the account itself alone (the
    default place of its own posts)."""
    if account["home_lat"] is None:
        return None
    return account["home_lat"], account["home_lon"], account["home_address"]


def home_precision(precision: Precision) -> Precision:
    """The precision of a home's public point: the account's, but never ``building``."""
    return "street" if precision == "building" else precision


def public_home(account: Mapping[str, Any]) -> tuple[float, float] | None:
    """The public point of the account's home (None without a home)."""
    if account["home_lat"] is None:
        return None
    return public_point(
        account["home_lat"], account["home_lon"], home_precision(account["precision"])
    )


class Building(NamedTuple):
    """A home's building (BAN address id) and street (BAN street key)."""

    ban_id: str
    street: str


def building_fields(ban_id: str) -> dict[str, str | None]:
    """The account columns tying a home to the building ``ban_id`` ("" for none)."""
    return {
        "home_ban_id": ban_id or None,
        "home_street": geocode.street_key(ban_id) if ban_id else None,
    }


def home_building(account: Mapping[str, Any]) -> Building | None:
    """The building of the account's home, for the account itself (and the checks made
    for it: posting to its building, joining one). A home set before buildings existed
    gets its building here, once its address geocodes to the house number at its point."""
    if account["home_ban_id"]:
        return Building(account["home_ban_id"], account["home_street"])
    if not account["home_address"] or account["home_lat"] is None:
        return None
    try:
        found = posting.geocode_in(account["city_id"], account["home_address"], 1)
    except Problem:  # the geocoder is away: no building this time
        return None
    if not found or not found[0].ban_id:
        return None
    if (found[0].lat, found[0].lon) != (account["home_lat"], account["home_lon"]):
        return None
    fields = building_fields(found[0].ban_id)
    store().update_account(account["id"], **fields)
    return Building(found[0].ban_id, geocode.street_key(found[0].ban_id))


def move_home(
    account: Mapping[str, Any], lat: float, lon: float, address: str, ban_id: str = ""
) -> int:
    """The account's new home (in the building ``ban_id`` when its address geocoded to a
    house number): the posts placed at the old home follow it (to their public points at
    the new one, through the change log), so do the alerts centred on it; posts placed
    elsewhere stay; a building joined is left unless the new home is in it. Returns how
    many posts moved."""
    old = own_home(account)
    precisions: tuple[Precision, ...] = ("building", "street", "neighbourhood")
    points: dict[str, tuple[float, float]] = {
        precision: public_point(lat, lon, precision) for precision in precisions
    }
    new_centre = public_point(lat, lon, home_precision(account["precision"]))
    building = building_fields(ban_id)
    if old is None:
        store().update_account(
            account["id"], home_lat=lat, home_lon=lon, home_address=address, **building
        )
        return 0
    old_centres = [public_home(account), circle_centre(old[0], old[1])]
    return store().move_home(
        account["id"],
        (old[0], old[1]),
        (lat, lon, address),
        points,
        ([centre for centre in old_centres if centre is not None], new_centre),
        building,
    )


def circle_centre(lat: float, lon: float) -> tuple[float, float]:
    """The centre of an alert circle stored at ``(lat, lon)``: its street cell's centre.
    A public point stays where it is (the centre of a cell lies in that cell); the
    subscriptions stored before this rule, around exact homes, move to their cell's."""
    return public_point(lat, lon, "street")


def with_public_homes(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows (accounts with a home) with ``lat`` and ``lon`` at their public points,
    and without their exact ones."""
    public = []
    for row in rows:
        lat, lon = public_home(row)  # type: ignore[misc]
        exact = ("home_lat", "home_lon", "home_address")
        public.append({**{k: v for k, v in row.items() if k not in exact}, "lat": lat, "lon": lon})
    return public


def rounded_distance_m(distance_m: float) -> int:
    """A distance between public points as agents see it: to the nearest 100 m."""
    return answers.rounded_distance_m(distance_m, ROUNDING_M)


def rounded_count(count: int) -> int:
    """A count of homes as organisations see it: to the nearest 5; 0 means fewer than 5."""
    if count < COUNT_STEP:
        return 0
    return int(count / COUNT_STEP + 0.5) * COUNT_STEP
