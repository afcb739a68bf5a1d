"""Posting: where a post goes (an address or a point inside the city, or the poster's
home), the categories a city knows, the geocoder, and who may see a post."""

from typing import NamedTuple

from flask import current_app

from web.http.problems import ErrorItem, Problem, invalid
from web.indexes import CityIndex
from web.services import geocode
from web.store import current as store

CONSENT_TEXT = (
    "J'accepte que mon adresse e-mail et/ou mon téléphone, selon mes choix, soient montrés "
    "aux personnes dont j'accepte la demande de mise en relation. / I agree that my e-mail "
    "and/or phone, as I choose, be shown to the people whose connection request I accept."
)


def known_categories(city: CityIndex, slugs: list[str]) -> list[str]:
    for slug in slugs:
        if slug not in city.category_slugs:
            raise invalid(
                "category",
                f"unknown category {slug!r}; see the categories endpoint",
                "not_allowed_value",
            )
    return sorted(set(slugs))


def geocode_in(city_id: int, text: str, limit: int) -> list[geocode.Address]:
    """Addresses matching ``text`` in the city: the embedded BAN table or the geocoder."""
    base_url = current_app.config["GEOCODER_URL"]
    if not base_url:
        return geocode.search_embedded(store(), city_id, text, limit)
    try:
        return geocode.search_remote(
            base_url, text, limit, current_app.config["GEOCODER_TIMEOUT_S"]
        )
    except geocode.GeocoderUnavailable as error:
        raise Problem(502, "Geocoder unavailable", str(error)) from None


class Place(NamedTuple):
    """Where something is: a point, the words that gave it, and the building (BAN address
    id) when those words geocoded to a house number, else ``""``."""

    lat: float
    lon: float
    address: str
    ban_id: str


def first_address(city_id: int, text: str) -> geocode.Address:
    """The first address found for ``text``; 422 naming ``address`` when none is."""
    found = geocode_in(city_id, text, 1)
    if not found:
        raise invalid("address", f"no address found for {text!r}", "not_found")
    return found[0]


def address_point(city_id: int, text: str) -> tuple[float, float]:
    """The point of the first address found for ``text`` (422 naming ``address``)."""
    found = first_address(city_id, text)
    return found.lat, found.lon


def locate(
    index: CityIndex,
    address: str | None,
    lat: float | None,
    lon: float | None,
    home: tuple[float, float, str] | None = None,
) -> Place:
    """The place given by an address or by lat and lon (their pairing is checked by the
    request's model: ``schemas.OnePlace``), else ``home``; inside the city, or 422 naming
    the field at fault."""
    ban_id = ""
    if address is not None:
        found, params = first_address(index.city["id"], address), ["address"]
        lat, lon, ban_id = found.lat, found.lon, found.ban_id
    elif lat is not None and lon is not None:
        params, address = ["lat", "lon"], ""
    elif home is not None:
        (lat, lon, address), params = home, ["lat", "lon"]
    else:
        raise invalid("address", "give the address (or lat and lon)", "required")
    inside(index, lat, lon, params)
    return Place(lat, lon, address, ban_id)


def inside(index: CityIndex, lat: float, lon: float, params: list[str]) -> None:
    """422 ``outside_city`` naming ``params`` when the point is outside the city."""
    if not index.region.contains(lat, lon):
        message = f"this place is outside {index.city['name']}"
        errors: list[ErrorItem] = [(p, message, "outside_city") for p in params]
        raise Problem(422, "Invalid parameter", message, errors)


def place_in_city(
    index: CityIndex,
    address: str | None,
    lat: float | None,
    lon: float | None,
    home: tuple[float, float, str] | None = None,
) -> tuple[float, float, str]:
    """``(lat, lon, address text)`` of ``locate``."""
    place = locate(index, address, lat, lon, home)
    return place.lat, place.lon, place.address
