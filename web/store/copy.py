"""``flask --app web copy-store SRC DST [--city SLUG]``: cities from one store to another
(SQLite to PostgreSQL and back), every row with its id, in one write transaction.

Tables go parents first, each city's rows chosen by a filter; the rows that triggers
make while the parents are copied (consent log, connection counts, the subscriptions'
log) are dropped before their own table is copied, so that they arrive with their
original ids; the geocoder's index is rebuilt by the destination's own trigger. Only
the columns both stores have are copied (PostgreSQL's ``posts.geom`` follows from the
point). The destination must not hold the copied ids already (an empty store, say): a
conflict aborts the whole copy. Alert progress moves past the copied change log when
both stores had matched theirs, so that no copied post alerts anyone twice."""

from typing import Any

from web.store.database import Database, open_database
from web.store.migrations import Schema

_BY_CITY = "city_id = ?"
_BY_ACCOUNT = "account_id IN (SELECT id FROM accounts WHERE city_id = ?)"
_BY_POST = "post_id IN (SELECT id FROM posts WHERE city_id = ?)"

# (table, which of its rows belong to city ?, made by a trigger on the destination)
TABLES: list[tuple[str, str, bool]] = [
    ("cities", "id = ?", False),
    ("categories", _BY_CITY, False),
    ("city_logos", _BY_CITY, False),
    ("accounts", _BY_CITY, False),
    ("consent_log", _BY_ACCOUNT, True),
    ("api_tokens", _BY_ACCOUNT, False),
    ("sessions", _BY_ACCOUNT, False),
    ("mailed_links", _BY_ACCOUNT, False),
    ("posts", _BY_CITY, False),
    ("change_log", _BY_CITY, False),
    ("relayed_posts", _BY_POST, False),
    ("post_reminders", _BY_POST, False),
    ("escalations", _BY_POST, False),
    ("alerted_posts", _BY_POST, False),
    ("post_flags", _BY_POST, False),
    ("moderation_notes", _BY_POST, False),
    ("reports", _BY_POST, False),
    ("moderation_audit", _BY_CITY, False),
    ("connections", _BY_POST, False),
    ("connection_stats", _BY_CITY, True),
    (
        "connection_outcomes",
        "connection_id IN (SELECT c.id FROM connections c JOIN posts p ON p.id = c.post_id"
        " WHERE p.city_id = ?)",
        False,
    ),
    ("addresses", _BY_CITY, False),
    ("call_people", _BY_CITY, False),
    ("calls", "person_id IN (SELECT id FROM call_people WHERE city_id = ?)", False),
    ("call_access_log", _BY_CITY, False),
    ("notifications", _BY_ACCOUNT, False),
    ("outbox", _BY_ACCOUNT, False),
    ("missions", _BY_CITY, False),
    ("mission_answers", "mission_id IN (SELECT id FROM missions WHERE city_id = ?)", False),
    ("alert_subscriptions", _BY_CITY, False),
    ("alert_subscription_log", _BY_CITY, True),
    ("purged_post_counts", _BY_CITY, False),
    ("building_invitations", _BY_CITY, False),
    ("building_members", _BY_CITY, False),
]


def city_rows(database: Database, table: str, where: str, city_id: int) -> list[dict[str, Any]]:
    return database.all(f"SELECT * FROM {table} WHERE {where} ORDER BY 1", (city_id,))


def copy_store(source_url: str, target_url: str, city: str | None = None) -> dict[str, int]:
    """Copy one city (or every city) from ``source_url`` to ``target_url`` (migrated
    first); returns the rows copied per table. Raises ValueError for an unknown city."""
    source = open_database(source_url)
    target = Schema(target_url)
    try:
        target.migrate()
        slugs = [city] if city else [row["slug"] for row in source.all("SELECT slug FROM cities")]
        copied = dict.fromkeys((table for table, _, _ in TABLES), 0)
        with target.write():
            caught_up = _alerts_caught_up(source) and _alerts_caught_up(target.database)
            for slug in slugs:
                row = source.one("SELECT id FROM cities WHERE slug = ?", (slug,))
                if row is None:
                    raise ValueError(f"no city {slug!r} in {source_url}")
                for table, where, by_trigger in TABLES:
                    copied[table] += _copy_table(
                        source, target.database, table, where, row["id"], by_trigger
                    )
            for table, _, _ in TABLES:
                target.database.reset_ids(table)
            if caught_up:  # the copied posts were matched to alerts already
                target.execute(
                    "UPDATE alert_progress SET last_seq ="
                    " (SELECT COALESCE(MAX(seq), 0) FROM change_log) WHERE id = 1"
                )
        return copied
    finally:
        source.close()
        target.close()


def _alerts_caught_up(database: Database) -> bool:
    row = database.one(
        "SELECT (SELECT last_seq FROM alert_progress WHERE id = 1) ="
        " (SELECT COALESCE(MAX(seq), 0) FROM change_log) AS caught_up"
    )
    return bool(row and row["caught_up"])


def _copy_table(
    source: Database, target: Database, table: str, where: str, city_id: int, by_trigger: bool
) -> int:
    rows = city_rows(source, table, where, city_id)
    if by_trigger:
        target.execute(f"DELETE FROM {table} WHERE {where}", (city_id,))
    if not rows:
        return 0
    columns = [name for name in rows[0] if name in set(target.columns(table))]
    target.insert_rows(table, columns, ([row[name] for name in columns] for row in rows))
    return len(rows)
