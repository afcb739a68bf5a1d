"""Indexes built at start-up: ``create_app`` returns with every city indexed, so that no
request waits for a build (issue 19)."""

import os

import click
from flask.cli import ScriptInfo

from tests.web.conftest import CENTRE, make_app
from web import indexes

MATCH = "/api/v1/grenoble/match"


def built(app) -> indexes.Indexes:
    return app.extensions["voisinage.indexes.at-start"]  # type: ignore[no-any-return]


def test_an_empty_database_builds_nothing(database):
    assert built(make_app(database)).builds == 0


def test_every_city_is_indexed_when_create_app_returns(app, alice, database):
    post_id = alice.create_post()["id"]
    started = make_app(database)  # a server starting on a database with one city
    at_start = built(started)
    assert at_start.builds == 1
    first = started.test_client().get(MATCH, query_string={"lat": CENTRE[0], "lon": CENTRE[1]})
    assert first.status_code == 200
    assert [f["id"] for f in first.json["features"]] == [post_id]
    assert at_start.builds == 1  # the first /match read no city from the store


def test_a_forked_worker_shares_the_indexes_and_opens_its_own_connection(app, alice, database):
    """As under gunicorn --preload: the parent builds, closes its connection, forks."""
    alice.create_post()
    started = make_app(database)
    alice.create_post(title="Après le démarrage")  # a change the worker must catch up on
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: exit status 0 when it answered both posts without a build
        try:
            client = started.test_client()
            answer = client.get(MATCH, query_string={"lat": CENTRE[0], "lon": CENTRE[1]})
            ok = answer.status_code == 200 and len(answer.json["features"]) == 2
            os.write(write, b"1" if ok and built(started).builds == 1 else b"0")
        finally:
            os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)


def test_a_server_with_its_own_click_command_line_builds_at_start(app, database):
    """granian's command line is click's too: only flask's commands other than run skip."""

    @click.command()
    def granian() -> None: ...

    with click.Context(granian, info_name="granian"):
        assert built(make_app(database)).builds == 1
    with click.Context(granian, info_name="demo", obj=ScriptInfo()):  # `flask demo`
        assert "voisinage.indexes.at-start" not in make_app(database).extensions
