"""A throwaway PostgreSQL cluster: Debian's binaries, a data directory in a temporary
folder, a free port on 127.0.0.1; no shared long-lived server. The tests use it
(tests/postgres.py, their fixtures) and so does the load benchmark on PostgreSQL
(``benchmarks.load_pg``).

``initdb`` refuses to run as root, and CI runs as root: there the cluster belongs to the
``postgres`` system user (created by Debian's package) and its commands run through
``runuser``; any other user runs them as itself. The superuser is ``postgres`` either way.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PG_LIB = Path("/usr/lib/postgresql")
PG_SHARE = Path("/usr/share/postgresql")
EXTENSIONS = ("postgis", "unaccent", "pg_trgm")
TEMPLATE = "voisinage_template"  # a database with EXTENSIONS, copied by create_database()
START_TIMEOUT_S = 60  # a restart after an immediate stop replays the WAL first


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder that has PostGIS too, or None."""
    versions = sorted(
        (path.parent for path in PG_LIB.glob("*/bin/initdb")),
        key=lambda bin_dir: int(bin_dir.parent.name) if bin_dir.parent.name.isdigit() else 0,
    )
    for bin_dir in reversed(versions):
        version = bin_dir.parent.name
        if (PG_SHARE / version / "extension" / "postgis.control").exists():
            return bin_dir
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One PostgreSQL server in ``folder`` (data, socket and log), listening on
    127.0.0.1:``port`` only, with fsync on so that a commit survives a crash."""

    def __init__(self, bin_dir: Path, folder: Path, port: int):
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = port
        self.url = self.database_url("postgres")
        self._as_postgres = os.geteuid() == 0
        self._databases = 0

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> None:
        """Runs a PostgreSQL program, as the ``postgres`` user when we are root."""
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # The cwd must be readable by the postgres user, which /root is not.
        done = subprocess.run(command, cwd=self.folder, capture_output=True, text=True)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}{log}"
            )

    def init(self) -> None:
        # --no-sync only skips initdb's own flush of the new files: the server then runs
        # with fsync on, which is what a crash test relies on.
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.folder}'",
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
        }
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# tests/postgres.py\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w",
                  "-t", str(START_TIMEOUT_S), "start")  # fmt: skip
        self._wait_ready()

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "immediate") -> None:
        """Stops the server (``immediate`` is a crash: no checkpoint, recovery from the WAL
        at start) and starts it again on the same port; open connections are broken."""
        self.stop(mode)
        self.start()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _create_template(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(self.database_url(TEMPLATE), autocommit=True) as conn:
            for extension in EXTENSIONS:
                conn.execute(f"CREATE EXTENSION {extension}")

    def create_database(self, extensions: bool = True, template: str | None = None) -> str:
        """A new empty database's URL, with PostGIS, unaccent and pg_trgm already created
        (a copy of a template, much faster than creating PostGIS each time), or with no
        extension at all when ``extensions`` is false."""
        self._databases += 1
        name = f"test_{self._databases}_{secrets.token_hex(3)}"
        template = template or (TEMPLATE if extensions else "template0")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.database_url(name)

    def drop_database(self, url: str) -> None:
        """Drops a database made by ``create_database``, ending its open connections."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class PostgresAbsent(RuntimeError):
    """No PostgreSQL with PostGIS here (or, as root, no ``postgres`` user to run it)."""


def start_cluster() -> Cluster:
    """Creates and starts a cluster; the caller stops it and removes ``cluster.folder``.
    Raises PostgresAbsent when it cannot."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise PostgresAbsent("PostgreSQL with PostGIS is absent")
    as_root = os.geteuid() == 0
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresAbsent("the postgres system user is absent as root") from None
    # As root, a folder the postgres user can reach: /tmp, not a $TMPDIR under /root.
    folder = Path(tempfile.mkdtemp(prefix="voisinage-pg-", dir="/tmp" if as_root else None))
    if as_root:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(bin_dir, folder, free_port())
    try:
        cluster.init()
        cluster.start()
        cluster._create_template()
    except BaseException:
        remove_cluster(cluster)
        raise
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    """Stops the server if it runs and removes its folder."""
    if (cluster.data / "postmaster.pid").exists():
        with contextlib.suppress(RuntimeError):  # already stopped: the folder goes anyway
            cluster.stop("immediate")
    shutil.rmtree(cluster.folder, ignore_errors=True)
