"""The connection every query goes through, and which connection a request uses.

``Database`` is the seam between the queries and a dialect: a handful of methods
(``execute``, ``executemany``, ``one``, ``all``, ``write()``, ``snapshot()``) that
``web.store.sqlite.SQLiteDatabase`` implements today and a PostgreSQL connection will
implement beside it. ``Queries`` is the base of every table group: it holds one
``Database`` and hands its methods to the group's queries.

A request's store is this thread's connection to the app's database, reused from request
to request (opening one costs about as much as answering a search); no transaction
outlives the request (``close_current``)."""

import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from flask import current_app, g

from web.store import postgres
from web.store.postgres import PostgresDatabase
from web.store.sqlite import BUSY_TIMEOUT_MS, SQLiteDatabase

Params = Sequence[Any] | dict[str, Any]


class Cursor(Protocol):
    """What a query's caller may read of a statement's cursor, in every dialect."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """One connection to the store, whatever its dialect.

    SQL is written once, in what SQLite and PostgreSQL both accept: ``?`` placeholders
    (a PostgreSQL connection rewrites them to ``%s``), ``ON CONFLICT``, ``RETURNING``."""

    dialect: str
    path: str

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Cursor: ...

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Many rows into ``table`` at once, the fastest way the dialect has (copying a
        city of a million posts): no trigger is skipped, nothing is returned."""
        ...

    def one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> dict[str, Any] | None: ...

    def all(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]: ...

    in_list: str
    """``column {in_list}`` with ``list_param(values)`` tests membership in a list."""

    def list_param(self, values: Iterable[Any]) -> Any: ...

    def write(self) -> AbstractContextManager[None]: ...

    def snapshot(self) -> AbstractContextManager[None]: ...

    def rollback(self) -> None: ...

    def data_version(self) -> int: ...

    def tables_referencing(self, table: str, column: str) -> list[str]: ...

    def columns(self, table: str) -> list[str]: ...

    def reset_ids(self, table: str) -> None: ...

    def prepare(self) -> None: ...

    def ddl(self, statement: str) -> str: ...

    def schema_version(self) -> int: ...

    def set_schema_version(self, version: int) -> None: ...

    def close(self) -> None: ...


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def parse_url(url: str | Path) -> tuple[str, str]:
    """``(dialect, target)`` of a ``VOISINAGE_DATABASE`` value: a file path or
    ``sqlite:///path`` (SQLite: the file's path), or ``postgresql://user@host:port/db``
    (PostgreSQL: the URL). Anything else raises ValueError, before any file is made."""
    text = str(url).strip()
    scheme = _SCHEME.match(text)
    if not text:
        raise ValueError("VOISINAGE_DATABASE is empty: give a file path or a URL")
    if scheme is None:
        return "sqlite", text
    name = scheme.group(1).lower()
    if name == "sqlite" and text[len("sqlite://") :]:
        return "sqlite", text[len("sqlite://") :]
    if name in ("postgresql", "postgres"):
        return "postgresql", text
    raise ValueError(
        f"VOISINAGE_DATABASE={text!r} is not a store: give a file path, sqlite:///path or"
        " postgresql://user@host:port/database"
    )


def open_database(url: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """A new connection to the database at ``url`` (the one place a dialect is chosen)."""
    dialect, target = parse_url(url)
    if dialect == "postgresql":
        return PostgresDatabase(target)
    return SQLiteDatabase(target, busy_timeout_ms)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` is the store out of reach for now, not a fault of the request nor
    of the code: PostgreSQL down, restarting or failing over (the one place that knows
    which errors those are; SQLite's busy and full disk are the problem handler's)."""
    return postgres.unavailable(error)


class Queries:
    """The base of every table group: one connection, and the statements' entry points."""

    def __init__(self, database: "str | Path | Database") -> None:
        if isinstance(database, str | Path):
            database = open_database(database)
        self.database: Database = database

    @property
    def path(self) -> str:
        return self.database.path

    @property
    def conn(self) -> sqlite3.Connection:
        """The SQLite connection itself: for tests and SQLite-only code, nothing else."""
        if not isinstance(self.database, SQLiteDatabase):
            raise TypeError(f"no SQLite connection on a {self.database.dialect} store")
        return self.database.conn

    def close(self) -> None:
        self.database.close()

    def write(self) -> AbstractContextManager[None]:
        """One write transaction, taking the write lock at once (no upgrade deadlocks)."""
        return self.database.write()

    def snapshot(self) -> AbstractContextManager[None]:
        """A read transaction: every statement inside sees the same state."""
        return self.database.snapshot()

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap: no disk read)."""
        return self.database.data_version()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return self.database.execute(sql, params)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Cursor:
        return self.database.executemany(sql, params)

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run an ``INSERT ... RETURNING id`` of one row; its id (no ``lastrowid``: not
        every driver has one)."""
        rows = self.database.execute(sql, params).fetchall()
        return int(rows[0][0])

    def one(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        return self.database.one(sql, params)

    def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return self.database.all(sql, params)


_threads = threading.local()
_KEPT_PER_THREAD = 4  # open connections a thread keeps (tests open many databases)


def thread_database(path: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """This thread's connection to ``path``, opened on first use; the least recently used
    is closed past a few (tests open many databases)."""
    kept: OrderedDict[tuple[int, str], Database] = _threads.__dict__.setdefault(
        "databases", OrderedDict()
    )
    key = (os.getpid(), path)  # never a connection inherited across fork
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    while len(kept) >= _KEPT_PER_THREAD:
        _, oldest = kept.popitem(last=False)
        oldest.close()
    kept[key] = open_database(path, busy_timeout_ms)
    return kept[key]


def current_database(busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """The request's connection: this thread's connection to the app's database."""
    if "database" not in g:
        g.database = thread_database(current_app.config["DATABASE"], busy_timeout_ms)
    database: Database = g.database
    return database


def close_current(_error: BaseException | None = None) -> None:
    """End of request: the connection stays open for the thread's next request, but no
    transaction may outlive the request."""
    database: Database | None = g.pop("database", None)
    if database is not None:
        database.rollback()
