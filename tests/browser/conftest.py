"""The real app served by waitress on 127.0.0.1 over a demo database, and Debian's chromium
driven by Playwright: one server and one browser for the whole session."""

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DEMO_POSTS = 3000  # as `make run` shows it: every scale finds posts near the test address
CITY = "grenoble"
TYPED = "1 rue Félix Poul"  # what a visitor types before choosing a suggestion
SERVER_START_TIMEOUT_S = 30
ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

CHROMIUM_ABSENT = (
    f"{CHROMIUM} is absent: `make test` installs it (`apt-get install chromium`, "
    "as root or with sudo)"
)
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=CHROMIUM_ABSENT)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """The served app and a small client for its JSON API (the tests' oracle)."""

    def __init__(self, base_url: str, database: Path):
        self.base_url = base_url
        self.database = database

    def mailed_link(self, email: str) -> str:
        """The last link mailed to ``email``: the server has no SMTP, so its mail waits in
        the outbox (and the server log), where the tests read it as the person would."""
        conn = sqlite3.connect(self.database)
        try:
            (body,) = conn.execute(
                "SELECT body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1", (email,)
            ).fetchone()
        finally:
            conn.close()
        return re.search(r"http\S+#token=\S+", body).group(0)

    def url(self, path: str) -> str:
        return self.base_url + path

    def api(self, path: str, query: dict | list | None = None) -> dict:
        url = f"{self.base_url}/api/v1{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    def match(self, **query) -> dict:
        return self.api(f"/{CITY}/match", query)


def wait_until_serving(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v1/health", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {SERVER_START_TIMEOUT_S} s")


@contextmanager
def serving(folder: Path, posts: int, **settings: str) -> Iterator[Server]:
    """The app on a free port over a new demo database of ``posts`` posts in ``folder``,
    with extra ``VOISINAGE_*`` settings; stopped on leaving."""
    database = folder / "voisinage.sqlite"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VOISINAGE_BASE_URL": base_url,
        "VOISINAGE_DATABASE": str(database),
        "VOISINAGE_SECRET_KEY": secrets.token_urlsafe(32),
        "VOISINAGE_TESTING": "1",
        "VOISINAGE_RATE_LIMITS_ENABLED": "0",
        "VOISINAGE_PASSWORD_HASH": "fast",
        "VOISINAGE_MAP_TILE_URL": "",
        "VOISINAGE_MAP_PMTILES_FILE": "",
        **{f"VOISINAGE_{name}": value for name, value in settings.items()},
    }
    demo = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "web", "demo", "--posts", str(posts)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if demo.returncode:
        raise RuntimeError(f"`flask --app web demo` failed:\n{demo.stderr}")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "waitress",
            f"--listen=127.0.0.1:{port}",
            "--call",
            "web:create_app",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(base_url, process)
        yield Server(base_url, database)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("browser-server"), DEMO_POSTS) as served:
        yield served


@pytest.fixture(scope="session")
def spot(server) -> dict:
    """The address the tests search around, as the city's geocoder knows it."""
    found = server.api(f"/{CITY}/geocode", {"q": TYPED, "limit": 1})["features"][0]
    lon, lat = found["geometry"]["coordinates"]
    assert found["properties"]["label"].startswith("1 Rue Félix Poulat")
    return {"label": found["properties"]["label"], "lat": lat, "lon": lon}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_ABSENT)
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: the machine may be shared by other jobs; a passing wait returns at once.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """Console errors, page errors and CSP violations seen by a page: tests end with none."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )


@contextmanager
def browser_contexts(browser, base_url: str) -> Iterator[Callable[..., Any]]:
    """Make browser contexts on ``base_url`` (separate cookies: separate people), closed on
    leaving, which fails if any of their pages reported an error."""
    contexts = []
    problems = []

    def make(**options):
        options = {"viewport": {"width": 1280, "height": 800}, "locale": "fr-FR", **options}
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        context.on("page", lambda page: problems.append(PageProblems(page)))
        return context

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
    seen = [
        error for problem in problems for error in problem.errors if not caused_on_purpose(error)
    ]
    assert seen == [], f"the pages reported errors: {seen}"


@pytest.fixture
def new_context(browser, server):
    """Make browser contexts on the session's server, closed after the test."""
    with browser_contexts(browser, server.base_url) as make:
        yield make


def caused_on_purpose(error: str) -> bool:
    """HTTP error statuses: tests send bad input on purpose; the page handles the answer."""
    return "the server responded with a status of" in error


@pytest.fixture
def page(new_context):
    return new_context().new_page()
