"""Real servers for tests: waitress (or gunicorn) in a subprocess on 127.0.0.1.

    with serve(tmp_path / "v.sqlite") as base_url:
        urllib.request.urlopen(base_url + "/api/v1/health")

The database is created (migrated) by the app itself; fill it first with the CLI
(``flask --app web demo --posts 300``) or through the API."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

STARTUP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(
    database_path: str | Path, settings: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a server process on ``database_path`` (plain-http cookies)."""
    env = {
        **os.environ,
        "VOISINAGE_DATABASE": str(database_path),
        "VOISINAGE_SECRET_KEY": secrets.token_urlsafe(32),
        "VOISINAGE_SESSION_COOKIE_SECURE": "0",
    }
    env.update(settings or {})
    return env


def start(
    database_path: str | Path,
    port: int = 0,
    *,
    server: str = "waitress",
    settings: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server; returns ``(process, base_url)`` once it answers /api/v1/health."""
    port = port or free_port()
    listen = f"127.0.0.1:{port}"
    if server == "waitress":
        command = [
            sys.executable,
            "-m",
            "waitress",
            f"--listen={listen}",
            "--call",
            "web:create_app",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            listen,
            "--workers",
            "1",
            "web:create_app()",
        ]
    # A file, not a pipe: a pipe nobody reads could fill up and block the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
    base_url = f"http://{listen}"
    process = subprocess.Popen[bytes](
        command,
        env=server_env(database_path, {"VOISINAGE_BASE_URL": base_url, **(settings or {})}),
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    process.log = log  # type: ignore[attr-defined]
    try:
        wait_until_up(base_url, process)
    except BaseException:
        stop(process)
        raise
    return process, base_url


def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = server_errors(process)
            raise RuntimeError(f"server exited with {process.returncode}: {errors}")
        try:
            with urllib.request.urlopen(base_url + "/api/v1/health", timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)  # the port is not open yet: nothing to wait on but time
    raise TimeoutError(f"server at {base_url} did not answer within {STARTUP_TIMEOUT_S} s")


def stop(process: subprocess.Popen[bytes], kill: bool = False) -> None:
    """Stop the server by its pid (SIGKILL when ``kill``: a crash)."""
    if process.poll() is None:
        process.kill() if kill else process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log = getattr(process, "log", None)
    if log is not None:
        log.close()


def server_errors(process: subprocess.Popen[bytes]) -> str:
    """What the server wrote on stderr so far (its last 4000 characters)."""
    log = getattr(process, "log", None)
    if log is None or log.closed:
        return ""
    log.seek(0)
    return str(log.read().decode(errors="replace"))[-4000:]


@contextmanager
def serve(
    database_path: str | Path, port: int = 0, settings: Mapping[str, str] | None = None
) -> Iterator[str]:
    """A waitress server on ``database_path``; yields its base URL, stops it on exit.
    ``settings`` are extra ``VOISINAGE_*`` environment variables."""
    process, base_url = start(database_path, port, settings=settings)
    try:
        yield base_url
    finally:
        stop(process)
