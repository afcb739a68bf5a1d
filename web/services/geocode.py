"""Addresses to points: the embedded BAN geocoder (SQLite FTS5) or a GeocodeJSON API.

The embedded one imports a file of the Base Adresse Nationale (semicolon-separated CSV,
optionally gzipped, with its real header: ``id;id_fantoir;numero;rep;nom_voie;
code_postal;code_insee;nom_commune;...;lon;lat;...``) into a FTS5 table whose tokenizer
drops diacritics, so "felix poulat" finds "Rue Félix Poulat". Setting ``GEOCODER_URL``
to a GeocodeJSON service (api-adresse.data.gouv.fr, addok, photon) uses it instead:
``GET {GEOCODER_URL}/search?q=...&limit=...``."""

import csv
import gzip
import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from web.store import Store

REQUIRED_COLUMNS = ("id", "numero", "rep", "nom_voie", "code_postal", "nom_commune", "lon", "lat")
_WORD = re.compile(r"\w+")
_MAX_WORDS = 12
_STREET_CANDIDATES = 500  # numbers of one street looked at to find the nearest


class GeocoderUnavailable(RuntimeError):
    """The external geocoder did not answer usefully."""


@dataclass(frozen=True)
class Address:
    label: str
    lat: float
    lon: float
    score: float
    housenumber: str
    street: str
    postcode: str
    city: str
    ban_id: str = ""  # the house number's BAN id (a building entrance) when found as typed

    def feature(self) -> dict[str, Any]:
        properties = asdict(self)
        del properties["lat"], properties["lon"], properties["ban_id"]
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": properties,
        }


# -- BAN import ----------------------------------------------------------------------------


def read_ban(path: str | Path) -> Iterator[dict[str, Any]]:
    """Rows of a BAN CSV (``.gz`` or plain) as the ``addresses`` table takes them.
    Raises ValueError naming missing columns or the first bad line."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as source:
        yield from _rows(csv.DictReader(source, delimiter=";"), path)


def _rows(reader: "csv.DictReader[str]", path: str | Path) -> Iterator[dict[str, Any]]:
    missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}: not a BAN file, missing columns {', '.join(missing)}")
    for line, row in enumerate(reader, start=2):
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except (TypeError, ValueError):
            raise ValueError(f"{path}:{line}: lat/lon are not numbers") from None
        if not (
            math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
        ):
            raise ValueError(f"{path}:{line}: lat/lon out of range")
        number = " ".join(part for part in (row["numero"], row["rep"]) if part)
        yield {
            "ban_id": row["id"],
            "numero": row["numero"],
            "rep": row["rep"],
            "nom_voie": row["nom_voie"],
            "code_postal": row["code_postal"],
            "nom_commune": row["nom_commune"],
            "label": " ".join(
                part
                for part in (number, row["nom_voie"], row["code_postal"], row["nom_commune"])
                if part
            ),
            "lat": lat,
            "lon": lon,
        }


def import_ban(store: Store, city_id: int, path: str | Path) -> int:
    """Load (or refresh, by BAN id) a city's addresses; returns how many rows."""
    return store.insert_addresses(city_id, read_ban(path))


# -- search --------------------------------------------------------------------------------


def fts_query(text: str, numbers: bool = True) -> str | None:
    """An FTS5 expression: every word required, the last one as a prefix (typing);
    without house numbers when ``numbers`` is false."""
    words = _WORD.findall(text.lower())[:_MAX_WORDS]
    if not numbers:
        words = [word for word in words if not word.isdigit()]
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    terms[-1] += "*"
    return " ".join(terms)


def search_embedded(store: Store, city_id: int, text: str, limit: int) -> list[Address]:
    """Best matches first. A house number the file lacks falls back to the street, its
    nearest numbers first (12 on a street numbered 10, 14, ... gives 10 or 14)."""
    query = fts_query(text)
    rows = store.search_addresses(city_id, query, limit) if query else []
    numbers = [
        int(word)
        for word in _WORD.findall(text)
        if word.isdecimal() and word.isascii() and len(word) < 7
    ]
    street_only = fts_query(text, numbers=False)
    exact = len(rows)  # the fallback's numbers are not the one typed: no building
    if not rows and numbers and street_only:
        wanted = numbers[0]
        candidates = store.search_addresses(city_id, street_only, _STREET_CANDIDATES)
        if candidates:
            street = (candidates[0]["nom_voie"], candidates[0]["code_postal"])
            on_street = [(row["nom_voie"], row["code_postal"]) == street for row in candidates]
            same = [row for row, on in zip(candidates, on_street, strict=True) if on]
            others = [row for row, on in zip(candidates, on_street, strict=True) if not on]
            same.sort(key=lambda row: (_distance(row, wanted), len(row["label"])))
            rows = (same + others)[:limit]
    return [
        Address(
            label=row["label"],
            lat=row["lat"],
            lon=row["lon"],
            score=round(-row["rank"] / (1.0 - row["rank"]), 4),  # bm25 < 0, better lower
            housenumber=row["numero"],
            street=row["nom_voie"],
            postcode=row["code_postal"],
            city=row["nom_commune"],
            ban_id=row["ban_id"] if row["numero"] and place < exact else "",
        )
        for place, row in enumerate(rows)
    ]


def street_key(ban_id: str) -> str:
    """The BAN street of an address id (``{insee}_{street}_{number}[_{suffix}]``)."""
    return "_".join(ban_id.split("_")[:2])


def _distance(row: Mapping[str, Any], number: int) -> int:
    digits = "".join(ch for ch in row["numero"] if ch.isdigit())
    return abs(int(digits) - number) if digits else number


def search_remote(base_url: str, text: str, limit: int, timeout_s: float) -> list[Address]:
    """Ask a GeocodeJSON ``/search`` endpoint. Raises GeocoderUnavailable."""
    url = f"{base_url.rstrip('/')}/search?{urllib.parse.urlencode({'q': text, 'limit': limit})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:  # noqa: S310 (config URL)
            document = json.loads(answer.read())
        return [_address_of(feature) for feature in document["features"]][:limit]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise GeocoderUnavailable(f"geocoder at {base_url} failed: {error}") from None


def _address_of(feature: Mapping[str, Any]) -> Address:
    lon, lat = (float(value) for value in feature["geometry"]["coordinates"][:2])
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("coordinates out of range")
    properties = feature.get("properties") or {}
    return Address(
        label=str(properties.get("label", "")),
        lat=lat,
        lon=lon,
        score=float(properties.get("score", 0.0)),
        housenumber=str(properties.get("housenumber", "")),
        street=str(properties.get("street", properties.get("name", ""))),
        postcode=str(properties.get("postcode", "")),
        city=str(properties.get("city", "")),
        ban_id=str(properties.get("id", "")) if properties.get("type") == "housenumber" else "",
    )
