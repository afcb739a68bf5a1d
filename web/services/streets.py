"""The streets of a city's address file as light lines, for a map with no tiles (the demo,
the tests, a city that serves none): no request leaves the site, yet a person finds their
street.

Each street's addresses are joined in house-number order, one line per side (odd, even:
joining both would zig-zag across the street), and a line breaks where two neighbours in
that order are more than ``GAP_M`` apart (a renumbered stretch, another part of town).
Computed once per city and address count, then kept: the file changes by a CLI import."""

import math
import re
from collections.abc import Iterable
from typing import Any

from web.store import current as store
from web.store.rows import AddressPoint

GAP_M = 250.0
_NUMBER = re.compile(r"\d+")
_computed: dict[tuple[str, int, int], dict[str, Any]] = {}


def streets(database: str, city_id: int) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one MultiLineString per street, ``name`` its name."""
    key = (database, city_id, store().address_count(city_id))
    if key not in _computed:
        _computed[key] = _collection(store().address_points(city_id))
    return _computed[key]


def _collection(points: list[AddressPoint]) -> dict[str, Any]:
    by_street: dict[tuple[str, str], list[AddressPoint]] = {}
    for point in points:
        by_street.setdefault((point["nom_voie"], point["code_postal"]), []).append(point)
    features = []
    for (name, _postcode), on_street in by_street.items():
        lines = [line for side in _sides(on_street) for line in _split(side) if len(line) > 1]
        if lines:
            geometry = {"type": "MultiLineString", "coordinates": lines}
            features.append({"type": "Feature", "geometry": geometry, "properties": {"name": name}})
    return {"type": "FeatureCollection", "features": features}


def _sides(points: list[AddressPoint]) -> Iterable[list[AddressPoint]]:
    numbered = [(int(found.group()), p) for p in points if (found := _NUMBER.match(p["numero"]))]
    numbered.sort(key=lambda item: item[0])
    for parity in (1, 0):
        yield [point for number, point in numbered if number % 2 == parity]


def _split(side: list[AddressPoint]) -> Iterable[list[list[float]]]:
    line: list[list[float]] = []
    previous = None
    for point in side:
        if previous is not None and _distance_m(previous, point) > GAP_M:
            yield line
            line = []
        line.append([round(point["lon"], 6), round(point["lat"], 6)])
        previous = point
    yield line


def _distance_m(a: AddressPoint, b: AddressPoint) -> float:
    """Equirectangular: exact enough within a street."""
    x = math.radians(b["lon"] - a["lon"]) * math.cos(math.radians((a["lat"] + b["lat"]) / 2))
    y = math.radians(b["lat"] - a["lat"])
    return 6_371_000.0 * math.hypot(x, y)
