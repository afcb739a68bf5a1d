"""Every SQL statement of the app, and the schema's migrations.

SQLite is the source of truth (PostgreSQL will be the second dialect, issue 17).
Connections run in WAL mode with ``synchronous=FULL`` (a commit is on disk before the
client hears "created"), foreign keys on and a busy timeout; every write is one
``BEGIN IMMEDIATE`` transaction. A write to a post also appends to ``change_log`` in the
same transaction: that is how every worker's in-memory index learns about it (see
``web.indexes``).

Where things are::

    database.py    the seam: ``Database`` (execute, executemany, one, all, write,
                   snapshot), ``Queries`` (the base of every group), the request's connection
    sqlite.py      SQLite's own: PRAGMAs, BEGIN IMMEDIATE, user_version, data_version,
                   the attached rate-limit database (``postgres.py`` will sit beside it)
    migrations.py  the numbered migrations and ``migrate()``
    rows.py        the typed rows the queries return (``TypedDict``s, ``NamedTuple``s)
    store.py       ``Store``: every group over one connection
    cities.py, accounts.py, posts.py, connections.py, moderation.py, calls.py,
    notifications.py, missions.py, alerts.py, mydata.py, retention.py, addresses.py,
    ratelimits.py  one table group each

The seam for a second dialect: queries are written once, in the SQL that SQLite and
PostgreSQL both accept (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``), and run
through one ``Database`` object; what only one dialect has lives in that dialect's module
(``sqlite.py``) behind the same ``Database`` methods, and the few queries that differ
(the FTS5 geocoder in ``addresses.py``) are marked SQLite-only."""

from web.store.database import Database, close_current, current_database
from web.store.migrations import MIGRATIONS, migrate
from web.store.rows import (
    Account,
    CallPerson,
    City,
    Connection,
    Mission,
    Notification,
    Post,
    PublicPost,
    Subscription,
)
from web.store.sqlite import BUSY_TIMEOUT_MS, rate_limit_path
from web.store.store import Store

__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "Account",
    "CallPerson",
    "City",
    "Connection",
    "Database",
    "Mission",
    "Notification",
    "Post",
    "PublicPost",
    "Store",
    "Subscription",
    "close_current",
    "current",
    "migrate",
    "rate_limit_path",
]


def current() -> Store:
    """The request's store: this thread's connection to the app's database, reused from
    request to request. ``BUSY_TIMEOUT_MS`` is read here, when the connection opens, so
    that a test may shorten it on this package."""
    return Store(current_database(BUSY_TIMEOUT_MS))
