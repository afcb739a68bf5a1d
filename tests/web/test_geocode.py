"""Geocoding: BAN import (plain and gzipped), accent-insensitive search, GeocodeJSON client."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from tests.web.conftest import ADDRESSES, add_city, make_app, new_database
from web.services import geocode
from web.store import Store

GEOCODE = "/api/v1/grenoble/geocode"


@pytest.fixture
def store(request, tmp_path):
    store = Store(new_database(request, tmp_path))
    store.migrate()
    store.create_city(
        "grenoble",
        "Grenoble",
        {"type": "Polygon", "coordinates": [[[5, 45], [6, 45], [6, 46], [5, 45]]]},
        [],
    )
    yield store
    store.close()


def test_import_reads_the_real_ban_header_plain_and_gzipped(store, tmp_path):
    lines = ADDRESSES.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;")
    packed = tmp_path / "adresses-38.csv.gz"
    packed.write_bytes(gzip.compress("\n".join(lines[:11]).encode()))
    assert geocode.import_ban(store, 1, packed) == 10
    assert store.address_count(1) == 10
    assert geocode.import_ban(store, 1, ADDRESSES) == len(lines) - 1
    assert store.address_count(1) == len(lines) - 1  # re-import replaces by BAN id


def test_import_refuses_a_file_that_is_not_ban(store, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("name,lat,lon\nx,1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        geocode.import_ban(store, 1, other)
    bad = tmp_path / "bad.csv"
    header = ADDRESSES.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(
        header + "\n" + "a;b;1;;Rue X;38000;38185;Grenoble;;;0;0;east;north" + ";" * 9,
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="bad.csv:2: lat/lon"):
        list(geocode.read_ban(bad))


@pytest.mark.parametrize(
    "query, expected_street",
    [
        ("rue felix poulat", "Rue Félix Poulat"),  # no accents typed
        ("RUE FÉLIX POULAT", "Rue Félix Poulat"),
        ("tres cloitres", "Rue Très-Cloîtres"),
        ("edouard rey", "Boulevard Édouard Rey"),
        ("cours berr", "Cours Berriat"),  # prefix while typing
        ("2 place grenette", "Place Grenette"),
        ("9999 cours jean jaures", "Cours Jean Jaurès"),  # unknown number: the street
        ("rue felix", "Rue Félix Poulat"),
    ],
)
def test_search_is_accent_insensitive_and_ranked(store, query, expected_street):
    geocode.import_ban(store, 1, ADDRESSES)
    found = geocode.search_embedded(store, 1, query, 5)
    assert found and found[0].street == expected_street
    assert all(0 < a.score < 1 for a in found)


def test_a_missing_house_number_falls_back_to_the_nearest_one_on_the_street(store):
    geocode.import_ban(store, 1, ADDRESSES)
    numbers = sorted(
        int(row["numero"])
        for row in geocode.read_ban(ADDRESSES)
        if row["nom_voie"] == "Cours Berriat"
    )
    missing = next(n for n in range(numbers[0], numbers[-1]) if n not in numbers)
    nearest = min(numbers, key=lambda n: abs(n - missing))
    found = geocode.search_embedded(store, 1, f"{missing} cours berriat", 3)
    assert found[0].street == "Cours Berriat"
    assert abs(int(found[0].housenumber) - missing) == abs(nearest - missing)


def test_search_of_nothing_finds_nothing(store):
    geocode.import_ban(store, 1, ADDRESSES)
    assert geocode.search_embedded(store, 1, "   ", 5) == []
    assert geocode.search_embedded(store, 1, '"*^:()', 5) == []  # FTS syntax is not syntax
    assert geocode.search_embedded(store, 1, "zzzz", 5) == []


@pytest.mark.parametrize("text", ["¹ place grenette", "٣ place grenette", "12³"])
def test_digits_that_are_not_decimal_numbers_are_words(store, text):
    # "¹".isdigit() is true but int("¹") fails: such text must not break the search.
    geocode.import_ban(store, 1, ADDRESSES)
    assert isinstance(geocode.search_embedded(store, 1, text, 3), list)


def test_geocode_endpoint(client):
    response = client.get(GEOCODE, query_string={"q": "2 place grenette", "limit": "3"})
    assert response.status_code == 200
    assert response.content_type == "application/geo+json"
    first = response.json["features"][0]
    assert first["properties"]["label"] == "2 Place Grenette 38000 Grenoble"
    assert first["geometry"]["type"] == "Point"
    assert client.get(GEOCODE, query_string={"q": ""}).json["errors"][0]["param"] == "q"
    assert client.get(GEOCODE, query_string={"q": "x", "limit": "21"}).status_code == 422


class _StubGeocoder(BaseHTTPRequestHandler):
    """A GeocodeJSON /search endpoint answering one address for any query."""

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path != "/search" or query.get("q") == ["broken"]:
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [5.7282, 45.1912]},
                        "properties": {
                            "label": f"stub: {query['q'][0]}",
                            "score": 0.9,
                            "housenumber": "2",
                            "street": "Place Grenette",
                            "postcode": "38000",
                            "city": "Grenoble",
                        },
                    }
                ]
                * int(query["limit"][0]),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubGeocoder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_geocodejson_client_against_a_local_server(stub_url):
    found = geocode.search_remote(stub_url, "place grenette", 2, timeout_s=5)
    assert [a.label for a in found] == ["stub: place grenette"] * 2
    assert (found[0].lat, found[0].lon) == (45.1912, 5.7282)
    with pytest.raises(geocode.GeocoderUnavailable):
        geocode.search_remote(stub_url, "broken", 1, timeout_s=5)


def test_the_api_uses_the_configured_geocoder(request, tmp_path, stub_url):
    database = new_database(request, tmp_path)
    add_city(database)
    app = make_app(database, GEOCODER_URL=stub_url)
    client = app.test_client()
    response = client.get(GEOCODE, query_string={"q": "anything"})
    assert response.json["features"][0]["properties"]["label"] == "stub: anything"
    match = client.get("/api/v1/grenoble/match", query_string={"address": "anything"})
    assert match.json["query"]["lat"] == 45.1912
    assert client.get(GEOCODE, query_string={"q": "broken"}).status_code == 502
    down = make_app(database, GEOCODER_URL="http://127.0.0.1:9")  # nothing listens there
    assert down.test_client().get(GEOCODE, query_string={"q": "x"}).status_code == 502
