"""The agents' dashboard: counts by ISO week, category, kind, outcome and H3 cell of
public points, cells under 5 withheld; for the city's moderators, social workers and
admins only; as JSON and CSV."""

import csv
import io
import time

import h3
import pytest

from tests.web.conftest import CENTRE, Session, add_city, set_role, sign_up, sql
from web.services.weeks import iso_week

BOARD = "/api/v1/grenoble/dashboard"
FAR = (45.1700, 5.7000)
DAY_S = 86_400.0


@pytest.fixture
def agent(app, database) -> Session:
    session = sign_up(app, "agent@ville.example")
    set_role(database, "agent@ville.example", "social_worker")
    return session


def cells(board: dict) -> dict[str, dict]:
    return {f["id"]: f["properties"] for f in board["cells"]["features"]}


@pytest.mark.parametrize(
    "role, status",
    [
        ("resident", 403),
        ("association", 403),
        ("moderator", 200),
        ("social_worker", 200),
        ("admin", 200),
    ],  # fmt: skip
)
def test_who_reads_the_dashboard(app, database, role, status):
    session = sign_up(app, "someone@ville.example")
    set_role(database, "someone@ville.example", role)
    assert session.get(BOARD).status_code == status
    assert session.get(BOARD + ".csv").status_code == status


def test_anonymous_callers_and_other_cities(app, database, agent):
    assert app.test_client().get(BOARD).status_code == 401
    add_city(database, "lyon")
    assert agent.get("/api/v1/lyon/dashboard").status_code == 403


def test_posts_by_week_category_kind_and_cell_with_small_cells_withheld(agent, alice, database):
    for _ in range(5):
        alice.create_post(kind="offer", category="shopping")
    alice.create_post(kind="request", category="homework", lat=FAR[0], lon=FAR[1])
    old = alice.create_post(kind="request", category="shopping")["id"]
    sql(database, "UPDATE posts SET created_at = created_at - 8 * 86400 WHERE id = ?", (old,))
    board = agent.get(BOARD).json
    this_week, last_week = iso_week(time.time()), iso_week(time.time() - 8 * DAY_S)
    assert board["weeks"][-1] == this_week
    assert len(board["weeks"]) == 12
    assert {"week": this_week, "category": "shopping", "kind": "offer", "posts": 5} in board[
        "posts"
    ]
    assert {"week": last_week, "category": "shopping", "kind": "request", "posts": 1} in board[
        "posts"
    ]
    by_cell = cells(board)
    assert by_cell[h3.latlng_to_cell(*CENTRE, 8)] == {"count": 6, "label": "6"}
    assert by_cell[h3.latlng_to_cell(*FAR, 8)] == {"count": None, "label": "< 5"}
    recent = agent.get(BOARD, query_string={"weeks": 1}).json
    assert recent["weeks"] == [this_week]
    assert all(row["week"] == this_week for row in recent["posts"])


def test_hidden_posts_are_not_counted(agent, alice, database):
    post = alice.create_post()["id"]
    sql(database, "UPDATE posts SET status = 'hidden' WHERE id = ?", (post,))
    assert agent.get(BOARD).json["posts"] == []


def test_the_counts_depend_on_public_points_only(agent, alice, database):
    """Moving the exact points inside their public cells changes no byte of the answer."""
    for _ in range(6):
        alice.create_post(precision="street")
    alice.create_post(precision="neighbourhood", lat=FAR[0], lon=FAR[1])
    sql(database, "UPDATE accounts SET accepts_calls = 1, accepts_missions = 1")
    before = agent.get(BOARD).data
    sql(database, "UPDATE posts SET lat = lat + 0.00003, lon = lon - 0.00003")
    sql(
        database, "UPDATE accounts SET home_lat = home_lat + 0.00003, home_lon = home_lon - 0.00003"
    )
    assert agent.get(BOARD).data == before


def test_connections_outcomes_and_time_to_first_contact(agent, alice, bob, database):
    request = alice.create_post(kind="request")["id"]
    answer = bob.post(f"/api/v1/grenoble/posts/{request}/contact", {"message": "J'arrive"})
    assert answer.status_code == 201, answer.json
    sql(
        database,
        "UPDATE connections SET created_at ="
        " (SELECT created_at FROM posts WHERE id = ?) + 3 * 3600",
        (request,),
    )
    board = agent.get(BOARD).json
    this_week = iso_week(time.time())
    assert board["connections"] == [{"week": this_week, "outcome": "requested", "connections": 1}]
    assert board["first_contact_hours"] == {"median": 3.0, "by_week": {this_week: 3.0}}


def test_unanswered_requests_by_age(agent, alice, database):
    ages_h = [1, 30, 30, 100, 200]
    for hours in ages_h:
        post = alice.create_post(kind="request")["id"]
        sql(
            database,
            "UPDATE posts SET created_at = created_at - ? WHERE id = ?",
            (hours * 3600, post),
        )
    alice.create_post(kind="offer")
    assert agent.get(BOARD).json["unanswered_requests"] == {
        "under_24h": 1,
        "24_to_48h": 2,
        "2_to_7_days": 1,
        "over_7_days": 1,
    }


def test_volunteers_by_cell_under_five_withheld(app, agent, database):
    for number in range(5):
        sign_up(app, f"v{number}@example.org")
    sign_up(app, "loin@example.org", lat=FAR[0], lon=FAR[1])
    sql(
        database,
        "UPDATE accounts SET accepts_calls = 1 WHERE email LIKE 'v%' OR email LIKE 'loin%'",
    )
    sql(database, "UPDATE accounts SET accepts_missions = 1 WHERE email = 'v0@example.org'")
    volunteers = agent.get(BOARD).json["volunteers"]
    assert volunteers["calls"] == sorted(
        [
            {"cell": h3.latlng_to_cell(*CENTRE, 8), "count": 5},
            {"cell": h3.latlng_to_cell(*FAR, 8), "count": None},
        ],
        key=lambda row: row["cell"],
    )
    assert volunteers["missions"] == [{"cell": h3.latlng_to_cell(*CENTRE, 8), "count": None}]


def test_the_csv_holds_the_same_numbers(agent, alice):
    for _ in range(5):
        alice.create_post()
    alice.create_post(lat=FAR[0], lon=FAR[1])
    answer = agent.get(BOARD + ".csv")
    assert answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="grenoble-dashboard.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert list(rows[0]) == ["measure", "week", "category", "kind", "outcome", "cell", "count"]
    posts = [row for row in rows if row["measure"] == "posts"]
    assert [(row["category"], row["kind"], row["count"]) for row in posts] == [
        ("shopping", "offer", "6")
    ]
    by_cell = {row["cell"]: row["count"] for row in rows if row["measure"] == "posts_by_cell"}
    assert by_cell == {h3.latlng_to_cell(*CENTRE, 8): "5", h3.latlng_to_cell(*FAR, 8): "<5"}


@pytest.mark.parametrize("weeks", ["0", "105", "abc", "1.5"])
def test_the_number_of_weeks_is_checked(agent, weeks):
    answer = agent.get(BOARD, query_string={"weeks": weeks})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] == "weeks"
