"""The social service's register imported into the call list, whole or not at all; and
the calls volunteers log themselves, which the social workers read."""

from pathlib import Path

import pytest

from tests.web.conftest import DATA, Session, add_city, set_role, sign_up, sql

IMPORT = "/api/v1/grenoble/calls/import"
PEOPLE = "/api/v1/grenoble/calls/people"
HEADER = "name;phone;address;consent;notes\n"
GOOD = "Mme Martin;04 76 00 00 01;1 rue Félix Poulat, Grenoble;oui;le matin\n"


@pytest.fixture
def worker(app, database) -> Session:
    session = sign_up(app, "as@ville.example")
    set_role(database, "as@ville.example", "social_worker")
    return session


def send(session: Session, text: str | bytes, content_type: str = "text/csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return session.post(IMPORT, data=data, content_type=content_type)


def people(session: Session) -> list[dict]:
    return session.get(PEOPLE).json["people"]


def test_the_sample_register_imports_whole(worker):
    answer = send(worker, (DATA / "call-register-sample.csv").read_bytes())
    assert answer.status_code == 201, answer.json
    assert answer.json == {"imported": 3}
    by_name = {person["name"]: person for person in people(worker)}
    assert by_name["M. Paul Durand"]["consent_on"] == "2026-11-20"
    assert by_name["Mme Aïcha Benali"]["consent_on"] == "2026-11-20"
    assert by_name["Mme Jeanne Martin"]["notes"].startswith("Aime parler")
    assert by_name["Mme Jeanne Martin"]["address"]  # geocoded


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + HEADER + GOOD,  # a byte-order mark, as spreadsheets write
        (HEADER + GOOD.replace(", Grenoble", " Grenoble")).replace(";", ","),  # commas
        "Name ; Phone;ADDRESS;consent;notes\r\n" + GOOD.replace("\n", "\r\n"),
        HEADER + GOOD + "\n;;;;\n",  # blank lines are skipped
        'name,phone,address,consent,notes\n"Martin, Jeanne",0476000001,'
        '"1 rue Félix Poulat, Grenoble",yes,\n',  # quoted fields
    ],
)
def test_the_formats_a_register_comes_in(worker, text):
    answer = send(worker, text)
    assert answer.status_code == 201, answer.json
    assert answer.json == {"imported": 1}


def test_a_file_with_a_refused_row_imports_nothing_and_says_why(worker, database):
    text = (
        HEADER
        + GOOD
        + "Sans téléphone;;1 rue Félix Poulat, Grenoble;oui;\n"
        + "Sans accord;04 76 00 00 02;1 rue Félix Poulat, Grenoble;non;\n"
        + "Ailleurs;04 76 00 00 03;10 rue de la République, Lyon;oui;\n"
        + "Plus tard;04 76 00 00 04;1 rue Félix Poulat, Grenoble;2999-01-01;\n"
        + "Mauvais;pas un numéro;1 rue Félix Poulat, Grenoble;oui;\n"
    )
    answer = send(worker, text)
    assert answer.status_code == 422
    reasons = {error["param"]: error["message"] for error in answer.json["errors"]}
    assert set(reasons) == {"row 3", "row 4", "row 5", "row 6", "row 7"}
    assert reasons["row 3"] == "no phone number"
    assert reasons["row 4"].startswith("no consent")
    assert reasons["row 5"].startswith("address not found in Grenoble")
    assert "future" in reasons["row 6"]
    assert "not a phone number" in reasons["row 7"]
    assert people(worker) == []
    assert sql(database, "SELECT COUNT(*) FROM call_people") == [(0,)]


@pytest.mark.parametrize(
    "data, content_type, status, param",
    [
        ("name;phone\n" + GOOD, "text/csv", 422, "row 1"),  # wrong header
        ("", "text/csv", 422, "row 1"),
        (HEADER, "text/csv", 422, "row 1"),  # no row
        ("é".encode("latin-1") + HEADER.encode(), "text/csv", 422, "row 1"),  # not UTF-8
        (HEADER + GOOD, "application/json", 415, "Content-Type"),
    ],
)
def test_files_that_are_not_registers(worker, data, content_type, status, param):
    answer = send(worker, data, content_type)
    assert answer.status_code == status
    assert answer.json["errors"][0]["param"] == param


