"""Where people live is not public: answers depend on public points only."""

import json
import time

import h3
import pytest

from tests.web.conftest import CENTRE, add_city, make_app, set_role, sign_up

EXACT = (45.18873, 5.72461)


def _point_elsewhere_in_its_cell(lat, lon, resolution):
    """A different point of the same H3 cell (a few metres towards the cell's centre)."""
    cell = h3.latlng_to_cell(lat, lon, resolution)
    centre_lat, centre_lon = h3.cell_to_latlng(cell)
    moved = (lat + (centre_lat - lat) * 0.5, lon + (centre_lon - lon) * 0.5)
    assert h3.latlng_to_cell(*moved, resolution) == cell and moved != (lat, lon)
    return moved


def _answers(tmp_path, name, home, precision):
    """Every public answer about one post from a home, and what the city's agents see of it
    (escalations, counts), on a fresh database."""
    database = tmp_path / f"{name}.sqlite"
    app = make_app(database, ESCALATION_AFTER_HOURS=0)
    add_city(database)
    resident = sign_up(app, "resident@example.org", lat=home[0], lon=home[1], precision=precision)
    post = resident.post(
        "/api/v1/grenoble/posts", {"kind": "request", "category": "shopping", "title": "Courses"}
    ).json
    client = app.test_client()
    answers = []
    for lat, lon in [CENTRE, (45.19, 5.73), (45.1889, 5.7249)]:
        for radius in ("30", "100", "250", "1000"):
            response = client.get(
                "/api/v1/grenoble/match", query_string={"lat": lat, "lon": lon, "radius": radius}
            )
            answers.append(response.data)
    box = "5.70,45.17,5.75,45.20"
    answers.append(client.get("/api/v1/grenoble/posts", query_string={"bbox": box}).data)
    answers.append(client.get(f"/api/v1/grenoble/posts/{post['id']}").data)
    agent = sign_up(app, "agent@ville.example")
    set_role(database, "agent@ville.example", "social_worker")
    escalated = agent.get("/api/v1/grenoble/escalations")
    assert [r["id"] for r in escalated.json["requests"]] == [post["id"]]
    answers += [escalated.data, client.get("/api/v1/grenoble/stats").data]
    return answers, post


@pytest.mark.parametrize("precision, resolution", [("street", 10), ("neighbourhood", 8)])
def test_moving_a_home_inside_its_cell_changes_no_byte_of_any_answer(
    tmp_path, monkeypatch, precision, resolution
):
    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.0)  # same timestamps in both runs
    moved = _point_elsewhere_in_its_cell(*EXACT, resolution)
    first, _ = _answers(tmp_path, "a", EXACT, precision)
    second, _ = _answers(tmp_path, "b", moved, precision)
    assert first == second
    found = [json.loads(a)["features"] for a in first[:-4]]
    assert any(found) and not all(found)  # the post is found by some queries, not all


def test_a_building_precision_post_does_move_with_its_point(tmp_path, monkeypatch):
    """The control: the comparison above can fail (building precision is the point)."""
    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.0)
    moved = _point_elsewhere_in_its_cell(*EXACT, 10)
    first, _ = _answers(tmp_path, "a", EXACT, "building")
    second, _ = _answers(tmp_path, "b", moved, "building")
    assert first != second


def test_the_exact_point_is_never_in_a_public_answer(tmp_path):
    answers, post = _answers(tmp_path, "c", EXACT, "street")
    for raw in answers:
        text = raw.decode()
        for value in EXACT:
            assert repr(value) not in text
            assert f"{value:.4f}" not in text
    assert post["geometry"]["coordinates"] != [EXACT[1], EXACT[0]]
