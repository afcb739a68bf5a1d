"""/match against a brute-force oracle over SQLite: the public points of published,
unexpired posts, WGS84 geodesic distance, newest first, every page of a keyset walk."""

import itertools
import time

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from pyproj import Geod

from matcher import public_point
from tests.web.conftest import BOUNDARY, CATEGORIES
from web.store import Store

GEOD = Geod(ellps="WGS84")
REMOTE = {c["slug"] for c in CATEGORIES if c["remote"]}
SLUGS = ["shopping", "pet-walking", "conversation", "it-admin"]
_cities = itertools.count()

posts = st.lists(
    st.fixed_dictionaries(
        {
            "lat": st.floats(45.180, 45.196),
            "lon": st.floats(5.715, 5.735),
            "precision": st.sampled_from(["building", "street", "neighbourhood"]),
            "category": st.sampled_from(SLUGS),
            "kind": st.sampled_from(["offer", "request"]),
            "minute": st.integers(0, 20),  # few distinct times: many ties
            "status": st.sampled_from(["published"] * 4 + ["closed", "pending"]),
            "expired": st.booleans(),
        }
    ),
    max_size=25,
)
queries = st.fixed_dictionaries(
    {
        "lat": st.floats(45.180, 45.196),
        "lon": st.floats(5.715, 5.735),
        "scale": st.sampled_from([None, "building", "street", "neighbourhood"]),
        "radius": st.sampled_from([None, 50, 400, 1500]),
        "category": st.lists(st.sampled_from(SLUGS), max_size=2, unique=True),
        "kind": st.sampled_from([None, "offer", "request"]),
        "limit": st.integers(1, 4),
    }
)


def _oracle(rows, query, now):
    scales = {"building": 30, "street": 250, "neighbourhood": 1000}
    radius_m = scales[query["scale"]] if query["scale"] else query["radius"] or 250
    wanted = set(query["category"]) or set(SLUGS) | {c["slug"] for c in CATEGORIES}
    found = []
    for row in rows:
        if row["status"] != "published" or row["expires_at"] <= now:
            continue
        if row["category"] not in wanted or (query["kind"] and row["kind"] != query["kind"]):
            continue
        if query["scale"] == "building" and row["precision"] != "building":
            continue
        _, _, distance_m = GEOD.inv(
            query["lon"], query["lat"], row["public_lon"], row["public_lat"]
        )
        citywide = row["category"] in REMOTE and row["category"] in query["category"]
        if citywide or distance_m <= radius_m:
            found.append(row)
    found.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return [row["id"] for row in found]


@given(data=st.data())
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_page_of_match_agrees_with_the_oracle(oracle_app, data):
    app, database = oracle_app
    slug = f"city{next(_cities)}"
    store = Store(database)
    now = time.time()
    city_id = store.create_city(slug, slug, BOUNDARY, CATEGORIES)
    account_id = store.create_account(city_id, email=f"{slug}@example.org", display_name=slug)
    rows = []
    for spec in data.draw(posts, label="posts"):
        public_lat, public_lon = public_point(spec["lat"], spec["lon"], spec["precision"])
        fields = {
            "account_id": account_id,
            "kind": spec["kind"],
            "category": spec["category"],
            "title": "t",
            "lat": spec["lat"],
            "lon": spec["lon"],
            "precision": spec["precision"],
            "public_lat": public_lat,
            "public_lon": public_lon,
            "status": spec["status"],
            "created_at": now - 3600 + 60 * spec["minute"],
            "expires_at": now - 1 if spec["expired"] else now + 3600,
        }
        rows.append({"id": store.create_post(city_id, **fields), **fields})
    store.close()
    client = app.test_client()
    for query in data.draw(st.lists(queries, min_size=1, max_size=3), label="queries"):
        args = [("lat", query["lat"]), ("lon", query["lon"]), ("limit", query["limit"])]
        args += [("category", c) for c in query["category"]]
        if query["scale"]:
            args.append(("scale", query["scale"]))
        elif query["radius"]:
            args.append(("radius", query["radius"]))
        if query["kind"]:
            args.append(("kind", query["kind"]))
        seen, cursor = [], None
        for _page in range(100):
            response = client.get(
                f"/api/v1/{slug}/match",
                query_string=args + ([("cursor", cursor)] if cursor else []),
            )
            assert response.status_code == 200, response.json
            page = response.json["features"]
            assert len(page) <= query["limit"]
            seen += [f["id"] for f in page]
            cursor = response.json["next_cursor"]
            if cursor is None:
                break
        assert seen == _oracle(rows, query, time.time())
