"""The streets of the city's address file, as lines for a map without tiles."""

import csv

from tests.web.conftest import ADDRESSES
from web.services.streets import GAP_M


def file_streets() -> dict[str, int]:
    """Street name -> its numbered addresses in the demo file."""
    with open(ADDRESSES, encoding="utf-8") as source:
        rows = [row for row in csv.DictReader(source, delimiter=";") if row["numero"]]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["nom_voie"]] = counts.get(row["nom_voie"], 0) + 1
    return counts


def test_each_street_is_its_addresses_joined_in_number_order(client):
    answer = client.get("/api/v1/grenoble/streets")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    assert "public" in answer.headers["Cache-Control"]
    features = answer.json["features"]
    names = {f["properties"]["name"] for f in features}
    expected = file_streets()
    assert names <= set(expected) and len(names) >= len(expected) * 0.8  # single points: none
    assert "Rue Félix Poulat" in names
    for feature in features:
        assert feature["geometry"]["type"] == "MultiLineString"
        points = sum(len(line) for line in feature["geometry"]["coordinates"])
        assert 2 <= points <= expected[feature["properties"]["name"]]
        for line in feature["geometry"]["coordinates"]:
            assert len(line) >= 2
            for (lon1, lat1), (lon2, lat2) in zip(line, line[1:], strict=False):
                # no jump across town: consecutive points closer than the gap (in degrees)
                assert abs(lat2 - lat1) * 111_000 <= GAP_M and abs(lon2 - lon1) * 78_000 <= GAP_M


def test_an_unknown_city_has_no_streets(client):
    answer = client.get("/api/v1/nowhere/streets")
    assert answer.status_code == 404 and answer.json["code"] == "not_found"
