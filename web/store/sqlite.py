"""SQLite: the embedded default, and the only dialect today.

Everything here is SQLite's own: the PRAGMAs (WAL, ``synchronous=FULL``, foreign keys, a
busy timeout), ``BEGIN IMMEDIATE``, ``PRAGMA user_version`` as the schema's version,
``PRAGMA data_version`` as the cheap "did another connection commit?", the attached
rate-limit database and ``sqlite_utils`` turning rows into dicts. A ``postgres.py`` beside
this module implements the same ``Database`` methods (see ``web.store.database``).

Rate-limit counters live in an attached database with ``synchronous=OFF``: losing a
second of counters in a crash is harmless, and an fsync per anonymous search is not."""

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

BUSY_TIMEOUT_MS = 5000

RATE_LIMIT_SCHEMA = """CREATE TABLE IF NOT EXISTS ratelimit.buckets (
    key TEXT PRIMARY KEY, window_start REAL NOT NULL, count INTEGER NOT NULL)"""


def rate_limit_path(database: str | Path) -> Path:
    """The file of the attached rate-limit database, beside the main one."""
    path = Path(database)
    return path.with_name(path.stem + ".ratelimit" + (path.suffix or ".sqlite"))


class SQLiteDatabase:
    """One SQLite connection: WAL, ``synchronous=FULL``, foreign keys, a busy timeout."""

    dialect = "sqlite"
    in_list = "IN (SELECT value FROM json_each(?))"

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("ATTACH DATABASE ? AS ratelimit", (str(rate_limit_path(self.path)),))
        conn.execute("PRAGMA ratelimit.synchronous = OFF")
        self.conn = conn
        self.rows = sqlite_utils.Database(conn)

    def close(self) -> None:
        self.conn.close()

    # -- the seam: what every dialect provides ------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        return self.conn.executemany(sql, params)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self.conn.executemany(statement, rows)

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        return next(iter(self.rows.query(sql, params)), None)

    def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.rows.query(sql, params))

    def list_param(self, values: Iterable[Any]) -> Any:
        return json.dumps(list(values))

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction, taking the write lock at once (no upgrade deadlocks)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # SQLITE_FULL and a few others roll back themselves
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every statement inside sees the same state."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def rollback(self) -> None:
        """End a transaction left open (the end of a request), if there is one."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap: no disk read)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def tables_referencing(self, table: str, column: str) -> list[str]:
        """Tables whose ``column`` is a foreign key to ``table``, by name."""
        rows = self.conn.execute(
            "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f"
            ' WHERE m.type = \'table\' AND f."table" = ? AND f."from" = ? ORDER BY m.name',
            (table, column),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def columns(self, table: str) -> list[str]:
        return [str(row[1]) for row in self.conn.execute(f"PRAGMA table_info({table})")]

    def reset_ids(self, table: str) -> None:
        """After rows came with their ids: nothing to do (SQLite's next id follows them)."""

    # -- schema ------------------------------------------------------------------------

    def prepare(self) -> None:
        """Once per database file, before migrations: WAL, and the rate-limit table."""
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA ratelimit.journal_mode = WAL")
        self.conn.execute(RATE_LIMIT_SCHEMA)

    def ddl(self, statement: str) -> str:
        return statement

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")
