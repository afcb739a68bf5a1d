"""No withheld open-data count can be recovered by subtraction from the other public
numbers: the other rows, the GeoJSON, /stats, the connections file, and the connection
totals a city quotes (/stats/connections: total, by week, by category, by outcome).

The attacker is as strong as we can make it: it knows which withheld rows exist (not their
counts), and every post is live, so that /stats counts exactly what the open data counts.
Each public total minus the published rows it covers is then a sum of withheld rows; the
test solves every such equation together (linear algebra) and fails if one withheld row is
determined, or if some of them are known to sum to 1..4. It first checks that the same
attack does find rows when only rows under 5 are withheld."""

import csv
import io
import random
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime

import h3
import numpy as np
import pytest

from tests.web.conftest import make_moderator
from web.store import Store

DAY_S = 86400.0
K = 5
# Points more than a resolution-7 cell apart, inside the demo boundary.
POINTS = [(45.1885, 5.7245), (45.1650, 5.7000), (45.2000, 5.7600), (45.1700, 5.7550)]
CATEGORIES = ["shopping", "transport", "childcare"]
KINDS = ["offer", "request"]
OUTCOMES = ["requested", "declined", "accepted", "done", "not_done"]
STATUS = {  # outcome -> (connection status, recorded outcome)
    "requested": ("requested", None),
    "declined": ("declined", None),
    "accepted": ("accepted", None),
    "done": ("done", "done"),
    "not_done": ("accepted", "not_done"),
}
SMALL_BIASED = [0, 0, 1, 2, 3, 4, 5, 6, 8]


