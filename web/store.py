"""Every SQL statement of the app, and the schema's migrations.

SQLite is the source of truth. Connections run in WAL mode with ``synchronous=FULL``
(a commit is on disk before the client hears "created"), foreign keys on and a busy
timeout; every write is one ``BEGIN IMMEDIATE`` transaction. A write to a post also
appends to ``change_log`` in the same transaction: that is how every worker's
in-memory index learns about it (see ``web.indexes``).

Rate-limit counters live in an attached database with ``synchronous=OFF``: losing a
second of counters in a crash is harmless, and an fsync per anonymous search is not."""

import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils
from flask import current_app, g

BUSY_TIMEOUT_MS = 5000

# Each migration is a list of statements; PRAGMA user_version counts those applied.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE cities (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            boundary TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '["fr", "en"]',
            premoderation INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL)""",
        """CREATE TABLE categories (
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            slug TEXT NOT NULL,
            fr TEXT NOT NULL,
            en TEXT NOT NULL,
            icon TEXT NOT NULL DEFAULT '',
            remote INTEGER NOT NULL DEFAULT 0,
            retired INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (city_id, slug))""",
        """CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id),
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT,
            role TEXT NOT NULL DEFAULT 'resident',
            poster_type TEXT NOT NULL DEFAULT 'individual',
            display_name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            home_address TEXT NOT NULL DEFAULT '',
            home_lat REAL,
            home_lon REAL,
            precision TEXT NOT NULL DEFAULT 'street',
            consent TEXT NOT NULL DEFAULT '{}',
            consent_text TEXT NOT NULL DEFAULT '',
            consent_at REAL,
            created_at REAL NOT NULL)""",
        """CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL,
            revoked_at REAL)""",
        """CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id),
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            precision TEXT NOT NULL,
            public_lat REAL NOT NULL,
            public_lon REAL NOT NULL,
            status TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            expires_at REAL NOT NULL)""",
        "CREATE INDEX posts_by_account ON posts(account_id, created_at)",
        "CREATE INDEX posts_by_city ON posts(city_id, status, expires_at)",
        """CREATE TABLE connections (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
            requester_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            message TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'requested',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL)""",
        "CREATE INDEX connections_by_post ON connections(post_id)",
        "CREATE INDEX connections_by_requester ON connections(requester_id)",
        """CREATE TABLE addresses (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            ban_id TEXT NOT NULL,
            numero TEXT NOT NULL,
            rep TEXT NOT NULL,
            nom_voie TEXT NOT NULL,
            code_postal TEXT NOT NULL,
            nom_commune TEXT NOT NULL,
            label TEXT NOT NULL,
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            UNIQUE (city_id, ban_id))""",
        """CREATE VIRTUAL TABLE addresses_fts USING fts5(
            label, content='addresses', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')""",
        """CREATE TRIGGER addresses_ai AFTER INSERT ON addresses BEGIN
            INSERT INTO addresses_fts(rowid, label) VALUES (new.id, new.label); END""",
        """CREATE TRIGGER addresses_ad AFTER DELETE ON addresses BEGIN
            INSERT INTO addresses_fts(addresses_fts, rowid, label)
            VALUES ('delete', old.id, old.label); END""",
        """CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            city_id INTEGER NOT NULL,
            post_id INTEGER NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')))""",
        "CREATE INDEX change_log_by_city ON change_log(city_id, seq)",
    ],
    # Moderation: reports, commercial flags, notes to posters, and an audit log that no
    # statement may change or delete (triggers); it has no foreign keys, so deleting a
    # post or an account never touches it.
    [
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
            reporter_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            created_at REAL NOT NULL,
            resolved_at REAL)""",
        """CREATE UNIQUE INDEX reports_one_open ON reports(post_id, reporter_id)
            WHERE resolved_at IS NULL""",
        """CREATE TABLE post_flags (
            post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
            signals TEXT NOT NULL,
            created_at REAL NOT NULL,
            resolved_at REAL)""",
        """CREATE TABLE moderation_notes (
            post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
            action TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at REAL NOT NULL)""",
        """CREATE TABLE moderation_audit (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL,
            post_id INTEGER,
            actor_id INTEGER,
            actor_name TEXT NOT NULL,
            actor_role TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at REAL NOT NULL)""",
        "CREATE INDEX moderation_audit_by_city ON moderation_audit(city_id, id)",
        "CREATE INDEX moderation_audit_by_post ON moderation_audit(post_id, id)",
        """CREATE TRIGGER moderation_audit_no_update BEFORE UPDATE ON moderation_audit
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
        """CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON moderation_audit
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
    ],
    # The call list (web.calls): people without internet whom social workers phone, the
    # volunteers' consent to call them, and an access log nobody may change (triggers; no
    # foreign keys, so deleting a person or an account never touches it).
    [
        "ALTER TABLE accounts ADD COLUMN accepts_calls INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE accounts ADD COLUMN accepts_missions INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE call_people (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            phone TEXT NOT NULL,
            address TEXT NOT NULL,
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            needs TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            consent_on TEXT NOT NULL,
            volunteer_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            created_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL)""",
        "CREATE INDEX call_people_by_city ON call_people(city_id, name)",
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES call_people(id) ON DELETE CASCADE,
            recorded_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            outcome TEXT NOT NULL,
            notes TEXT NOT NULL DEFAULT '',
            called_at REAL NOT NULL)""",
        "CREATE INDEX calls_by_person ON calls(person_id, called_at)",
        """CREATE TABLE call_access_log (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL,
            account_id INTEGER NOT NULL,
            action TEXT NOT NULL,
            person_id INTEGER,
            at REAL NOT NULL)""",
        "CREATE INDEX call_access_log_by_city ON call_access_log(city_id, id)",
        """CREATE TRIGGER call_access_log_no_update BEFORE UPDATE ON call_access_log
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
        """CREATE TRIGGER call_access_log_no_delete BEFORE DELETE ON call_access_log
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
    ],
    # Connection follow-up and the city's counts: ``connection_stats`` holds one anonymous
    # row per connection (no account, no message, no foreign key), kept by triggers, so
    # counts survive the deletion of posts and accounts; each side's answer to "did the
    # help happen?"; and every consent an account gave, with its text and time.
    [
        """CREATE TABLE connection_stats (
            connection_id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL,
            category TEXT NOT NULL,
            created_at REAL NOT NULL,
            status TEXT NOT NULL,
            accepted_at REAL,
            outcome TEXT)""",
        "CREATE INDEX connection_stats_by_city ON connection_stats(city_id, created_at)",
        """INSERT INTO connection_stats (connection_id, city_id, category, created_at, status,
            accepted_at) SELECT c.id, p.city_id, p.category, c.created_at, c.status,
            CASE WHEN c.status IN ('accepted', 'done') THEN c.updated_at END
            FROM connections c JOIN posts p ON p.id = c.post_id""",
        """CREATE TRIGGER connection_stats_ai AFTER INSERT ON connections BEGIN
            INSERT INTO connection_stats (connection_id, city_id, category, created_at, status)
            SELECT new.id, p.city_id, p.category, new.created_at, new.status
            FROM posts p WHERE p.id = new.post_id; END""",
        """CREATE TRIGGER connection_stats_au AFTER UPDATE OF status ON connections BEGIN
            UPDATE connection_stats SET status = new.status,
            accepted_at = CASE WHEN new.status = 'accepted' THEN new.updated_at
                ELSE accepted_at END
            WHERE connection_id = new.id; END""",
        """CREATE TABLE connection_outcomes (
            connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            outcome TEXT NOT NULL,
            answered_at REAL NOT NULL,
            PRIMARY KEY (connection_id, account_id))""",
        """CREATE TABLE consent_log (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            consent TEXT NOT NULL,
            consent_text TEXT NOT NULL,
            recorded_at REAL NOT NULL)""",
        "CREATE INDEX consent_log_by_account ON consent_log(account_id, id)",
        """INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)
            SELECT id, consent, consent_text, COALESCE(consent_at, created_at) FROM accounts""",
        """CREATE TRIGGER consent_log_ai AFTER INSERT ON accounts BEGIN
            INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)
            VALUES (new.id, new.consent, new.consent_text,
                    COALESCE(new.consent_at, new.created_at)); END""",
        """CREATE TRIGGER consent_log_au AFTER UPDATE OF consent, consent_text ON accounts
            WHEN new.consent IS NOT old.consent OR new.consent_text IS NOT old.consent_text
            OR new.consent_at IS NOT old.consent_at BEGIN
            INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)
            VALUES (new.id, new.consent, new.consent_text,
                    COALESCE(new.consent_at, (julianday('now') - 2440587.5) * 86400.0)); END""",
    ],
    # Notifications (web.notify): the in-app inbox and the e-mail outbox, drained after
    # each write and by `flask --app web send-notifications`. Missions (web.missions)
    # posted by associations, and the volunteers' answers.
    [
        """CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            read_at REAL,
            digest_pending INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX notifications_by_account ON notifications(account_id, id)",
        "CREATE INDEX notifications_for_digest ON notifications(digest_pending, account_id)",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            to_address TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            headers TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            claimed_at REAL,
            sent_at REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX outbox_pending ON outbox(sent_at, id)",
        """CREATE TABLE missions (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            starts_at REAL NOT NULL,
            address TEXT NOT NULL DEFAULT '',
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            radius_m REAL NOT NULL,
            volunteers_needed INTEGER NOT NULL,
            notified INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL)""",
        "CREATE INDEX missions_by_city ON missions(city_id, starts_at)",
        "CREATE INDEX missions_by_account ON missions(account_id, starts_at)",
        """CREATE TABLE mission_answers (
            mission_id INTEGER NOT NULL REFERENCES missions(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
            share_contact INTEGER NOT NULL DEFAULT 0,
            answered_at REAL NOT NULL,
            PRIMARY KEY (mission_id, account_id))""",
    ],
    # Alerts (web.alerts): residents' subscriptions ("new requests of these categories
    # within N metres of my home"), their change log (how each process keeps its
    # matcher.Subscriptions current), and how far the posts' change log was matched.
    [
        """CREATE TABLE alert_subscriptions (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            kind TEXT,
            categories TEXT,
            radius_m REAL NOT NULL,
            lat REAL NOT NULL,
            lon REAL NOT NULL,
            digest INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL)""",
        "CREATE INDEX alert_subscriptions_by_account ON alert_subscriptions(account_id)",
        """CREATE TABLE alert_subscription_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            city_id INTEGER NOT NULL,
            subscription_id INTEGER NOT NULL)""",
        """CREATE TRIGGER alert_subscriptions_ai AFTER INSERT ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (new.city_id, new.id); END""",
        """CREATE TRIGGER alert_subscriptions_au AFTER UPDATE ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (new.city_id, new.id); END""",
        """CREATE TRIGGER alert_subscriptions_ad AFTER DELETE ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (old.city_id, old.id); END""",
        """CREATE TABLE alert_progress (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_seq INTEGER NOT NULL)""",
        """INSERT INTO alert_progress (id, last_seq)
            SELECT 1, COALESCE(MAX(seq), 0) FROM change_log""",
        """CREATE TABLE alerted_posts (
            post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE)""",
        "ALTER TABLE notifications ADD COLUMN subscription_id INTEGER",
    ],
    # Expiry reminders (web.expiry): which expiry date of a post was announced to its poster.
    [
        """CREATE TABLE post_reminders (
            post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
            expires_at REAL NOT NULL,
            reminded_at REAL NOT NULL)""",
    ],
    # Posts on behalf of someone (web.relay): who, their phone, their consent and the
    # agent who took it; the post itself belongs to the agent.
    [
        """CREATE TABLE relayed_posts (
            post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
            agent_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            consent_text TEXT NOT NULL,
            consent_at REAL NOT NULL)""",
    ],
    # Organisations verified by the city (web.verification): NULL for residents, then
    # 'pending', 'approved' or 'refused'. Association accounts made before were made by
    # the operator's CLI or trusted at sign-up: approved.
    [
        "ALTER TABLE accounts ADD COLUMN verification TEXT",
        "UPDATE accounts SET verification = 'approved' WHERE role = 'association'",
    ],
    # Retention (web.retention) and open data (web.opendata): each city's overrides of the
    # default periods and its open-data licence; when each account was last seen and warned
    # before deletion; anonymous counts of purged posts; and the audit logs may now lose
    # rows older than the city's ``audit_kept_since`` (set by the purge), never newer ones.
    [
        "ALTER TABLE cities ADD COLUMN retention TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE cities ADD COLUMN open_data_licence TEXT",
        "ALTER TABLE cities ADD COLUMN audit_kept_since REAL NOT NULL DEFAULT 0",
        "ALTER TABLE accounts ADD COLUMN last_seen_at REAL",
        "ALTER TABLE accounts ADD COLUMN inactivity_warned_at REAL",
        "UPDATE accounts SET last_seen_at = created_at",
        """CREATE TABLE purged_post_counts (
            city_id INTEGER NOT NULL,
            week TEXT NOT NULL,
            h3_cell TEXT NOT NULL,
            category TEXT NOT NULL,
            kind TEXT NOT NULL,
            posts INTEGER NOT NULL,
            PRIMARY KEY (city_id, week, h3_cell, category, kind))""",
        "DROP TRIGGER moderation_audit_no_delete",
        """CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON moderation_audit
            WHEN old.created_at >= (SELECT audit_kept_since FROM cities WHERE id = old.city_id)
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
        "DROP TRIGGER call_access_log_no_delete",
        """CREATE TRIGGER call_access_log_no_delete BEFORE DELETE ON call_access_log
            WHEN old.at >= (SELECT audit_kept_since FROM cities WHERE id = old.city_id)
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
    ],
    # Account security (web.sessions, web.mailed_links): sessions kept here, so that logging
    # out ends one for good; single-use links mailed to confirm a sign-up or reset a
    # password; an account signed up through the API waits for its link (the CLI's do not).
    [
        """CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL)""",
        "CREATE INDEX sessions_by_account ON sessions(account_id)",
        """CREATE TABLE mailed_links (
            token_hash TEXT PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            purpose TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}',
            expires_at REAL NOT NULL)""",
        "CREATE INDEX mailed_links_by_account ON mailed_links(account_id, purpose)",
        "ALTER TABLE accounts ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1",
    ],
]

