"""Posts near a point, newest first: the one search behind ``/match`` and the poster;
and posts in a map viewport (``within_box``).

Remote help (distance does not apply) is searched city-wide only when its category is
asked for; otherwise it would crowd the nearby posts out of every first page. The two
newest-first lists are merged on the same ``(created_at, id)`` key: the first
``limit + 1`` of the merge are those of the union, so keyset paging stays exact.

The city's index is taken once (``web.indexes``: one lock, one catch-up on the change
log) and everything that needs it happens in that one call."""

from collections.abc import Sequence
from dataclasses import dataclass

from matcher import Kind, Match
from web.http import cursor
from web.indexes import CityIndex, UnknownCity, this_process, unknown_city
from web.services.posting import address_point, inside, known_categories
from web.services.settings import remote_radius_m
from web.store import current as store


@dataclass(frozen=True, slots=True)
class Found:
    """A page of ``search``: ``matches`` newest first (at most ``limit``), the cursor of
    the next page (None: the last), and what was searched."""

    city: CityIndex
    matches: list[Match]
    next_cursor: str | None
    lat: float
    lon: float
    categories: list[str]
    citywide: list[str]


def search(
    slug: str,
    *,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    radius_m: float,
    categories: Sequence[str] = (),
    kind: Kind | None = None,
    limit: int = 20,
    after: str | None = None,
    building_only: bool = False,
) -> Found:
    """The newest published posts within ``radius_m`` of ``(lat, lon)`` or of the first
    address found for ``address``, in city ``slug``. ``after`` is a cursor this search
    gave (``Found.next_cursor``). 404 for an unknown city, 422 naming the parameter for an
    unknown category, address, a point outside the city or a foreign cursor."""
    if address is not None:
        city = store().city(slug)
        if city is None:
            raise unknown_city(slug)
        lat, lon = address_point(city["id"], address)
    if lat is None or lon is None:
        raise ValueError("search needs lat and lon, or an address")
    point = (lat, lon)

    def under_the_lock(index: CityIndex) -> Found:
        inside(index, *point, ["address"] if address is not None else ["lat", "lon"])
        asked_categories = known_categories(index, list(categories))
        wanted = set(asked_categories) or set(index.category_slugs)
        citywide = sorted(set(asked_categories) & index.remote_categories)
        nearby = sorted(wanted - set(citywide))
        asked = (slug, *point, radius_m, asked_categories, kind, building_only)
        before = cursor.read(after, asked) if after else None
        found: dict[int, Match] = {}
        # No category asked: one search of every category (remote posts within the radius
        # come twice; the merge keeps one). Remote categories asked: one city-wide search.
        searches = [(radius_m, nearby if asked_categories else None)] if nearby else []
        searches += [(remote_radius_m(index.city), citywide)] if citywide else []
        for search_radius_m, only in searches:
            matches = index.search(
                *point,
                search_radius_m,
                category=only,
                kind=kind,
                limit=limit + 1,
                before=before,
                building_only=building_only,
            )
            found.update((m.id, m) for m in matches)
        merged = sorted(found.values(), key=lambda m: (m.created_at, m.id), reverse=True)
        page = merged[:limit]
        next_cursor = None
        if len(merged) > limit:
            next_cursor = cursor.write(page[-1].created_at, page[-1].id, asked)
        return Found(index, page, next_cursor, *point, asked_categories, citywide)

    try:
        return this_process().run(slug, under_the_lock)  # type: ignore[no-any-return]
    except UnknownCity:
        raise unknown_city(slug) from None


def within_box(
    slug: str,
    box: tuple[float, float, float, float],
    categories: Sequence[str] = (),
    kind: Kind | None = None,
    limit: int = 500,
) -> tuple[CityIndex, list[Match]]:
    """The newest published posts in ``box`` (south, west, north, east; west > east
    crosses the antimeridian), with the city's index they come from. 404 for an unknown
    city, 422 for an unknown category."""

    def under_the_lock(index: CityIndex) -> tuple[CityIndex, list[Match]]:
        wanted = known_categories(index, list(categories)) or None
        return index, index.within_box(*box, category=wanted, kind=kind, limit=limit)

    try:
        return this_process().run(slug, under_the_lock)  # type: ignore[no-any-return]
    except UnknownCity:
        raise unknown_city(slug) from None