def week_of(timestamp: float) -> str:
    year, week, _ = datetime.fromtimestamp(timestamp, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def make_city(database, account_id: int, seed: int) -> tuple[Counter, Counter]:
    """Random live posts and connections over three weeks, and in food-aid a small row
    beside a large one (what naive withholding gives away); their true counts, keyed as
    the files key their rows."""
    rng = random.Random(seed)
    now = time.time()
    times = [now - week * 7 * DAY_S - 60 for week in range(3)]
    post_plan = {
        (created_at, point, category, kind): rng.choice(SMALL_BIASED)
        for created_at in times
        for point in POINTS
        for category in CATEGORIES
        for kind in KINDS
    }
    post_plan[(times[0], POINTS[0], "food-aid", "offer")] = 7
    post_plan[(times[0], POINTS[1], "food-aid", "offer")] = 3
    connection_plan = {
        (created_at, category, outcome): rng.choice(SMALL_BIASED)
        for created_at in times
        for category in CATEGORIES
        for outcome in OUTCOMES
    }
    connection_plan[(times[0], "food-aid", "done")] = 6
    connection_plan[(times[0], "food-aid", "requested")] = 2

    posts: Counter = Counter()
    rows = []
    for (created_at, (lat, lon), category, kind), n in post_plan.items():
        posts[(week_of(created_at), h3.latlng_to_cell(lat, lon, 7), category, kind)] += n
        post = {
            "account_id": account_id,
            "kind": kind,
            "category": category,
            "title": "Aide",
            "lat": lat,
            "lon": lon,
            "precision": "building",
            "public_lat": lat,
            "public_lon": lon,
            "status": "published",
            "created_at": created_at,
            "updated_at": created_at,
            "expires_at": now + 30 * DAY_S,  # all live: /stats counts them all
        }
        rows += [post] * n
    store = Store(database)
    try:
        store.create_posts(1, rows)
    finally:
        store.close()

    connections: Counter = Counter()
    db = Store(database)
    try:
        with db.write():
            post_of = dict(db.execute("SELECT category, MIN(id) FROM posts GROUP BY category"))
            for (created_at, category, outcome), n in connection_plan.items():
                connections[(week_of(created_at), category, outcome)] += n
                status, recorded = STATUS[outcome]
                for _ in range(n):
                    connection_id = db.insert(
                        "INSERT INTO connections (post_id, requester_id, message, status,"
                        " created_at, updated_at) VALUES (?, ?, 'Bonjour', ?, ?, ?) RETURNING id",
                        (post_of[category], account_id, status, created_at, created_at),
                    )
                    db.execute(
                        "UPDATE connection_stats SET outcome = ? WHERE connection_id = ?",
                        (recorded, connection_id),
                    )
    finally:
        db.close()
    return +posts, +connections


def csv_rows(response, count: str) -> dict[tuple, int]:
    assert response.status_code == 200
    table = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    return {tuple(v for k, v in row.items() if k != count): int(row[count]) for row in table}


def leaks(truth: Counter, published: dict, totals: list[tuple[list[int], dict]]) -> list:
    """What subtraction gives away: withheld rows the equations determine, and sums of
    withheld rows under K. ``totals`` are ``(key positions, {group: public total})``."""
    withheld = sorted(key for key in truth if key not in published)
    assert all(truth[key] == published.get(key, truth[key]) for key in truth)
    column = {key: i for i, key in enumerate(withheld)}
    equations, found = [], []
    for fields, values in totals:
        for group, total in values.items():
            keys = [key for key in truth if tuple(key[i] for i in fields) == group]
            residual = total - sum(published.get(key, 0) for key in keys)
            assert residual == sum(truth[key] for key in keys if key in column)
            if 0 < residual < K:
                found.append(("sum under K", fields, group, residual))
            row = np.zeros(len(withheld))
            for key in keys:
                if key in column:
                    row[column[key]] = 1
            equations.append(row)
    if not withheld or not equations:
        return found
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    for key, i in column.items():
        unit = np.zeros(len(withheld))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.append(("row determined", key, truth[key]))
    return found


def marginal(counts: dict, fields: list[int]) -> dict[tuple, int]:
    totals: defaultdict[tuple, int] = defaultdict(int)
    for key, n in counts.items():
        totals[tuple(key[i] for i in fields)] += n
    return dict(totals)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_withheld_count_is_recovered_by_subtraction(app, alice, database, client, seed):
    make_moderator(database, "alice@example.org")
    posts, connections = make_city(database, alice.account["id"], seed)
    base = "/api/v1/grenoble/open-data/"

    published_posts = csv_rows(client.get(base + "posts_by_cell.csv"), "posts")
    features = client.get(base + "posts_by_cell.geojson").json["features"]
    from_geojson = {
        (f["properties"]["week"], f["properties"]["h3_cell"], f["properties"]["category"])
        + (f["properties"]["kind"],): f["properties"]["posts"]
        for f in features
    }
    assert from_geojson == published_posts  # the GeoJSON adds no number
    published_connections = csv_rows(client.get(base + "connections_by_week.csv"), "connections")

    stats = client.get("/api/v1/grenoble/stats").json["posts"]
    stats_totals = {(s["category"], s["kind"]): s["posts"] for s in stats}
    assert all(stats_totals[group] == n for group, n in marginal(posts, [2, 3]).items() if n >= K)
    quoted = alice.get("/api/v1/grenoble/stats/connections").json
    connection_totals = [
        ([], {(): quoted["total"]}),
        ([0], {(week,): n for week, n in quoted["by_week"].items()}),
        ([1], {(category,): n for category, n in quoted["by_category"].items()}),
        ([2], {(outcome,): n for outcome, n in quoted["by_outcome"].items()}),
    ]

    # The attack works: with rows under K withheld and nothing more, it finds some.
    naive_posts = {key: n for key, n in posts.items() if n >= K}
    naive_connections = {key: n for key, n in connections.items() if n >= K}
    assert leaks(posts, naive_posts, [([2, 3], stats_totals)])
    assert leaks(connections, naive_connections, connection_totals)

    assert all(n >= K for n in published_posts.values())
    assert all(n >= K for n in published_connections.values())
    assert published_posts and published_connections  # something is still published
    assert leaks(posts, published_posts, [([2, 3], stats_totals)]) == []
    assert leaks(connections, published_connections, connection_totals) == []