_RATE_LIMIT_SCHEMA = """CREATE TABLE IF NOT EXISTS ratelimit.buckets (
    key TEXT PRIMARY KEY, window_start REAL NOT NULL, count INTEGER NOT NULL)"""

_POST_COLUMNS = """p.id, p.kind, p.category, p.title, p.body, p.precision, p.public_lat,
    p.public_lon, p.status, p.created_at, p.updated_at, p.expires_at, p.account_id,
    a.poster_type, a.display_name AS poster_name,
    a.role = 'association' AND a.verification = 'approved' AS poster_verified,
    EXISTS (SELECT 1 FROM relayed_posts r WHERE r.post_id = p.id) AS relayed"""
_OWNER_COLUMNS = "p.address, p.lat, p.lon"


_threads = threading.local()
_KEPT_PER_THREAD = 4  # open connections a thread keeps (tests open many databases)


def current() -> "Store":
    """The request's store: this thread's connection to the app's database, reused from
    request to request (opening one costs about as much as answering a search)."""
    if "store" not in g:
        g.store = _thread_store(current_app.config["DATABASE"])
    return g.store  # type: ignore[no-any-return]


def _thread_store(path: str) -> "Store":
    stores: OrderedDict[tuple[int, str], Store] = _threads.__dict__.setdefault(
        "stores", OrderedDict()
    )
    key = (os.getpid(), path)  # never a connection inherited across fork
    if key in stores:
        stores.move_to_end(key)
        return stores[key]
    while len(stores) >= _KEPT_PER_THREAD:
        _, oldest = stores.popitem(last=False)
        oldest.close()
    stores[key] = Store(path)
    return stores[key]


def close_current(_error: BaseException | None = None) -> None:
    """End of request: the connection stays open for the thread's next request, but no
    transaction may outlive the request."""
    store = g.pop("store", None)
    if store is not None and store.conn.in_transaction:
        store.conn.execute("ROLLBACK")