def test_only_the_social_workers_import(app, database, alice):
    assert send(alice, HEADER + GOOD).status_code == 403
    assert (
        app.test_client().post(IMPORT, data=HEADER + GOOD, content_type="text/csv").status_code
        == 401
    )


def test_imported_people_are_in_no_public_answer(worker, client):
    send(worker, HEADER + GOOD)
    found = client.get(
        "/api/v1/grenoble/match", query_string={"address": "1 rue Félix Poulat", "radius": 5000}
    )
    assert "Martin" not in found.text
    assert "04 76 00 00 01" not in client.get("/api/v1/grenoble/open-data/posts_by_cell.csv").text


def test_the_command_imports_or_lists_the_refused_rows(runner, worker, tmp_path: Path):
    good = tmp_path / "ok.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD + "X;;1 rue Félix Poulat, Grenoble;oui;\n", encoding="utf-8")
    result = runner.invoke(args=["calls", "import", str(bad), "--city", "grenoble"])
    assert result.exit_code != 0
    assert "row 3: no phone number" in result.output
    assert people(worker) == []
    result = runner.invoke(args=["calls", "import", str(good), "--city", "grenoble"])
    assert result.exit_code == 0, result.output
    assert "imported 1 people" in result.output
    assert [person["name"] for person in people(worker)] == ["Mme Martin"]
    result = runner.invoke(args=["calls", "import", str(good), "--city", "nowhere"])
    assert result.exit_code != 0 and "no city" in result.output


def test_a_volunteer_logs_their_own_calls_and_the_social_workers_read_them(app, database, worker):
    volunteer = sign_up(app, "benevole@example.org")
    other = sign_up(app, "autre@example.org")
    sql(database, "UPDATE accounts SET accepts_calls = 1")
    send(worker, HEADER + GOOD)
    [person] = people(worker)
    assert volunteer.get("/api/v1/grenoble/me/calls").json == {"people": []}
    mine = f"/api/v1/grenoble/me/calls/{person['id']}"
    assert volunteer.post(mine, {"outcome": "done"}).status_code == 404  # not assigned yet
    worker.post(f"{PEOPLE}/{person['id']}/assign", {"volunteer_id": volunteer.account["id"]})
    [assigned] = volunteer.get("/api/v1/grenoble/me/calls").json["people"]
    assert assigned == {
        "id": person["id"],
        "name": "Mme Martin",
        "phone": "04 76 00 00 01",
        "last_outcome": None,
    }
    answer = volunteer.post(mine, {"outcome": "call_back", "notes": "Rappeler jeudi"})
    assert answer.status_code == 201, answer.json
    assert (
        volunteer.get("/api/v1/grenoble/me/calls").json["people"][0]["last_outcome"] == "call_back"
    )
    assert other.post(mine, {"outcome": "done"}).status_code == 404  # not theirs
    assert other.get("/api/v1/grenoble/me/calls").json == {"people": []}
    calls = worker.get(f"{PEOPLE}/{person['id']}").json["calls"]
    assert [(c["outcome"], c["notes"], c["recorded_by"]) for c in calls] == [
        ("call_back", "Rappeler jeudi", "benevole")
    ]


@pytest.mark.parametrize("body", [{"outcome": "reached"}, {}, {"outcome": "done", "notes": 5}])
def test_volunteer_outcomes_are_checked(app, database, worker, body):
    volunteer = sign_up(app, "benevole@example.org")
    answer = volunteer.post("/api/v1/grenoble/me/calls/1", body)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["param"] in ("outcome", "notes")


def test_a_register_of_another_city_is_not_read(app, database, worker):
    add_city(database, "lyon")
    assert (
        worker.post(
            "/api/v1/lyon/calls/import", data=HEADER + GOOD, content_type="text/csv"
        ).status_code
        == 403
    )
