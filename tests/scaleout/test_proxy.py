"""docs/nginx.conf as it is (its addresses replaced by free ports) in front of two real app
servers on one PostgreSQL, one per city: each city's API and pages land on its own server,
the other paths on any, and a server asked directly for the other city answers 421."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scaleout.conftest import NO_LIMITS, POST, call
from tests.web.conftest import add_city
from web import testing

CONFIG = Path(__file__).resolve().parents[2] / "docs" / "nginx.conf"
EXAMPLE = {"grenoble": "127.0.0.1:8001", "marseille": "127.0.0.1:8002", "proxy": "127.0.0.1:8080"}
NGINX_ABSENT = "nginx is absent: `make test` installs it (`apt-get install nginx`, as root)"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


@contextlib.contextmanager
def nginx(addresses: dict[str, str]) -> Iterator[str]:
    """docs/nginx.conf with ``addresses`` for its example ones, run in a folder of its own;
    yields the proxy's base URL."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip(NGINX_ABSENT)
    text = CONFIG.read_text(encoding="utf-8")
    for name, example in EXAMPLE.items():
        assert example in text, f"docs/nginx.conf no longer has {example}"
        text = text.replace(example, addresses[name])
    with tempfile.TemporaryDirectory(prefix="voisinage-nginx-") as folder:
        config = Path(folder) / "nginx.conf"
        config.write_text(text, encoding="utf-8")
        os.chmod(folder, 0o755)  # as root, the workers run as nobody
        log = Path(folder) / "stderr.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [binary, "-p", folder, "-c", str(config), "-g", "daemon off;"],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        base_url = f"http://{addresses['proxy']}"
        try:
            _wait_until_up(base_url, process, log)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(base_url + "/api/v1/health", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.05)


def test_each_city_lands_on_its_own_server_through_the_proxy(shared_database):
    url, token = shared_database
    add_city(url, "marseille")
    proxy_address = f"127.0.0.1:{testing.free_port()}"
    # the app answers the host its links name: the proxy's, which it passes on
    settings = {**NO_LIMITS, "VOISINAGE_PROXY_HOPS": "1",
                "VOISINAGE_BASE_URL": f"http://{proxy_address}"}  # fmt: skip
    started = []
    try:
        servers = {}
        for city in ("grenoble", "marseille"):
            port = testing.free_port()
            process, _ = testing.start(url, port, settings={**settings,
                                                            "VOISINAGE_CITIES": city})  # fmt: skip
            started.append(process)
            servers[city] = f"127.0.0.1:{port}"
        with nginx({**servers, "proxy": proxy_address}) as proxy:
            for city in ("grenoble", "marseille"):
                status, body, _ = call(proxy, f"/api/v1/{city}")
                assert (status, body["slug"]) == (200, city)  # the other server says 421
                assert call(proxy, f"/{city}/")[0] == 200  # the city's page
            status, post, _ = call(proxy, "/api/v1/grenoble/posts", token, POST, "POST")
            assert status == 201
            match = f"/api/v1/grenoble/match?lat={POST['lat']}&lon={POST['lon']}"
            assert [f["id"] for f in call(proxy, match)[1]["features"]] == [post["id"]]
            for _ in range(4):  # paths of no city: either server, each time
                assert call(proxy, "/api/v1/health")[0] == 200
                assert call(proxy, "/api/v1/me", token)[0] == 200
            # Asked directly, each server refuses the other's city.
            for city, other in (("grenoble", "marseille"), ("marseille", "grenoble")):
                status, body, _ = call(f"http://{servers[city]}", f"/api/v1/{other}")
                assert status == 421, body
                assert body["type"].endswith("/misdirected-request")
    finally:
        for process in started:
            testing.stop(process)
