"""The floor of the load runs: a minimal Flask app answering ``GET /match`` with a fixed
FeatureCollection of 20 features of the same shape and size as the real ``/match``'s
(about 12 kB), serialised once. Served by granian with one worker
(``granian --interface wsgi --workers 1 benchmarks.floor:app``), it measures what the
Python web stack can do at all on this machine, whatever server the project picks, so
``/match`` throughput is reported as a share of it (issue 19)."""

import json
import time

from flask import Flask, Response

FEATURES = 20


def feature(number: int) -> dict[str, object]:
    """One feature as ``/match`` writes it (demo-city values)."""
    created = time.gmtime(1_764_000_000 + 3600 * number)
    return {
        "type": "Feature",
        "id": 20_001 + number,
        "geometry": {"type": "Point", "coordinates": [5.723872794472243 + number * 1e-4,
                                                      45.18918948772666 - number * 1e-4]},
        "properties": {
            "kind": "offer" if number % 3 else "request",
            "category": "shopping",
            "title": "Courses pour les voisins \u00e2g\u00e9s",
            "body": "Je vais au march\u00e9 de l'Estacade chaque semaine. Dites-moi ce qu'il "
            "vous faut, je d\u00e9pose devant la porte.",
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", created),
            "expires_at": "2027-01-31T16:31:33Z",
            "precision": "street",
            "poster_type": "individual",
            "poster_verified": False,
            "poster_name": "Dominique (d\u00e9mo)",
            "status": "published",
            "remote": False,
            "relayed": False,
            "distance_m": 320 + 10 * number,
        },
    }  # fmt: skip


COLLECTION = {
    "type": "FeatureCollection",
    "query": {"lat": 45.19, "lon": 5.72, "radius_m": 1000.0, "category": [], "kind": None,
              "limit": FEATURES, "citywide_categories": []},
    "features": [feature(number) for number in range(FEATURES)],
    "next_cursor": "WzE3OTYxNDk2ODAuMCwxOTc5MCwiZGU2ZWZhZTczZGEzYmUwZiJd.R_ALSHjhj0jM-3jJyJTm",
}  # fmt: skip
BODY = json.dumps(COLLECTION).encode()

app = Flask(__name__)


@app.get("/api/v1/<city>/match")
def match(city: str) -> Response:
    return Response(BODY, content_type="application/geo+json")
