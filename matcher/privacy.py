"""The public point of a post: where the engine may say a post is.

A resident's home is private. Search answers (which posts, in which order, how far)
are computed from the public point only, so the known trilateration attacks on
"nearby" apps (query from several places, intersect the distance circles) locate a
home no more precisely than its H3 cell: every point inside a cell gets the same
public point, hence the same answers."""

from typing import Literal, cast

import h3

from matcher import validate
from matcher.errors import InvalidQuery

Precision = Literal["building", "street", "neighbourhood"]
PRECISIONS: tuple[Precision, ...] = ("building", "street", "neighbourhood")

# "building" publishes the address point itself (associations, shops, residents who opt in).
_H3_RESOLUTION: dict[str, int] = {"street": 10, "neighbourhood": 8}


def public_point(lat: float, lon: float, precision: Precision) -> tuple[float, float]:
    """``(lat, lon)`` as published: the point itself for ``"building"``, else the centre
    of its H3 cell (resolution 10, ~66 m edge, for ``"street"``; resolution 8, ~460 m
    edge, for ``"neighbourhood"``). Raises InvalidQuery naming the bad parameter."""
    lat = validate.latitude(lat, "lat")
    lon = validate.longitude(lon, "lon")
    if precision not in PRECISIONS:
        raise InvalidQuery(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision == "building":
        return lat, lon
    cell = h3.latlng_to_cell(lat, lon, _H3_RESOLUTION[cast(str, precision)])
    centre_lat, centre_lon = h3.cell_to_latlng(cell)
    return float(centre_lat), float(centre_lon)
