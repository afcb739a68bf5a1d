"""Attacks on homes, as an attacker would run them: no channel (missions, the call list,
alerts) locates a volunteer's or a resident's home more precisely than its public point.

The victim lives at least 35 m from the centre of its H3 cell (resolution 10, the
street precision), with the account's precision at ``building``: an attacker who learns
the public point exactly still misses the home by that much."""

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import h3
import pytest
from pyproj import Geod

from tests.web.conftest import CENTRE, PASSWORD, Session, set_role, sign_up

GEOD = Geod(ellps="WGS84")
MISSIONS = "/api/v1/grenoble/missions"
PEOPLE = "/api/v1/grenoble/calls/people"
STREET_RESOLUTION = 10
MIN_OFFSET_M = 35.0
MUST_MISS_BY_M = 25.0


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2])


def moved(point: tuple[float, float], bearing: float, metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(point[1], point[0], bearing, metres)
    return float(lat), float(lon)


def off_centre_home(near: tuple[float, float] = CENTRE) -> tuple[float, float]:
    """A point of the cell holding ``near``, at least 35 m from the cell's centre."""
    cell = h3.latlng_to_cell(*near, STREET_RESOLUTION)
    centre = h3.cell_to_latlng(cell)
    for bearing in range(0, 360, 15):
        for metres in (50, 45, 40, 36):
            point = moved(centre, bearing, metres)
            if h3.latlng_to_cell(*point, STREET_RESOLUTION) == cell:
                return point
    raise AssertionError("no point of the cell lies 35 m from its centre")


def same_cell_elsewhere(home: tuple[float, float]) -> tuple[float, float]:
    """Another point of ``home``'s cell, at least 35 m from ``home``."""
    cell = h3.latlng_to_cell(*home, STREET_RESOLUTION)
    for bearing in range(0, 360, 15):
        point = moved(home, bearing, 40)
        if h3.latlng_to_cell(*point, STREET_RESOLUTION) == cell:
            return point
    raise AssertionError("no other point of the cell 40 m away")


def binary_search_edge(inside, low_m: float, high_m: float, tolerance_m: float = 0.1):
    """The smallest radius for which ``inside(radius)`` holds (it is monotone), or None
    when it holds for neither or both ends (the attacker learns nothing)."""
    if inside(low_m) or not inside(high_m):
        return None
    while high_m - low_m > tolerance_m:
        middle = (low_m + high_m) / 2
        if inside(middle):
            high_m = middle
        else:
            low_m = middle
    return (low_m + high_m) / 2


def trilaterate(circles: list[tuple[tuple[float, float], float]]) -> tuple[float, float]:
    """The point at the given distances from three centres (least squares on a local
    plane: a few hundred metres, so the plane's error is far below a metre)."""
    (lat0, lon0), _ = circles[0]
    metres_per_deg_lat = distance_m((lat0 - 0.005, lon0), (lat0 + 0.005, lon0)) / 0.01
    metres_per_deg_lon = distance_m((lat0, lon0 - 0.005), (lat0, lon0 + 0.005)) / 0.01
    xy = [
        ((lon - lon0) * metres_per_deg_lon, (lat - lat0) * metres_per_deg_lat, r)
        for (lat, lon), r in circles
    ]
    (x1, y1, r1) = xy[0]
    rows, rhs = [], []
    for x, y, r in xy[1:]:
        rows.append((2 * (x - x1), 2 * (y - y1)))
        rhs.append(r1**2 - r**2 + x**2 - x1**2 + y**2 - y1**2)
    (a, b), (c, d) = rows
    det = a * d - b * c
    x = (rhs[0] * d - b * rhs[1]) / det
    y = (a * rhs[1] - rhs[0] * c) / det
    return lat0 + y / metres_per_deg_lat, lon0 + x / metres_per_deg_lon


def attack_centres(home: tuple[float, float]) -> list[tuple[float, float]]:
    """Three probe centres around the home (the attacker has a rough idea where it is)."""
    return [
        moved(home, bearing, distance) for bearing, distance in ((10, 500), (130, 450), (250, 550))
    ]


def log_in(app, email: str) -> Session:
    client = app.test_client()
    answer = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return Session(client, answer.json["csrf_token"], answer.json["account"])


# -- missions ------------------------------------------------------------------------------


def approved_association(app, runner, email: str = "asso@example.org") -> Session:
    """An association the city made (the CLI's accounts count as approved)."""
    result = runner.invoke(
        args=[
            "user",
            "create",
            email,
            "--city",
            "grenoble",
            "--role",
            "association",
            "--poster-type",
            "association",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return log_in(app, email)


def mission(centre: tuple[float, float], radius_m: float) -> dict:
    return {
        "title": "Distribution",
        "starts_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        "lat": centre[0],
        "lon": centre[1],
        "radius_m": radius_m,
        "volunteers_needed": 1,
    }


def mission_volunteer(app, email: str, point: tuple[float, float], accepts: bool = True):
    session = sign_up(app, email, lat=point[0], lon=point[1], precision="building")
    assert session.patch("/api/v1/me", {"accepts_missions": accepts}).status_code == 200
    return session


def test_an_approved_association_cannot_locate_a_volunteer_by_mission_radii(app, runner):
    """Binary search of the radius from three centres, then trilateration; seven sybil
    volunteers at each centre (the attacker's own accounts) lift the count past the
    rounding, so each answer says whether the victim is inside."""
    association = approved_association(app, runner)
    home = off_centre_home()
    mission_volunteer(app, "victim@example.org", home)
    centres = attack_centres(home)
    sybils = [
        [mission_volunteer(app, f"sybil{k}.{i}@example.org", centre, False) for i in range(7)]
        for k, centre in enumerate(centres)
    ]
    circles = []
    for centre, own in zip(centres, sybils, strict=True):
        for sybil in own:
            assert sybil.patch("/api/v1/me", {"accepts_missions": True}).status_code == 200

        def inside(radius_m: float, centre=centre) -> bool:
            answer = association.post(MISSIONS, mission(centre, radius_m))
            assert answer.status_code == 201, answer.json
            baseline = association.post(MISSIONS, mission(centre, 100))
            return answer.json["notified"] != baseline.json["notified"]

        edge_m = binary_search_edge(inside, 100, 1000)
        for sybil in own:
            assert sybil.patch("/api/v1/me", {"accepts_missions": False}).status_code == 200
        if edge_m is None:
            return  # the attacker learns nothing
        circles.append((centre, edge_m))
    guess = trilaterate(circles)
    assert distance_m(guess, home) >= MUST_MISS_BY_M, f"located to {distance_m(guess, home):.1f} m"


def test_an_association_sees_counts_rounded_to_five(app, runner):
    association = approved_association(app, runner)
    for i in range(3):
        mission_volunteer(app, f"v{i}@example.org", CENTRE)
    answer = association.post(MISSIONS, mission(CENTRE, 500))
    assert answer.json["notified"] == 0  # fewer than 5
    for i in range(3, 8):
        mission_volunteer(app, f"v{i}@example.org", CENTRE)
    assert association.post(MISSIONS, mission(CENTRE, 500)).json["notified"] == 10  # 8
    listed = association.get(MISSIONS).json["posted"]
    assert sorted(m["notified"] for m in listed) == [0, 10]


def test_which_missions_reach_a_volunteer_does_not_depend_on_the_home_inside_its_cell(app, runner):
    association = approved_association(app, runner)
    home = off_centre_home()
    one = mission_volunteer(app, "one@example.org", home)
    other = mission_volunteer(app, "other@example.org", same_cell_elsewhere(home))
    for bearing in range(0, 360, 30):
        for radius_m in (200, 210, 220, 230, 240):
            association.post(MISSIONS, mission(moved(home, bearing, 220), radius_m))
    reached = [[m["id"] for m in s.get(MISSIONS).json["missions"]] for s in (one, other)]
    assert reached[0] == reached[1]
    assert reached[0]  # some missions reach them


# -- the call list -------------------------------------------------------------------------


@pytest.fixture
def worker(app, database):
    session = sign_up(app, "worker@ville.example")
    set_role(database, "worker@ville.example", "social_worker")
    return session


def call_volunteer(app, email: str, point: tuple[float, float]) -> Session:
    session = sign_up(app, email, lat=point[0], lon=point[1], precision="building")
    assert session.patch("/api/v1/me", {"accepts_calls": True}).status_code == 200
    return session


def person_at(worker, point: tuple[float, float]) -> int:
    body = {
        "name": "Mme X",
        "phone": "04 76 00 00 01",
        "lat": point[0],
        "lon": point[1],
        "consent_on": "2026-11-02",
    }
    answer = worker.post(PEOPLE, body)
    assert answer.status_code == 201, answer.json
    return int(answer.json["id"])


def test_the_radius_filter_of_the_call_list_does_not_locate_a_volunteer(app, worker):
    home = off_centre_home()
    call_volunteer(app, "victim@example.org", home)
    circles = []
    for centre in attack_centres(home):
        person = person_at(worker, centre)

        def inside(radius_m: float, person=person) -> bool:
            answer = worker.get(f"{PEOPLE}/{person}/volunteers", query_string={"radius": radius_m})
            assert answer.status_code == 200, answer.json
            return bool(answer.json["volunteers"])

        edge_m = binary_search_edge(inside, 1, 2000)
        if edge_m is None:
            return
        circles.append((centre, edge_m))
    guess = trilaterate(circles)
    assert distance_m(guess, home) >= MUST_MISS_BY_M, f"located to {distance_m(guess, home):.1f} m"


def test_the_distances_of_the_call_list_do_not_locate_a_volunteer(app, worker):
    home = off_centre_home()
    call_volunteer(app, "victim@example.org", home)
    circles = []
    for centre in attack_centres(home):
        answer = worker.get(f"{PEOPLE}/{person_at(worker, centre)}/volunteers")
        [found] = answer.json["volunteers"]
        assert found["distance_m"] % 100 == 0
        circles.append((centre, found["distance_m"]))
    guess = trilaterate(circles)
    assert distance_m(guess, home) >= MUST_MISS_BY_M, f"located to {distance_m(guess, home):.1f} m"


def test_the_order_of_the_call_list_does_not_depend_on_homes_inside_a_cell(app, worker):
    """Two volunteers of one cell: the nearer exact home does not come first."""
    home = off_centre_home()
    elsewhere = same_cell_elsewhere(home)
    person = person_at(
        worker, moved(home, GEOD.inv(home[1], home[0], elsewhere[1], elsewhere[0])[0], 300)
    )
    farther = call_volunteer(app, "farther@example.org", home)  # signed up first: lower id
    nearer = call_volunteer(app, "nearer@example.org", elsewhere)
    found = worker.get(f"{PEOPLE}/{person}/volunteers").json["volunteers"]
    assert [v["id"] for v in found] == [farther.account["id"], nearer.account["id"]]
    assert found[0]["distance_m"] == found[1]["distance_m"]


# -- alerts --------------------------------------------------------------------------------


def test_which_posts_alert_a_resident_does_not_depend_on_the_home_inside_its_cell(app):
    """A poster placing building-precision requests around a resident, watching who reacts,
    learns the alert circle: it is centred on the public point, not on the home."""
    home = off_centre_home()
    subscribers = []
    for email, point in (("one@example.org", home), ("two@example.org", same_cell_elsewhere(home))):
        session = sign_up(app, email, lat=point[0], lon=point[1], precision="building")
        assert (
            session.post(
                "/api/v1/grenoble/alerts", {"kind": "request", "radius_m": 300}
            ).status_code
            == 201
        )
        subscribers.append(session)
    poster = sign_up(app, "poster@example.org")
    for bearing in range(0, 360, 30):
        for metres in (270, 290, 310, 330):
            lat, lon = moved(home, bearing, metres)
            poster.create_post(
                kind="request", lat=lat, lon=lon, precision="building", title=f"{bearing} {metres}"
            )
    alerted = [
        sorted(n["link"] for n in s.get("/api/v1/me/notifications").json["notifications"])
        for s in subscribers
    ]
    assert alerted[0] == alerted[1]
    assert alerted[0]  # some posts alert them


def test_public_home_points_stay_inside_the_cell():
    """Guard of the fixtures above: the victim is at least 35 m from its cell's centre."""
    home = off_centre_home()
    centre = h3.cell_to_latlng(h3.latlng_to_cell(*home, STREET_RESOLUTION))
    assert distance_m(home, centre) >= MIN_OFFSET_M
    assert math.isclose(distance_m(home, same_cell_elsewhere(home)), 40, abs_tol=0.01)


def test_only_web_homes_reads_exact_home_points():
    """The rule in one place: any other module reading ``home_lat`` or ``home_lon`` could
    answer from an exact home (the store selects them; only ``web.homes`` reads them)."""
    web = Path(__file__).resolve().parents[2] / "web"
    reading = re.compile(r"""\[\s*["']home_l(at|on)["']\s*\]|get\(\s*["']home_l(at|on)""")
    readers = sorted(
        str(path.relative_to(web))
        for path in web.rglob("*.py")
        if path.name != "homes.py"
        and web / "store" not in path.parents
        and reading.search(path.read_text())
    )
    assert readers == []
