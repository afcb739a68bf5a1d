"""Every SQL statement of the app, and the schema's migrations.

SQLite is the embedded default; PostgreSQL with PostGIS the shared store (issue 17).
Connections run in WAL mode with ``synchronous=FULL`` (a commit is on disk before the
client hears "created"), foreign keys on and a busy timeout; every write is one
``BEGIN IMMEDIATE`` transaction. A write to a post also appends to ``change_log`` in the
same transaction: that is how every worker's in-memory index learns about it (see
``web.indexes``).

Where things are::

    database.py    the seam: ``Database`` (execute, executemany, one, all, write,
                   snapshot), ``Queries`` (the base of every group), the request's connection
    sqlite.py      SQLite's own: PRAGMAs, BEGIN IMMEDIATE, user_version, data_version,
                   the attached rate-limit database
    postgres.py    PostgreSQL's own: the pool, ``?`` rewriting, the write lock, types
    copy.py        ``copy-store``: cities between stores, every row, same ids
    migrations.py  the numbered migrations and ``migrate()``
    rows.py        the typed rows the queries return (``TypedDict``s, ``NamedTuple``s)
    store.py       ``Store``: every group over one connection
    cities.py, accounts.py, posts.py, connections.py, moderation.py, calls.py,
    notifications.py, missions.py, alerts.py, mydata.py, retention.py, addresses.py,
    ratelimits.py, idempotency.py  one table group each

The seam for a second dialect (decided in issue 14, built on by issue 17): **one
implementation of every query, in the SQL both SQLite and PostgreSQL accept, run through
one ``Database`` object; one module per dialect for what only that dialect has.**

- Every statement goes through ``Database`` (``execute``, ``executemany``, ``one``,
  ``all``, ``write()``, ``snapshot()``): ``?`` placeholders, which a PostgreSQL
  connection rewrites to ``%s``; ``ON CONFLICT``; ``INSERT ... RETURNING id`` rather than
  ``lastrowid`` (``Queries.insert``). Rows come back as dicts in both.
- ``sqlite.py`` holds what is SQLite's own: the PRAGMAs, ``BEGIN IMMEDIATE``,
  ``user_version`` as the schema's version, ``data_version``, the attached rate-limit
  database, ``sqlite_utils``, catalogue look-ups (``tables_referencing``). A
  ``postgres.py`` implements the same methods (psycopg 3, a pool, ``LISTEN/NOTIFY``).
- Why not SQLAlchemy Core: the store's ~140 queries already work, and most are already
  in the common subset; rewriting them in an expression language would risk them all for
  the few that differ, add a layer between the index build and its rows (a million per
  city), and still need dialect code for FTS5, PRAGMAs and PostGIS. Why not one module per
  dialect for every query: two copies of 140 queries drift apart; here only the handful
  that cannot be shared would be written twice.

What stays each dialect's own (issue 17): the geocoder's search (FTS5's ``MATCH`` and
bm25; an unaccented ``tsvector`` on PostgreSQL), list membership (``Database.in_list``:
``json_each`` or ``= ANY``), the migrations' triggers and FTS table (``Dialects`` gives
each its PostgreSQL spelling under the same number; column types are translated by
``PostgresDatabase.ddl``), and PostGIS (``posts.geom``, the view ``public_posts``).
``open_database(url)`` chooses the dialect from ``VOISINAGE_DATABASE``; ``copy.py`` copies
cities between stores."""

from web.store.database import Database, close_current, current_database, unavailable
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
    "unavailable",
]


def current() -> Store:
    """The request's store: this thread's connection to the app's database, reused from
    request to request. ``BUSY_TIMEOUT_MS`` is read here, when the connection opens, so
    that a test may shorten it on this package."""
    return Store(current_database(BUSY_TIMEOUT_MS))
