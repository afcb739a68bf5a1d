"""The server ``make run`` starts, started here as the Makefile writes it (issue 19): it
answers ``/api/v1/health`` and a ``/match``. Its workers call ``create_app``, which
indexes every city, before they accept (tests/web/test_start_up.py)."""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.conftest import CENTRE, add_city
from web.store import Store
from web.testing import free_port

ROOT = Path(__file__).resolve().parents[1]


def run_recipe() -> str:
    """The last line of the Makefile's ``run`` recipe: the server command."""
    recipe = re.search(r"^run: kernels\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe is not None, "the Makefile has no run target"
    return recipe.group(1).strip().splitlines()[-1].strip()


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def city_database(tmp_path: Path) -> tuple[Path, int]:
    database = tmp_path / "voisinage.sqlite"
    city_id = add_city(database)
    store = Store(database)
    try:
        account_id = store.create_account(city_id, email="a@example.org", display_name="A")
        now = time.time()
        post = {"account_id": account_id, "kind": "offer", "category": "shopping",
                "title": "Courses", "body": "", "lat": CENTRE[0], "lon": CENTRE[1],
                "precision": "street", "public_lat": CENTRE[0], "public_lon": CENTRE[1],
                "status": "published", "created_at": now, "updated_at": now,
                "expires_at": now + 86_400}  # fmt: skip
        store.create_posts(city_id, [post])
        [(post_id,)] = store.execute("SELECT id FROM posts").fetchall()
    finally:
        store.close()
    return database, post_id


def test_the_server_of_make_run_answers_health_and_match(city_database, tmp_path):
    database, post_id = city_database
    port = free_port()
    command = run_recipe().replace("$(BIN)/", str(Path(sys.executable).parent) + "/")
    command = (
        command.replace("$(PORT)", str(port)).replace("$(WORKERS)", "2").replace("$(THREADS)", "1")
    )
    assert "$(" not in command, command
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "VOISINAGE_DATABASE": str(database), "PYTHONPATH": path,
           "VOISINAGE_BASE_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            command.split(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            try:
                status, body = get(port, "/api/v1/health")
            except OSError:
                time.sleep(0.2)
                continue
            break
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, body = get(port, f"/api/v1/grenoble/match?lat={CENTRE[0]}&lon={CENTRE[1]}")
        assert status == 200, body
        assert [f["id"] for f in json.loads(body)["features"]] == [post_id]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