def migrate(path: str | Path) -> int:
    """Create the database (and its folder) if needed and apply pending migrations."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    try:
        return store.migrate()
    finally:
        store.close()


def rate_limit_path(database: str | Path) -> Path:
    path = Path(database)
    return path.with_name(path.stem + ".ratelimit" + (path.suffix or ".sqlite"))


class Store:
    """One connection to the database, with the statements the app runs."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("ATTACH DATABASE ? AS ratelimit", (str(rate_limit_path(self.path)),))
        conn.execute("PRAGMA ratelimit.synchronous = OFF")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)

    def close(self) -> None:
        self.conn.close()

    # -- transactions and schema --------------------------------------------------------

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

    def migrate(self) -> int:
        """Apply pending migrations; returns the schema version."""
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA ratelimit.journal_mode = WAL")
        self.conn.execute(_RATE_LIMIT_SCHEMA)
        with self.write():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    self.conn.execute(statement)
            self.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        return len(MIGRATIONS)

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """Changes whenever another connection commits (cheap: no disk read)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, params)), None)

    def _all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    # -- cities and categories -----------------------------------------------------------

    def create_city(
        self,
        slug: str,
        name: str,
        boundary: dict[str, Any],
        categories: Iterable[dict[str, Any]],
        languages: Sequence[str] = ("fr", "en"),
        premoderation: bool = False,
    ) -> int:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO cities (slug, name, boundary, languages, premoderation, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    slug,
                    name,
                    json.dumps(boundary),
                    json.dumps(list(languages)),
                    int(premoderation),
                    time.time(),
                ),
            )
            city_id = int(cursor.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO categories (city_id, slug, fr, en, icon, remote, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        city_id,
                        c["slug"],
                        c["fr"],
                        c["en"],
                        c.get("icon", ""),
                        int(bool(c.get("remote"))),
                        position,
                    )
                    for position, c in enumerate(categories)
                ],
            )
        return city_id

    def city(self, slug: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM cities WHERE slug = ?", (slug,))
        if row is not None:
            row["boundary"] = json.loads(row["boundary"])
            row["languages"] = json.loads(row["languages"])
            row["premoderation"] = bool(row["premoderation"])
            row["retention"] = json.loads(row["retention"])
        return row

    def city_slugs(self) -> list[str]:
        return [row["slug"] for row in self._all("SELECT slug FROM cities ORDER BY slug")]

    def categories(self, city_id: int) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT slug, fr, en, icon, remote FROM categories"
            " WHERE city_id = ? AND retired = 0 ORDER BY position",
            (city_id,),
        )
        for row in rows:
            row["remote"] = bool(row["remote"])
        return rows

    # -- accounts and tokens -------------------------------------------------------------

    def create_account(self, city_id: int, **fields: Any) -> int:
        fields = _encode_consent(fields)
        columns = ["city_id", "created_at", *fields]
        values = [city_id, time.time(), *fields.values()]
        with self.write():
            cursor = self.conn.execute(
                f"INSERT INTO accounts ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                values,
            )
        return int(cursor.lastrowid or 0)

    def account(self, account_id: int) -> dict[str, Any] | None:
        return _decode_account(
            self._one(
                "SELECT a.*, c.slug AS city FROM accounts a JOIN cities c ON c.id = a.city_id"
                " WHERE a.id = ?",
                (account_id,),
            )
        )

    def account_by_email(self, email: str) -> dict[str, Any] | None:
        return _decode_account(
            self._one(
                "SELECT a.*, c.slug AS city FROM accounts a JOIN cities c ON c.id = a.city_id"
                " WHERE a.email = ?",
                (email,),
            )
        )

    def update_account(self, account_id: int, **fields: Any) -> None:
        if not fields:
            return
        fields = _encode_consent(fields)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.conn.execute(
                f"UPDATE accounts SET {assignments} WHERE id = ?", [*fields.values(), account_id]
            )

    def create_token(self, account_id: int, token_hash: str) -> int:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO api_tokens (account_id, token_hash, created_at) VALUES (?, ?, ?)",
                (account_id, token_hash, time.time()),
            )
        return int(cursor.lastrowid or 0)

    def account_by_token(self, token_hash: str) -> dict[str, Any] | None:
        row = self._one(
            "SELECT account_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
            (token_hash,),
        )
        return None if row is None else self.account(row["account_id"])

    def revoke_token(self, token_id: int, account_id: int | None = None) -> bool:
        """Revoke a token (only one of ``account_id``'s when given); False if none was live."""
        sql = "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
        params: list[Any] = [time.time(), token_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        with self.write():
            return self.conn.execute(sql, params).rowcount == 1

    def tokens(self, account_id: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT id, created_at, revoked_at FROM api_tokens WHERE account_id = ? ORDER BY id",
            (account_id,),
        )

    # -- posts ---------------------------------------------------------------------------

    def create_post(
        self, city_id: int, relayed: dict[str, Any] | None = None, **fields: Any
    ) -> int:
        """A new post; ``relayed`` (``web.relay``) records, in the same transaction, whom
        an agent posts for."""
        now = time.time()
        fields.setdefault("created_at", now)
        fields.setdefault("updated_at", now)
        columns = ["city_id", *fields]
        with self.write():
            cursor = self.conn.execute(
                f"INSERT INTO posts ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [city_id, *fields.values()],
            )
            post_id = int(cursor.lastrowid or 0)
            if relayed is not None:
                self.conn.execute(
                    "INSERT INTO relayed_posts (post_id, agent_id, name, phone, consent_text,"
                    " consent_at) VALUES (:post_id, :agent_id, :name, :phone, :consent_text,"
                    " :consent_at)",
                    {"post_id": post_id, **relayed},
                )
            self._log(city_id, post_id, "upsert")
        return post_id

    def create_posts(self, city_id: int, rows: Iterable[dict[str, Any]]) -> int:
        """Bulk insert (the demo), one transaction; returns how many."""
        count = 0
        with self.write():
            for fields in rows:
                columns = ["city_id", *fields]
                cursor = self.conn.execute(
                    f"INSERT INTO posts ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' for _ in columns)})",
                    [city_id, *fields.values()],
                )
                self._log(city_id, int(cursor.lastrowid or 0), "upsert")
                count += 1
        return count

    def update_post(self, city_id: int, post_id: int, **fields: Any) -> None:
        fields["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.conn.execute(
                f"UPDATE posts SET {assignments} WHERE id = ? AND city_id = ?",
                [*fields.values(), post_id, city_id],
            )
            self._log(city_id, post_id, "upsert")

    def delete_post(self, city_id: int, post_id: int) -> None:
        with self.write():
            self.conn.execute("DELETE FROM posts WHERE id = ? AND city_id = ?", (post_id, city_id))
            self._log(city_id, post_id, "delete")

    def delete_account(self, account_id: int) -> None:
        """The account, its posts, tokens and connections; its posts leave every index."""
        with self.write():
            for row in self.conn.execute(
                "SELECT city_id, id FROM posts WHERE account_id = ?", (account_id,)
            ).fetchall():
                self._log(row[0], row[1], "delete")
            self.conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))

    def _log(self, city_id: int, post_id: int, op: str) -> None:
        self.conn.execute(
            "INSERT INTO change_log (city_id, post_id, op) VALUES (?, ?, ?)", (city_id, post_id, op)
        )

    def post(self, city_id: int, post_id: int) -> dict[str, Any] | None:
        """A post with its owner-only columns (callers decide what to show)."""
        return self._one(
            f"SELECT {_POST_COLUMNS}, {_OWNER_COLUMNS} FROM posts p"
            " JOIN accounts a ON a.id = p.account_id WHERE p.id = ? AND p.city_id = ?",
            (post_id, city_id),
        )

    def visible_posts(self, city_id: int, post_ids: Sequence[int], now: float) -> dict[int, dict]:
        """Public columns of those posts that are published and unexpired, by id."""
        if not post_ids:
            return {}
        rows = self._all(
            # NOT INDEXED: look the ids up by rowid, never scan the city's index.
            f"SELECT {_POST_COLUMNS} FROM posts p NOT INDEXED"
            " JOIN accounts a ON a.id = p.account_id"
            " WHERE p.city_id = ? AND p.status = 'published' AND p.expires_at > ?"
            f" AND p.id IN ({', '.join('?' for _ in post_ids)})",
            (city_id, now, *post_ids),
        )
        return {row["id"]: row for row in rows}

    def account_posts(self, account_id: int) -> list[dict[str, Any]]:
        return self._all(
            f"SELECT {_POST_COLUMNS}, {_OWNER_COLUMNS} FROM posts p"
            " JOIN accounts a ON a.id = p.account_id WHERE p.account_id = ?"
            " ORDER BY p.created_at DESC, p.id DESC",
            (account_id,),
        )

    def indexable_posts(self, city_id: int, now: float) -> list[tuple]:
        """``(id, public_lat, public_lon, category, kind, created_at, precision, expires_at)``
        of the published, unexpired posts: what an index is built from."""
        return self.conn.execute(
            "SELECT id, public_lat, public_lon, category, kind, created_at, precision, expires_at"
            " FROM posts WHERE city_id = ? AND status = 'published' AND expires_at > ?",
            (city_id, now),
        ).fetchall()

    def indexable_post(self, post_id: int, now: float) -> tuple | None:
        return self.conn.execute(
            "SELECT id, public_lat, public_lon, category, kind, created_at, precision, expires_at"
            " FROM posts WHERE id = ? AND status = 'published' AND expires_at > ?",
            (post_id, now),
        ).fetchone()

    def last_change(self, city_id: int) -> int:
        row = self.conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM change_log WHERE city_id = ?", (city_id,)
        ).fetchone()
        return int(row[0])

    def changes_since(self, city_id: int, seq: int) -> list[tuple[int, int, str]]:
        """``(seq, post_id, op)`` after ``seq``, oldest first."""
        return self.conn.execute(
            "SELECT seq, post_id, op FROM change_log WHERE city_id = ? AND seq > ? ORDER BY seq",
            (city_id, seq),
        ).fetchall()

    def stats(self, city_id: int, now: float) -> list[dict[str, Any]]:
        """Live posts by category and kind (connection counts are for the city's agents)."""
        return self._all(
            "SELECT category, kind, COUNT(*) AS posts FROM posts WHERE city_id = ?"
            " AND status = 'published' AND expires_at > ? GROUP BY category, kind",
            (city_id, now),
        )

    # -- connections ---------------------------------------------------------------------

    def create_connection(self, post_id: int, requester_id: int, message: str) -> int:
        now = time.time()
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO connections (post_id, requester_id, message, status, created_at,"
                " updated_at) VALUES (?, ?, ?, 'requested', ?, ?)",
                (post_id, requester_id, message, now, now),
            )
        return int(cursor.lastrowid or 0)

    def has_open_connection(self, post_id: int, requester_id: int) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM connections WHERE post_id = ? AND requester_id = ?"
            " AND status = 'requested'",
            (post_id, requester_id),
        ).fetchone()
        return row is not None

    def connection(self, connection_id: int) -> dict[str, Any] | None:
        return self._one(
            "SELECT c.*, p.account_id AS poster_id FROM connections c"
            " JOIN posts p ON p.id = c.post_id WHERE c.id = ?",
            (connection_id,),
        )

    def set_connection_status(self, connection_id: int, status: str) -> None:
        with self.write():
            self.conn.execute(
                "UPDATE connections SET status = ?, updated_at = ? WHERE id = ?",
                (status, time.time(), connection_id),
            )

    def connections_of(self, account_id: int) -> dict[str, list[dict[str, Any]]]:
        """Connections on the account's posts (incoming) and that it asked (outgoing),
        each with the other side's account row under ``other``."""
        select = (
            "SELECT c.id, c.post_id, p.title AS post_title, c.message, c.status, c.created_at,"
            " o.display_name, o.email, o.phone, o.consent FROM connections c"
            " JOIN posts p ON p.id = c.post_id"
        )
        incoming = self._all(
            select + " JOIN accounts o ON o.id = c.requester_id WHERE p.account_id = ?"
            " ORDER BY c.created_at DESC, c.id DESC",
            (account_id,),
        )
        outgoing = self._all(
            select + " JOIN accounts o ON o.id = p.account_id WHERE c.requester_id = ?"
            " ORDER BY c.created_at DESC, c.id DESC",
            (account_id,),
        )
        for row in incoming + outgoing:
            row["consent"] = json.loads(row["consent"])
        return {"incoming": incoming, "outgoing": outgoing}

    # -- moderation (web.moderation) ------------------------------------------------------

    def set_premoderation(self, city_id: int, on: bool, actor: dict[str, Any]) -> None:
        with self.write():
            self.conn.execute(
                "UPDATE cities SET premoderation = ? WHERE id = ?", (int(on), city_id)
            )
            action = "premoderation_on" if on else "premoderation_off"
            self._audit(city_id, None, actor, action, "")

    def premoderation(self, city_id: int) -> bool:
        """Read at each new post (a CLI switch applies at once, whatever the cached city)."""
        row = self.conn.execute("SELECT premoderation FROM cities WHERE id = ?", (city_id,))
        return bool(row.fetchone()[0])

    def flag_post(self, post_id: int, signals: Sequence[str]) -> None:
        """(Re)open the post's commercial flag with these signals."""
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO post_flags (post_id, signals, created_at, resolved_at)"
                " VALUES (?, ?, ?, NULL)",
                (post_id, json.dumps(list(signals)), time.time()),
            )

    def report_post(self, post_id: int, reporter_id: int, reason: str) -> int | None:
        """A new open report; None if this reporter already has one open on the post."""
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO reports (post_id, reporter_id, reason, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (post_id, reporter_id, reason, time.time()),
            )
        return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    def moderation_queue(self, city_id: int, limit: int) -> list[dict[str, Any]]:
        """Pending, reported (open reports) and flagged (open flag) posts of the city,
        most reported first, then oldest first; with their open reports' reasons."""
        rows = self._all(
            f"SELECT {_POST_COLUMNS}, a.email AS poster_email, f.signals,"
            " (SELECT COUNT(*) FROM reports r WHERE r.post_id = p.id"
            "  AND r.resolved_at IS NULL) AS report_count"
            " FROM posts p JOIN accounts a ON a.id = p.account_id"
            " LEFT JOIN post_flags f ON f.post_id = p.id AND f.resolved_at IS NULL"
            " WHERE p.city_id = ? AND p.id IN ("
            "  SELECT id FROM posts WHERE city_id = ? AND status = 'pending'"
            "  UNION SELECT post_id FROM reports WHERE resolved_at IS NULL"
            "  UNION SELECT post_id FROM post_flags WHERE resolved_at IS NULL)"
            " ORDER BY report_count DESC, p.created_at, p.id LIMIT ?",
            (city_id, city_id, limit),
        )
        reasons = self._all(
            "SELECT post_id, reason, created_at FROM reports WHERE resolved_at IS NULL"
            " AND post_id IN (SELECT value FROM json_each(?)) ORDER BY created_at",
            (json.dumps([row["id"] for row in rows]),),
        )
        for row in rows:
            row["signals"] = json.loads(row["signals"]) if row["signals"] else []
            row["reports"] = [r for r in reasons if r["post_id"] == row["id"]]
        return rows

    def post_history(self, post_id: int) -> list[dict[str, Any]]:
        """Reports and moderation actions on a post, oldest first."""
        return self._all(
            "SELECT 'report' AS action, reason, created_at, NULL AS actor_name FROM reports"
            " WHERE post_id = ?1"
            " UNION ALL SELECT action, reason, created_at, actor_name FROM moderation_audit"
            " WHERE post_id = ?1 ORDER BY created_at",
            (post_id,),
        )

    def moderate_post(
        self,
        city_id: int,
        post_id: int,
        actor: dict[str, Any],
        action: str,
        reason: str,
        status: str | None,
        notice: dict[str, Any] | None = None,
    ) -> None:
        """One moderation action in one transaction: the new status (the index follows
        through the change log), the note the poster sees, open reports and flag
        resolved, the audit entry, and ``notice`` to the poster."""
        now = time.time()
        with self.write():
            if status is not None:
                self.conn.execute(
                    "UPDATE posts SET status = ?, updated_at = ? WHERE id = ? AND city_id = ?",
                    (status, now, post_id, city_id),
                )
                self._log(city_id, post_id, "upsert")
            if action == "publish":
                self.conn.execute("DELETE FROM moderation_notes WHERE post_id = ?", (post_id,))
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO moderation_notes (post_id, action, reason, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (post_id, action, reason, now),
                )
            for table in ("reports", "post_flags"):
                self.conn.execute(
                    f"UPDATE {table} SET resolved_at = ? WHERE post_id = ? AND resolved_at IS NULL",
                    (now, post_id),
                )
            self._audit(city_id, post_id, actor, action, reason)
            self.add_notifications([notice] if notice else [])

    def organisations_to_verify(self, city_id: int) -> list[dict[str, Any]]:
        """Accounts of the city waiting for verification as organisations, oldest first."""
        return self._all(
            "SELECT id, email, display_name, poster_type, phone, home_address, created_at"
            " FROM accounts WHERE city_id = ? AND verification = 'pending' ORDER BY id",
            (city_id,),
        )

    def decide_organisation(
        self,
        city_id: int,
        account_id: int,
        changes: dict[str, Any],
        actor: dict[str, Any],
        action: str,
        reason: str,
        notice: dict[str, Any],
    ) -> bool:
        """Approve or refuse a pending organisation: its account changes, the audit log
        and the notice to the applicant in one transaction; False if it was not pending."""
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with self.write():
            cursor = self.conn.execute(
                f"UPDATE accounts SET {assignments}"
                " WHERE id = ? AND city_id = ? AND verification = 'pending'",
                [*changes.values(), account_id, city_id],
            )
            if cursor.rowcount == 0:
                return False
            self._audit(city_id, None, actor, action, reason)
            self.add_notifications([notice])
        return True

    def set_role(self, city_id: int, account_id: int, role: str, actor: dict[str, Any]) -> None:
        """An admin gives an account of the city a role; audited with the account's id."""
        with self.write():
            self.conn.execute(
                "UPDATE accounts SET role = ? WHERE id = ? AND city_id = ?",
                (role, account_id, city_id),
            )
            self._audit(city_id, None, actor, f"role_{role}", f"account {account_id}")

    def _audit(
        self, city_id: int, post_id: int | None, actor: dict[str, Any], action: str, reason: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO moderation_audit (city_id, post_id, actor_id, actor_name, actor_role,"
            " action, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                city_id,
                post_id,
                actor.get("id"),
                actor["display_name"],
                actor["role"],
                action,
                reason,
                time.time(),
            ),
        )

    def moderation_audit(self, city_id: int, before_id: int | None, limit: int) -> list[dict]:
        """Audit entries of the city, newest first, older than ``before_id`` when given."""
        return self._all(
            "SELECT id, post_id, actor_id, actor_name, actor_role, action, reason, created_at"
            " FROM moderation_audit WHERE city_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (city_id, before_id if before_id is not None else 2**63 - 1, limit),
        )

    def moderation_notes(self, account_id: int) -> list[dict[str, Any]]:
        """What moderators told this account about its posts (hidden, warned)."""
        return self._all(
            "SELECT n.post_id, p.title AS post_title, p.status, n.action, n.reason,"
            " n.created_at FROM moderation_notes n JOIN posts p ON p.id = n.post_id"
            " WHERE p.account_id = ? ORDER BY n.created_at DESC",
            (account_id,),
        )

    # -- the call list (web.calls) ---------------------------------------------------------
    # Every method takes the social worker's account id and writes the access log in the
    # same transaction as the read or change it records.

    _CALL_PERSON = """SELECT cp.*, v.display_name AS volunteer_name, v.phone AS volunteer_phone,
        v.email AS volunteer_email,
        (SELECT MAX(called_at) FROM calls WHERE person_id = cp.id) AS last_called_at,
        (SELECT outcome FROM calls WHERE person_id = cp.id
         ORDER BY called_at DESC, id DESC LIMIT 1) AS last_outcome
        FROM call_people cp LEFT JOIN accounts v ON v.id = cp.volunteer_id"""

    def _log_call_access(
        self, city_id: int, account_id: int, action: str, person_id: int | None
    ) -> None:
        self.conn.execute(
            "INSERT INTO call_access_log (city_id, account_id, action, person_id, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (city_id, account_id, action, person_id, time.time()),
        )

    def call_people(self, city_id: int, reader_id: int) -> list[dict[str, Any]]:
        with self.write():
            self._log_call_access(city_id, reader_id, "list", None)
            rows = self._all(
                self._CALL_PERSON + " WHERE cp.city_id = ? ORDER BY cp.name, cp.id", (city_id,)
            )
        return [_decode_needs(row) for row in rows]

    def call_person(
        self, city_id: int, person_id: int, reader_id: int, action: str = "read"
    ) -> dict[str, Any] | None:
        with self.write():
            row = self._one(
                self._CALL_PERSON + " WHERE cp.id = ? AND cp.city_id = ?", (person_id, city_id)
            )
            if row is not None:
                self._log_call_access(city_id, reader_id, action, person_id)
        return None if row is None else _decode_needs(row)

    def create_call_person(self, city_id: int, author_id: int, **fields: Any) -> int:
        now = time.time()
        fields = {**fields, "needs": json.dumps(fields.get("needs", []))}
        columns = ["city_id", "created_by", "created_at", "updated_at", *fields]
        with self.write():
            cursor = self.conn.execute(
                f"INSERT INTO call_people ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [city_id, author_id, now, now, *fields.values()],
            )
            person_id = int(cursor.lastrowid or 0)
            self._log_call_access(city_id, author_id, "create", person_id)
        return person_id

    def update_call_person(
        self, city_id: int, person_id: int, author_id: int, **fields: Any
    ) -> None:
        if "needs" in fields:
            fields["needs"] = json.dumps(fields["needs"])
        fields["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.conn.execute(
                f"UPDATE call_people SET {assignments} WHERE id = ? AND city_id = ?",
                [*fields.values(), person_id, city_id],
            )
            self._log_call_access(city_id, author_id, "update", person_id)

    def delete_call_person(self, city_id: int, person_id: int, author_id: int) -> None:
        with self.write():
            self.conn.execute(
                "DELETE FROM call_people WHERE id = ? AND city_id = ?", (person_id, city_id)
            )
            self._log_call_access(city_id, author_id, "delete", person_id)

    def assign_call_volunteer(
        self, city_id: int, person_id: int, author_id: int, notice: dict[str, Any]
    ) -> None:
        """Assign ``notice["account_id"]`` and tell them (the notice names nobody)."""
        volunteer_id = notice["account_id"]
        with self.write():
            self.conn.execute(
                "UPDATE call_people SET volunteer_id = ?, updated_at = ?"
                " WHERE id = ? AND city_id = ?",
                (volunteer_id, time.time(), person_id, city_id),
            )
            self._log_call_access(city_id, author_id, f"assign volunteer {volunteer_id}", person_id)
            self.add_notifications([notice])

    def record_call(
        self, city_id: int, person_id: int, author_id: int, outcome: str, notes: str
    ) -> int:
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO calls (person_id, recorded_by, outcome, notes, called_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (person_id, author_id, outcome, notes, time.time()),
            )
            self._log_call_access(city_id, author_id, "record call", person_id)
        return int(cursor.lastrowid or 0)

    def calls_of(self, person_id: int) -> list[dict[str, Any]]:
        """Read by the same requests that logged their read of the person."""
        return self._all(
            "SELECT c.id, c.outcome, c.notes, c.called_at, a.display_name AS recorded_by"
            " FROM calls c LEFT JOIN accounts a ON a.id = c.recorded_by"
            " WHERE c.person_id = ? ORDER BY c.called_at DESC, c.id DESC",
            (person_id,),
        )

    def call_volunteers(self, city_id: int) -> list[dict[str, Any]]:
        """Accounts of the city who accept calls, with their exact home point."""
        return self._all(
            "SELECT id, display_name, phone, email, home_lat, home_lon, precision FROM accounts"
            " WHERE city_id = ? AND accepts_calls = 1 AND home_lat IS NOT NULL",
            (city_id,),
        )

    def call_access_log(self, city_id: int, reader_id: int, limit: int = 500) -> list[dict]:
        with self.write():
            self._log_call_access(city_id, reader_id, "read log", None)
            return self._all(
                "SELECT l.*, a.display_name AS account_name FROM call_access_log l"
                " LEFT JOIN accounts a ON a.id = l.account_id WHERE l.city_id = ?"
                " ORDER BY l.id DESC LIMIT ?",
                (city_id, limit),
            )

    # -- connection follow-up and counts (web.followup) --------------------------------------

    def follow_ups(self, account_id: int, accepted_before: float) -> list[dict[str, Any]]:
        """Connections of the account (either side) accepted before that time that it has
        not yet said whether the help happened."""
        return self._all(
            "SELECT c.id, c.post_id, p.title AS post_title, s.accepted_at,"
            " CASE WHEN p.account_id = ?1 THEN 'poster' ELSE 'requester' END AS side"
            " FROM connections c JOIN posts p ON p.id = c.post_id"
            " JOIN connection_stats s ON s.connection_id = c.id"
            " WHERE (p.account_id = ?1 OR c.requester_id = ?1)"
            " AND c.status IN ('accepted', 'done') AND s.accepted_at <= ?2"
            " AND NOT EXISTS (SELECT 1 FROM connection_outcomes o"
            "  WHERE o.connection_id = c.id AND o.account_id = ?1)"
            " ORDER BY s.accepted_at, c.id",
            (account_id, accepted_before),
        )

    def record_outcome(self, connection_id: int, account_id: int, outcome: str) -> str:
        """One side's answer (it may change it); returns the connection's outcome:
        ``done`` when either side says so, else ``not_done``. A done connection's
        status becomes ``done``."""
        with self.write():
            self.conn.execute(
                "INSERT OR REPLACE INTO connection_outcomes"
                " (connection_id, account_id, outcome, answered_at) VALUES (?, ?, ?, ?)",
                (connection_id, account_id, outcome, time.time()),
            )
            answers = {
                row[0]
                for row in self.conn.execute(
                    "SELECT outcome FROM connection_outcomes WHERE connection_id = ?",
                    (connection_id,),
                )
            }
            overall = "done" if "done" in answers else "not_done"
            self.conn.execute(
                "UPDATE connection_stats SET outcome = ? WHERE connection_id = ?",
                (overall, connection_id),
            )
            self.conn.execute(
                "UPDATE connections SET status = ?, updated_at = ? WHERE id = ?",
                ("done" if overall == "done" else "accepted", time.time(), connection_id),
            )
        return overall

    def connection_stats(self, city_id: int) -> list[tuple[str, float, str, str | None]]:
        """``(category, created_at, status, outcome)`` of every connection ever made in the
        city, deleted posts and accounts included: anonymous, no message."""
        return self.conn.execute(
            "SELECT category, created_at, status, outcome FROM connection_stats"
            " WHERE city_id = ? ORDER BY created_at",
            (city_id,),
        ).fetchall()

    def consent_history(self, account_id: int) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT consent, consent_text, recorded_at FROM consent_log WHERE account_id = ?"
            " ORDER BY id",
            (account_id,),
        )
        for row in rows:
            row["consent"] = json.loads(row["consent"])
        return rows

    # -- notifications: inbox and e-mail outbox (web.notify) -------------------------------

    def add_notifications(self, notices: Iterable[dict[str, Any]]) -> int:
        """Inside a write: each notice ``{account_id, kind, title, body, link}`` goes to the
        inbox; with ``digest`` it waits for the daily digest; with ``mail`` (``{to,
        subject, body, headers}``) an e-mail joins the outbox. Returns how many."""
        now = time.time()
        count = 0
        for notice in notices:
            self.conn.execute(
                "INSERT INTO notifications (account_id, kind, title, body, link, created_at,"
                " digest_pending, subscription_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    notice["account_id"],
                    notice["kind"],
                    notice["title"],
                    notice.get("body", ""),
                    notice.get("link", ""),
                    now,
                    int(bool(notice.get("digest"))),
                    notice.get("subscription_id"),
                ),
            )
            if notice.get("mail"):
                self._queue_mail(notice["account_id"], notice["mail"], now)
            count += 1
        return count

    def _queue_mail(self, account_id: int, mail: dict[str, Any], now: float) -> None:
        self.conn.execute(
            "INSERT INTO outbox (account_id, to_address, subject, body, headers, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                account_id,
                mail["to"],
                mail["subject"],
                mail["body"],
                json.dumps(mail.get("headers", {})),
                now,
            ),
        )

    def queue_notifications(self, notices: Iterable[dict[str, Any]]) -> int:
        with self.write():
            return self.add_notifications(notices)

    def notifications(self, account_id: int, limit: int, unread_only: bool) -> list[dict]:
        return self._all(
            "SELECT id, kind, title, body, link, created_at, read_at FROM notifications"
            " WHERE account_id = ?"
            + (" AND read_at IS NULL" if unread_only else "")
            + " ORDER BY id DESC LIMIT ?",
            (account_id, limit),
        )

    def unread_count(self, account_id: int) -> int:
        row = self.conn.execute(
            "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL",
            (account_id,),
        ).fetchone()
        return int(row[0])

    def mark_read(self, account_id: int, notification_id: int | None = None) -> int:
        """Mark one (or, with None, every) notification of the account read; how many."""
        sql = "UPDATE notifications SET read_at = ? WHERE account_id = ? AND read_at IS NULL"
        params: list[Any] = [time.time(), account_id]
        if notification_id is not None:
            sql += " AND id = ?"
            params.append(notification_id)
        with self.write():
            return self.conn.execute(sql, params).rowcount

    def claim_mail(self, now: float, limit: int, max_attempts: int, reclaim_s: float) -> list:
        """Take unsent e-mails for this sender (another sender skips them until
        ``reclaim_s`` has passed: a crashed sender's mail is retried)."""
        with self.write():
            rows = self._all(
                "UPDATE outbox SET claimed_at = ?, attempts = attempts + 1 WHERE id IN"
                " (SELECT id FROM outbox WHERE sent_at IS NULL AND attempts < ?"
                " AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT ?)"
                " RETURNING id, to_address, subject, body, headers",
                (now, max_attempts, now - reclaim_s, limit),
            )
        for row in rows:
            row["headers"] = json.loads(row["headers"])
        return sorted(rows, key=lambda row: row["id"])

    def mail_done(self, mail_id: int, error: str = "") -> None:
        """Sent (no error), or failed: released for a later attempt."""
        with self.write():
            if error:
                self.conn.execute(
                    "UPDATE outbox SET claimed_at = NULL, last_error = ? WHERE id = ?",
                    (error, mail_id),
                )
            else:
                self.conn.execute(
                    "UPDATE outbox SET sent_at = ? WHERE id = ?", (time.time(), mail_id)
                )

    # -- missions (web.missions) -----------------------------------------------------------

    def create_mission(
        self, city_id: int, account_id: int, notices: Sequence[dict[str, Any]], **fields: Any
    ) -> int:
        """The mission and the notices to the volunteers around it, in one transaction."""
        columns = ["city_id", "account_id", "created_at", "notified", *fields]
        with self.write():
            cursor = self.conn.execute(
                f"INSERT INTO missions ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [city_id, account_id, time.time(), len(notices), *fields.values()],
            )
            self.add_notifications(notices)
        return int(cursor.lastrowid or 0)

    _MISSION = """SELECT m.*, a.display_name AS association_name,
        (SELECT COUNT(*) FROM mission_answers WHERE mission_id = m.id AND answer = 'yes')
            AS yes_count,
        (SELECT COUNT(*) FROM mission_answers WHERE mission_id = m.id AND answer = 'no')
            AS no_count
        FROM missions m JOIN accounts a ON a.id = m.account_id"""

    def mission(self, city_id: int, mission_id: int) -> dict[str, Any] | None:
        return self._one(self._MISSION + " WHERE m.id = ? AND m.city_id = ?", (mission_id, city_id))

    def missions_by(self, account_id: int) -> list[dict[str, Any]]:
        return self._all(
            self._MISSION + " WHERE m.account_id = ? ORDER BY m.starts_at DESC, m.id DESC",
            (account_id,),
        )

    def upcoming_missions(self, city_id: int, now: float) -> list[dict[str, Any]]:
        return self._all(
            self._MISSION + " WHERE m.city_id = ? AND m.starts_at > ? ORDER BY m.starts_at, m.id",
            (city_id, now),
        )

    def mission_volunteers(self, city_id: int) -> list[dict[str, Any]]:
        """Accounts of the city who accept missions, with their exact home point."""
        return self._all(
            "SELECT id, display_name, email, home_lat, home_lon, precision FROM accounts"
            " WHERE city_id = ? AND accepts_missions = 1 AND home_lat IS NOT NULL",
            (city_id,),
        )

    def answer_mission(
        self, mission_id: int, account_id: int, answer: str, share_contact: bool
    ) -> None:
        with self.write():
            self.conn.execute(
                "INSERT INTO mission_answers (mission_id, account_id, answer, share_contact,"
                " answered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (mission_id, account_id)"
                " DO UPDATE SET answer = excluded.answer,"
                " share_contact = excluded.share_contact, answered_at = excluded.answered_at",
                (mission_id, account_id, answer, int(share_contact), time.time()),
            )

    def mission_answers(self, mission_id: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT ma.answer, ma.share_contact, ma.answered_at, a.id AS account_id,"
            " a.display_name, a.email, a.phone FROM mission_answers ma"
            " JOIN accounts a ON a.id = ma.account_id WHERE ma.mission_id = ?"
            " ORDER BY ma.answered_at, a.id",
            (mission_id,),
        )

    def my_mission_answers(self, account_id: int) -> dict[int, str]:
        rows = self.conn.execute(
            "SELECT mission_id, answer FROM mission_answers WHERE account_id = ?", (account_id,)
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    # -- "my data" (web.mydata) ------------------------------------------------------------

    _SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})

    def personal_data(self, account_id: int) -> dict[str, Any]:
        """Everything held about an account: its row (no password hash), every table's rows
        it owns (``account_id``), the connections it is a side of, its reports and the
        moderators' notes on its posts. Secrets (hashes) are left out."""
        data: dict[str, Any] = {
            "account": self._without_secrets(
                self._one("SELECT * FROM accounts WHERE id = ?", (account_id,)) or {}
            )
        }
        owned_tables = [
            row[0]
            for row in self.conn.execute(
                "SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f"
                " WHERE m.type = 'table' AND f.\"table\" = 'accounts' AND f.\"from\" = 'account_id'"
                " ORDER BY m.name"
            )
        ]
        for table in owned_tables:
            rows = self._all(f"SELECT * FROM {table} WHERE account_id = ?", (account_id,))
            data[table] = [self._without_secrets(row) for row in rows]
        data["connections_asked"] = self._all(
            "SELECT c.id, c.post_id, p.title AS post_title, c.message, c.status, c.created_at,"
            " c.updated_at FROM connections c JOIN posts p ON p.id = c.post_id"
            " WHERE c.requester_id = ? ORDER BY c.id",
            (account_id,),
        )
        data["connections_received"] = self._all(
            "SELECT c.id, c.post_id, o.display_name AS requester_name, c.message, c.status,"
            " c.created_at, c.updated_at FROM connections c JOIN posts p ON p.id = c.post_id"
            " JOIN accounts o ON o.id = c.requester_id WHERE p.account_id = ? ORDER BY c.id",
            (account_id,),
        )
        data["reports_made"] = self._all(
            "SELECT id, post_id, reason, created_at, resolved_at FROM reports"
            " WHERE reporter_id = ? ORDER BY id",
            (account_id,),
        )
        data["moderation_notes"] = self.moderation_notes(account_id)
        return data

    def _without_secrets(self, row: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in row.items() if name not in self._SECRET_COLUMNS}

    # -- alerts (web.alerts) ---------------------------------------------------------------

    def create_subscription(
        self, city_id: int, account_id: int, at_most: int, **fields: Any
    ) -> int | None:
        """A subscription (the trigger logs it for every process's matcher); None when the
        account has ``at_most`` already."""
        columns = ["city_id", "account_id", "created_at", *fields]
        with self.write():
            held = self.conn.execute(
                "SELECT COUNT(*) FROM alert_subscriptions WHERE account_id = ?", (account_id,)
            ).fetchone()[0]
            if held >= at_most:
                return None
            cursor = self.conn.execute(
                f"INSERT INTO alert_subscriptions ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [city_id, account_id, time.time(), *fields.values()],
            )
        return int(cursor.lastrowid or 0)

    def subscription(self, subscription_id: int) -> dict[str, Any] | None:
        return _decode_categories(
            self._one("SELECT * FROM alert_subscriptions WHERE id = ?", (subscription_id,))
        )

    def subscriptions_of(self, account_id: int) -> list[dict[str, Any]]:
        rows = self._all(
            "SELECT * FROM alert_subscriptions WHERE account_id = ? ORDER BY id", (account_id,)
        )
        return [_decode_categories(row) for row in rows]  # type: ignore[misc]

    def city_subscriptions(self, city_id: int) -> tuple[list[dict[str, Any]], int]:
        """The city's subscriptions and a log position they reflect at least (the position
        is read first: a change in between is applied twice, never missed)."""
        seq = self.conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM alert_subscription_log WHERE city_id = ?",
            (city_id,),
        ).fetchone()[0]
        rows = self._all("SELECT * FROM alert_subscriptions WHERE city_id = ?", (city_id,))
        return [_decode_categories(row) for row in rows], int(seq)  # type: ignore[misc]

    def subscription_changes(self, city_id: int, seq: int) -> tuple[list[dict], set[int], int]:
        """Since ``seq``: the current rows of changed subscriptions, the ids of deleted
        ones, and the new log position (rows read after the log: never older than it)."""
        changed = self.conn.execute(
            "SELECT seq, subscription_id FROM alert_subscription_log"
            " WHERE city_id = ? AND seq > ? ORDER BY seq",
            (city_id, seq),
        ).fetchall()
        ids = sorted({row[1] for row in changed})
        rows = self._all(
            f"SELECT * FROM alert_subscriptions WHERE id IN ({', '.join('?' for _ in ids)})",
            ids,
        )
        found = {row["id"] for row in rows}
        last = changed[-1][0] if changed else seq
        return [_decode_categories(r) for r in rows], set(ids) - found, last  # type: ignore[misc]

    def delete_subscription(self, subscription_id: int, account_id: int | None = None) -> bool:
        sql = "DELETE FROM alert_subscriptions WHERE id = ?"
        params: list[Any] = [subscription_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        with self.write():
            return self.conn.execute(sql, params).rowcount == 1

    def emails(self, account_ids: Iterable[int]) -> dict[int, str]:
        """Accounts' e-mail addresses by id, in one look-up."""
        rows = self.conn.execute(
            "SELECT id, email FROM accounts WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(account_ids))),),
        )
        return dict(rows.fetchall())

    def city_by_id(self, city_id: int) -> dict[str, Any] | None:
        return self._one("SELECT id, slug, name FROM cities WHERE id = ?", (city_id,))

    def last_change_seq(self) -> int:
        """The newest position of the posts' change log, all cities."""
        return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetchone()[0])

    def alert_progress(self) -> int:
        """How far the posts' change log has been matched against alerts."""
        row = self.conn.execute("SELECT last_seq FROM alert_progress WHERE id = 1").fetchone()
        return int(row[0])

    def posts_to_alert(self, since: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Posts changed after the log position ``since`` that are published, unexpired
        and never alerted, and the log position reached (reads only: no lock)."""
        changes = self.conn.execute(
            "SELECT seq, post_id, op FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (since, limit),
        ).fetchall()
        if not changes:
            return [], since
        ids = sorted({row[1] for row in changes if row[2] == "upsert"})
        rows = self._all(
            "SELECT p.id, p.city_id, p.account_id, p.kind, p.category, p.title, p.public_lat,"
            " p.public_lon, p.created_at FROM posts p WHERE p.status = 'published'"
            " AND p.expires_at > ? AND p.id NOT IN (SELECT post_id FROM alerted_posts)"
            f" AND p.id IN ({', '.join('?' for _ in ids)}) ORDER BY p.id",
            (time.time(), *ids),
        )
        return rows, changes[-1][0]

    def alert(
        self, notices: list[dict[str, Any]], post_ids: list[int], since: int, last_seq: int
    ) -> bool:
        """One short write: queue the notices, remember the posts, move the progress from
        ``since`` to ``last_seq``; False (nothing written) when another process moved it
        first."""
        with self.write():
            if self.alert_progress() != since:
                return False
            self.add_notifications(notices)
            self.conn.executemany(
                "INSERT OR IGNORE INTO alerted_posts (post_id) VALUES (?)",
                [(i,) for i in post_ids],
            )
            self.conn.execute("UPDATE alert_progress SET last_seq = ? WHERE id = 1", (last_seq,))
        return True

    def take_digests(self) -> list[dict[str, Any]]:
        """Inside a write: the notifications waiting for a digest (cleared), with their
        account's e-mail, by account."""
        rows = self._all(
            "SELECT n.id, n.account_id, n.title, n.body, n.link, n.subscription_id, a.email"
            " FROM notifications n JOIN accounts a ON a.id = n.account_id"
            " WHERE n.digest_pending = 1 ORDER BY n.account_id, n.id"
        )
        self.conn.execute("UPDATE notifications SET digest_pending = 0 WHERE digest_pending = 1")
        return rows

    def queue_mail(self, account_id: int, mail: dict[str, Any]) -> None:
        """Inside a write: one e-mail without an inbox entry (a digest)."""
        self._queue_mail(account_id, mail, time.time())

    # -- posts on behalf of someone (web.relay) -----------------------------------------

    def relayed_posts(self, agent_id: int) -> list[dict[str, Any]]:
        return self._all(
            "SELECT r.post_id, p.title, p.status, r.name, r.phone, r.consent_text,"
            " r.consent_at FROM relayed_posts r JOIN posts p ON p.id = r.post_id"
            " WHERE r.agent_id = ? ORDER BY r.consent_at DESC",
            (agent_id,),
        )

    # -- expiry reminders (web.expiry) -----------------------------------------------------

    def take_expiring_posts(self, now: float, until: float) -> list[dict[str, Any]]:
        """Inside a write: published posts expiring in ``(now, until]`` whose poster was not
        yet reminded of that expiry date, with the poster's e-mail and the city's slug;
        they are marked reminded."""
        rows = self._all(
            "SELECT p.id, p.city_id, p.title, p.expires_at, p.account_id, a.email,"
            " c.slug AS city FROM posts p JOIN accounts a ON a.id = p.account_id"
            " JOIN cities c ON c.id = p.city_id WHERE p.status = 'published'"
            " AND p.expires_at > ? AND p.expires_at <= ? AND NOT EXISTS (SELECT 1 FROM"
            " post_reminders r WHERE r.post_id = p.id AND r.expires_at = p.expires_at)"
            " ORDER BY p.expires_at, p.id",
            (now, until),
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO post_reminders (post_id, expires_at, reminded_at)"
            " VALUES (?, ?, ?)",
            [(row["id"], row["expires_at"], now) for row in rows],
        )
        return rows

    # -- escalation (web.escalation) --------------------------------------------------------

    def unanswered_requests(
        self, city_id: int, posted_before: float, now: float, limit: int
    ) -> list[dict[str, Any]]:
        """Published, unexpired requests posted before that time that nobody contacted,
        oldest first: computed at each read, so the queue is never stale."""
        return self._all(
            f"SELECT {_POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id"
            " WHERE p.city_id = ? AND p.status = 'published' AND p.expires_at > ?"
            " AND p.kind = 'request' AND p.created_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.post_id = p.id)"
            " ORDER BY p.created_at, p.id LIMIT ?",
            (city_id, now, posted_before, limit),
        )

    # -- retention (web.retention) and open data (web.opendata) ------------------------------
    # Posts count in open data when they were published (closed ones too, not hidden ones).

    _COUNTED = "status IN ('published', 'closed')"
    _COUNT_COLUMNS = (
        f"id, created_at, public_lat, public_lon, category, kind, {_COUNTED} AS counted"
    )

    def set_city_settings(
        self, city_id: int, retention: dict[str, int], licence: str | None
    ) -> None:
        """The city's retention overrides, and its open-data licence when given."""
        with self.write():
            self.conn.execute(
                "UPDATE cities SET retention = ? WHERE id = ?", (json.dumps(retention), city_id)
            )
            if licence is not None:
                self.conn.execute(
                    "UPDATE cities SET open_data_licence = ? WHERE id = ?", (licence, city_id)
                )

    def seen(self, account_id: int, now: float) -> None:
        """The account is in use: its inactivity clock restarts, a warning is void."""
        self.conn.execute(
            "UPDATE accounts SET last_seen_at = ?, inactivity_warned_at = NULL WHERE id = ?",
            (now, account_id),
        )

    def counted_posts(self, city_id: int) -> list[tuple[float, float, float, str, str]]:
        """``(created_at, public_lat, public_lon, category, kind)`` of the posts open data
        counts."""
        return self.conn.execute(
            "SELECT created_at, public_lat, public_lon, category, kind FROM posts"
            f" WHERE city_id = ? AND {self._COUNTED}",
            (city_id,),
        ).fetchall()

    def purged_post_counts(self, city_id: int) -> dict[tuple[str, ...], int]:
        """Counts of purged posts by ``(week, h3_cell, category, kind)``."""
        rows = self.conn.execute(
            "SELECT week, h3_cell, category, kind, posts FROM purged_post_counts WHERE city_id = ?",
            (city_id,),
        )
        return {tuple(row[:4]): row[4] for row in rows}

    def add_purged_post_counts(self, city_id: int, counts: dict[tuple[str, ...], int]) -> None:
        """Inside a write: add to the anonymous counts of purged posts."""
        self.conn.executemany(
            "INSERT INTO purged_post_counts (city_id, week, h3_cell, category, kind, posts)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (city_id, week, h3_cell, category, kind)"
            " DO UPDATE SET posts = posts + excluded.posts",
            [(city_id, *key, posts) for key, posts in counts.items()],
        )

    def ended_posts(self, city_id: int, ended_before: float) -> list[dict[str, Any]]:
        """Posts closed (untouched since) or expired before that time, with the columns
        their open-data count needs."""
        return self._all(
            f"SELECT {self._COUNT_COLUMNS} FROM posts WHERE city_id = ?1"
            " AND (expires_at < ?2 OR (status = 'closed' AND updated_at < ?2)) ORDER BY id",
            (city_id, ended_before),
        )

    def posts_of_accounts(self, account_ids: Sequence[int]) -> list[dict[str, Any]]:
        return self._all(
            f"SELECT {self._COUNT_COLUMNS} FROM posts"
            " WHERE account_id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (json.dumps(list(account_ids)),),
        )

    def delete_posts(self, city_id: int, post_ids: Sequence[int]) -> None:
        """Inside a write: the posts go, and leave every index through the change log."""
        for post_id in post_ids:
            self.conn.execute("DELETE FROM posts WHERE id = ? AND city_id = ?", (post_id, city_id))
            self._log(city_id, post_id, "delete")

    def old_connections(self, city_id: int, changed_before: float) -> list[int]:
        rows = self.conn.execute(
            "SELECT c.id FROM connections c JOIN posts p ON p.id = c.post_id"
            " WHERE p.city_id = ? AND c.updated_at < ? ORDER BY c.id",
            (city_id, changed_before),
        )
        return [row[0] for row in rows]

    def unfollowed_call_people(self, city_id: int, followed_before: float) -> list[int]:
        """Call-list people neither changed nor called since that time."""
        rows = self.conn.execute(
            "SELECT id FROM call_people cp WHERE city_id = ? AND MAX(updated_at,"
            " COALESCE((SELECT MAX(called_at) FROM calls WHERE person_id = cp.id), 0)) < ?"
            " ORDER BY id",
            (city_id, followed_before),
        )
        return [row[0] for row in rows]

    def unused_accounts(
        self, city_id: int, roles: Sequence[str], seen_before: float
    ) -> list[dict[str, Any]]:
        return self._all(
            "SELECT id, email, display_name, inactivity_warned_at FROM accounts"
            " WHERE city_id = ? AND role IN (SELECT value FROM json_each(?))"
            " AND COALESCE(last_seen_at, created_at) < ? ORDER BY id",
            (city_id, json.dumps(list(roles)), seen_before),
        )

    def mark_warned(self, account_ids: Sequence[int], now: float) -> None:
        self.conn.executemany(
            "UPDATE accounts SET inactivity_warned_at = ? WHERE id = ?",
            [(now, account_id) for account_id in account_ids],
        )

    def delete_by_id(self, table: str, ids: Sequence[int]) -> None:
        """Inside a write: rows of ``connections``, ``call_people`` or ``accounts`` (whose
        posts the caller deleted first), with what cascades from them."""
        assert table in ("connections", "call_people", "accounts")
        self.conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])

    def purge_inbox(self, city_id: int, before: float) -> tuple[int, int]:
        """Inside a write: notifications, and e-mails sent or given up, older than that
        time, of the city's accounts; how many of each."""
        accounts = "account_id IN (SELECT id FROM accounts WHERE city_id = ?)"
        notifications = self.conn.execute(
            f"DELETE FROM notifications WHERE created_at < ? AND {accounts}", (before, city_id)
        ).rowcount
        mails = self.conn.execute(
            f"DELETE FROM outbox WHERE created_at < ? AND {accounts}", (before, city_id)
        ).rowcount
        return notifications, mails

    def purge_audit(self, city_id: int, before: float) -> int:
        """Inside a write: audit and access-log entries older than that time (the triggers
        allow it once the city's horizon has moved); how many."""
        self.conn.execute(
            "UPDATE cities SET audit_kept_since = MAX(audit_kept_since, ?) WHERE id = ?",
            (before, city_id),
        )
        audit = self.conn.execute(
            "DELETE FROM moderation_audit WHERE city_id = ? AND created_at < ?", (city_id, before)
        ).rowcount
        access = self.conn.execute(
            "DELETE FROM call_access_log WHERE city_id = ? AND at < ?", (city_id, before)
        ).rowcount
        return int(audit + access)

    def audit_purge(
        self, city_id: int, entries: Iterable[tuple[str, int | None, str]], now: float
    ) -> None:
        """Inside a write: what the purge did, ``(action, post_id, reason)``: ids and
        counts, nothing personal."""
        self.conn.executemany(
            "INSERT INTO moderation_audit (city_id, post_id, actor_id, actor_name, actor_role,"
            " action, reason, created_at) VALUES (?, ?, NULL, 'purge', 'system', ?, ?, ?)",
            [(city_id, post_id, action, reason, now) for action, post_id, reason in entries],
        )

    # -- addresses -----------------------------------------------------------------------

    def insert_addresses(self, city_id: int, rows: Iterable[dict[str, Any]]) -> int:
        """Insert or replace addresses by BAN id, in one transaction; returns how many."""
        count = 0
        with self.write():
            for row in rows:
                self.conn.execute(
                    "DELETE FROM addresses WHERE city_id = ? AND ban_id = ?",
                    (city_id, row["ban_id"]),
                )
                self.conn.execute(
                    "INSERT INTO addresses (city_id, ban_id, numero, rep, nom_voie, code_postal,"
                    " nom_commune, label, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        city_id,
                        row["ban_id"],
                        row["numero"],
                        row["rep"],
                        row["nom_voie"],
                        row["code_postal"],
                        row["nom_commune"],
                        row["label"],
                        row["lat"],
                        row["lon"],
                    ),
                )
                count += 1
        return count

    def search_addresses(self, city_id: int, match: str, limit: int) -> list[dict[str, Any]]:
        """Addresses whose label matches the FTS5 expression, best first."""
        return self._all(
            "SELECT a.label, a.lat, a.lon, a.numero, a.nom_voie, a.code_postal, a.nom_commune,"
            " bm25(addresses_fts) AS rank FROM addresses_fts"
            " JOIN addresses a ON a.id = addresses_fts.rowid"
            " WHERE addresses_fts MATCH ? AND a.city_id = ?"
            " ORDER BY rank, CAST(a.numero AS INTEGER), a.id LIMIT ?",
            (match, city_id, limit),
        )

    def address_count(self, city_id: int) -> int:
        row = self.conn.execute("SELECT COUNT(*) FROM addresses WHERE city_id = ?", (city_id,))
        return int(row.fetchone()[0])

    # -- sessions and mailed links (web.sessions, web.mailed_links) ---------------------

    def open_session(self, id_hash: str, account_id: int, expires_at: float) -> None:
        with self.write():
            self.conn.execute(
                "INSERT INTO sessions (id_hash, account_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (id_hash, account_id, time.time(), expires_at),
            )

    def session_account(self, id_hash: str, now: float) -> int | None:
        row = self.conn.execute(
            "SELECT account_id FROM sessions WHERE id_hash = ? AND expires_at > ?",
            (id_hash, now),
        ).fetchone()
        return None if row is None else int(row[0])

    def end_sessions(self, *, id_hash: str | None = None, account_id: int | None = None) -> int:
        """End one session, or every session of an account (and expired ones); how many."""
        with self.write():
            self.conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (time.time(),))
            column, value = ("id_hash", id_hash) if id_hash else ("account_id", account_id)
            return self.conn.execute(f"DELETE FROM sessions WHERE {column} = ?", (value,)).rowcount

    def add_mailed_link(
        self,
        token_hash: str,
        account_id: int,
        purpose: str,
        payload: dict,
        expires_at: float,
        mail: dict[str, Any],
    ) -> None:
        """A link's token and its mail (queued in the outbox), in one write."""
        with self.write():
            self.conn.execute(
                "INSERT INTO mailed_links (token_hash, account_id, purpose, payload, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_hash, account_id, purpose, json.dumps(payload), expires_at),
            )
            self._queue_mail(account_id, mail, time.time())

    def take_mailed_link(self, token_hash: str, purpose: str, now: float) -> dict | None:
        """The live link's ``account_id`` and ``payload``; it and the account's other links
        for the same purpose are used up (a link works once, the newest never revives an
        older one)."""
        with self.write():
            row = self._one(
                "SELECT account_id, payload FROM mailed_links"
                " WHERE token_hash = ? AND purpose = ? AND expires_at > ?",
                (token_hash, purpose, now),
            )
            if row is not None:
                self.conn.execute(
                    "DELETE FROM mailed_links WHERE account_id = ? AND purpose = ?",
                    (row["account_id"], purpose),
                )
            self.conn.execute("DELETE FROM mailed_links WHERE expires_at <= ?", (now,))
        if row is not None:
            row["payload"] = json.loads(row["payload"])
        return row

    def queue_mail_alone(self, account_id: int, mail: dict[str, Any]) -> None:
        """One e-mail to the outbox, in its own write."""
        with self.write():
            self._queue_mail(account_id, mail, time.time())

    # -- rate limits ---------------------------------------------------------------------

    def hit(self, key: str, window_s: float, now: float) -> tuple[int, float]:
        """Count one hit in ``key``'s fixed window; returns (hits in window, window start).
        A single autocommitted statement: atomic across processes."""
        row = self.conn.execute(
            "INSERT INTO ratelimit.buckets (key, window_start, count) VALUES (?1, ?2, 1)"
            " ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE count + 1 END,"
            " window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END"
            " RETURNING count, window_start",
            (key, now, window_s),
        ).fetchone()
        return int(row[0]), float(row[1])

    def forget_hits(self, before: float) -> int:
        """Drop counters whose window started before ``before`` (clients long gone)."""
        cursor = self.conn.execute(
            "DELETE FROM ratelimit.buckets WHERE window_start < ?", (before,)
        )
        return cursor.rowcount


def _encode_consent(fields: dict[str, Any]) -> dict[str, Any]:
    if "consent" in fields:
        fields = {**fields, "consent": json.dumps(fields["consent"])}
    return fields


def _decode_account(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is not None:
        row["consent"] = json.loads(row["consent"])
    return row


def _decode_needs(row: dict[str, Any]) -> dict[str, Any]:
    row["needs"] = json.loads(row["needs"])
    return row


def _decode_categories(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is not None and row["categories"] is not None:
        row["categories"] = json.loads(row["categories"])
    return row
