"""The schema: numbered migrations, applied in order, counted in ``PRAGMA user_version``.

A migration is a list of statements, never edited once released: a change to the schema
is a new migration at the end. ``migrate()`` applies the pending ones in one write
transaction."""

from pathlib import Path

from web.store.database import Queries, parse_url
from web.store.dialects import (
    PUBLIC_POST_COLUMNS,
    PUBLIC_POSTS,
    REFUSE_KEPT,
    Dialects,
    pg_trigger,
    spelling,
)
from web.store.migrations_core import CORE

# Each migration is a list of statements; the schema's version counts those applied.
MIGRATIONS: list[list[str]] = [
    *CORE,
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
        Dialects(
            """CREATE TRIGGER alert_subscriptions_ai AFTER INSERT ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (new.city_id, new.id); END""",
            pg_trigger(
                "alert_subscriptions_ai",
                "AFTER INSERT",
                "alert_subscriptions",
                "INSERT INTO alert_subscription_log (city_id, subscription_id)"
                " VALUES (new.city_id, new.id)",
            ),
        ),
        Dialects(
            """CREATE TRIGGER alert_subscriptions_au AFTER UPDATE ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (new.city_id, new.id); END""",
            pg_trigger(
                "alert_subscriptions_au",
                "AFTER UPDATE",
                "alert_subscriptions",
                "INSERT INTO alert_subscription_log (city_id, subscription_id)"
                " VALUES (new.city_id, new.id)",
            ),
        ),
        Dialects(
            """CREATE TRIGGER alert_subscriptions_ad AFTER DELETE ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (old.city_id, old.id); END""",
            pg_trigger(
                "alert_subscriptions_ad",
                "AFTER DELETE",
                "alert_subscriptions",
                "INSERT INTO alert_subscription_log (city_id, subscription_id)"
                " VALUES (old.city_id, old.id)",
            ),
        ),
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
        Dialects(
            "DROP TRIGGER moderation_audit_no_delete",
            "DROP TRIGGER moderation_audit_no_delete ON moderation_audit",
        ),
        Dialects(
            """CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON moderation_audit
            WHEN old.created_at >= (SELECT audit_kept_since FROM cities WHERE id = old.city_id)
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
            REFUSE_KEPT
            + "; CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON moderation_audit"
            " FOR EACH ROW EXECUTE FUNCTION"
            " refuse_kept_delete('the moderation audit log cannot be changed', 'created_at')",
        ),
        Dialects(
            "DROP TRIGGER call_access_log_no_delete",
            "DROP TRIGGER call_access_log_no_delete ON call_access_log",
        ),
        Dialects(
            """CREATE TRIGGER call_access_log_no_delete BEFORE DELETE ON call_access_log
            WHEN old.at >= (SELECT audit_kept_since FROM cities WHERE id = old.city_id)
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
            "CREATE TRIGGER call_access_log_no_delete BEFORE DELETE ON call_access_log"
            " FOR EACH ROW EXECUTE FUNCTION"
            " refuse_kept_delete('the call access log cannot be changed', 'at')",
        ),
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
    # Message threads (web.api.messages): an accepted connection's two sides write to each
    # other without sharing an e-mail or phone; deleted with the connection (and so with
    # either account, the post, or the retention purge), as are the reports of a thread.
    [
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            author_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            body TEXT NOT NULL,
            created_at REAL NOT NULL)""",
        "CREATE INDEX messages_by_connection ON messages(connection_id, id)",
        # A side reports the thread: only then may the city's moderators read it (audited).
        """CREATE TABLE thread_reports (
            id INTEGER PRIMARY KEY,
            connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
            reporter_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            reason TEXT NOT NULL,
            created_at REAL NOT NULL)""",
        "CREATE UNIQUE INDEX thread_reports_once ON thread_reports(connection_id, reporter_id)",
    ],
    # Posting once (web.http.idempotency): the first answer to a creating request sent with
    # an Idempotency-Key, kept 24 h; the row is claimed before the request runs (status
    # NULL), so that a concurrent duplicate waits for the answer instead of creating twice.
    [
        """CREATE TABLE idempotency_keys (
            owner TEXT NOT NULL,
            key TEXT NOT NULL,
            account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            status INTEGER,
            body TEXT,
            headers TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            PRIMARY KEY (owner, key))""",
        "CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at)",
        "CREATE INDEX idempotency_keys_by_account ON idempotency_keys(account_id)",
    ],
    # PostGIS (issue 17): on PostgreSQL each post keeps its exact point as a geometry (kept
    # by a trigger: no statement has to think of it), and the view ``public_posts`` gives
    # the city's GIS team the published, unexpired posts' public fields and PUBLIC point
    # only. SQLite has the same view, with the public point as two columns.
    [
        Dialects(
            "",
            """ALTER TABLE posts ADD COLUMN geom geometry(Point, 4326);
            UPDATE posts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326);
            CREATE INDEX posts_geom ON posts USING gist (geom)""",
        ),
        Dialects(
            "",
            pg_trigger(
                "posts_geom",
                "BEFORE INSERT OR UPDATE OF lat, lon",
                "posts",
                "new.geom := ST_SetSRID(ST_MakePoint(new.lon, new.lat), 4326); RETURN new",
            ),
        ),
        Dialects(
            f"CREATE VIEW public_posts AS SELECT {PUBLIC_POST_COLUMNS}, public_lat, public_lon"
            " FROM posts WHERE " + PUBLIC_POSTS.format(now="CAST(strftime('%s', 'now') AS REAL)"),
            f"CREATE VIEW public_posts AS SELECT {PUBLIC_POST_COLUMNS},"
            " ST_SetSRID(ST_MakePoint(public_lon, public_lat), 4326)::geometry(Point, 4326)"
            " AS geom FROM posts WHERE " + PUBLIC_POSTS.format(now="extract(epoch FROM now())"),
        ),
    ],
    # The stairwell (issue 22): an account's home tied to its BAN address (the building
    # entrance) and street; buildings as private groups joined by invitation; posts
    # addressed to a building or a street, which no public answer (nor the GIS view) shows.
    [
        "ALTER TABLE accounts ADD COLUMN home_ban_id TEXT",
        "ALTER TABLE accounts ADD COLUMN home_street TEXT",
        "ALTER TABLE posts ADD COLUMN audience TEXT NOT NULL DEFAULT 'public'",
        "ALTER TABLE posts ADD COLUMN ban_id TEXT",
        "ALTER TABLE posts ADD COLUMN street TEXT",
        "CREATE INDEX posts_by_building ON posts(city_id, ban_id, created_at, id)",
        "CREATE INDEX posts_by_street ON posts(city_id, street, created_at, id)",
        """CREATE TABLE building_invitations (
            id INTEGER PRIMARY KEY,
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            ban_id TEXT NOT NULL,
            street TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL)""",
        """CREATE TABLE building_members (
            account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
            city_id INTEGER NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
            ban_id TEXT NOT NULL,
            street TEXT NOT NULL,
            invitation_id INTEGER REFERENCES building_invitations(id) ON DELETE SET NULL,
            joined_at REAL NOT NULL)""",
        "CREATE INDEX building_members_by_building ON building_members(city_id, ban_id)",
        "CREATE INDEX building_members_by_street ON building_members(city_id, street)",
        "DROP VIEW public_posts",
        Dialects(
            f"CREATE VIEW public_posts AS SELECT {PUBLIC_POST_COLUMNS}, public_lat, public_lon"
            " FROM posts WHERE audience = 'public' AND "
            + PUBLIC_POSTS.format(now="CAST(strftime('%s', 'now') AS REAL)"),
            f"CREATE VIEW public_posts AS SELECT {PUBLIC_POST_COLUMNS},"
            " ST_SetSRID(ST_MakePoint(public_lon, public_lat), 4326)::geometry(Point, 4326)"
            " AS geom FROM posts WHERE audience = 'public' AND "
            + PUBLIC_POSTS.format(now="extract(epoch FROM now())"),
        ),
    ],
    # Running a city (web.services.settings): each city's own values of what were global
    # settings (post lifetime, delays, remote-help radius, phone, texts, colour) as JSON
    # overrides of the defaults; its logo, in the store so that every server has it; and
    # city or category changes in the change log (op 'city', post_id 0), which every
    # process already follows, so that a change is seen at once everywhere.
    [
        "ALTER TABLE cities ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'",
        Dialects(
            """CREATE TABLE city_logos (
            city_id INTEGER PRIMARY KEY REFERENCES cities(id) ON DELETE CASCADE,
            media_type TEXT NOT NULL,
            data BLOB NOT NULL,
            updated_at REAL NOT NULL)""",
            """CREATE TABLE city_logos (
            city_id BIGINT PRIMARY KEY REFERENCES cities(id) ON DELETE CASCADE,
            media_type TEXT NOT NULL,
            data BYTEA NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL)""",
        ),
        # SQLite cannot change a CHECK: the log is copied into a new table, and its
        # AUTOINCREMENT counter with it (a seq is never given twice).
        Dialects(
            """CREATE TABLE change_log_new (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            city_id INTEGER NOT NULL,
            post_id INTEGER NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('upsert', 'delete', 'city')))""",
            "ALTER TABLE change_log DROP CONSTRAINT change_log_op_check",
        ),
        Dialects(
            "INSERT INTO change_log_new (seq, city_id, post_id, op)"
            " SELECT seq, city_id, post_id, op FROM change_log",
            "ALTER TABLE change_log ADD CONSTRAINT change_log_op_check"
            " CHECK (op IN ('upsert', 'delete', 'city'))",
        ),
        Dialects("DELETE FROM sqlite_sequence WHERE name = 'change_log_new'", None),
        Dialects(
            "INSERT INTO sqlite_sequence (name, seq)"
            " SELECT 'change_log_new', seq FROM sqlite_sequence WHERE name = 'change_log'",
            None,
        ),
        Dialects("DROP TABLE change_log", None),
        Dialects("ALTER TABLE change_log_new RENAME TO change_log", None),
        Dialects("CREATE INDEX change_log_by_city ON change_log(city_id, seq)", None),
        # Escalated requests (web.services.escalation): announced to the social workers
        # once; taken in charge by an agent, with a note.
        """CREATE TABLE escalations (
            post_id INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
            notified_at REAL,
            taken_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            taken_by_name TEXT NOT NULL DEFAULT '',
            taken_at REAL,
            note TEXT NOT NULL DEFAULT '')""",
    ],
    # LISTEN/NOTIFY (issue 18): a commit that appends to the change log or to the alert
    # subscriptions' log wakes every app server (``web.store.listener``); one notification
    # per transaction (PostgreSQL merges equal ones). SQLite has ``data_version`` instead.
    [
        Dialects(
            "",
            """CREATE FUNCTION notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('voisinage_changes', ''); RETURN NULL; END $$;
            CREATE TRIGGER change_log_notify AFTER INSERT ON change_log
            FOR EACH STATEMENT EXECUTE FUNCTION notify_changes();
            CREATE TRIGGER alert_subscription_log_notify AFTER INSERT ON alert_subscription_log
            FOR EACH STATEMENT EXECUTE FUNCTION notify_changes()""",
        ),
    ],
]


class Schema(Queries):
    """Applying migrations and reading the schema's version."""

    def migrate(self) -> int:
        """Apply pending migrations; returns the schema version."""
        self.database.prepare()
        dialect = self.database.dialect
        with self.write():
            version = self.database.schema_version()
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    spelled = spelling(statement, dialect)
                    if spelled is not None:
                        self.execute(self.database.ddl(spelled))
            self.database.set_schema_version(len(MIGRATIONS))
        return len(MIGRATIONS)

    def schema_version(self) -> int:
        return self.database.schema_version()


def migrate(path: str | Path) -> int:
    """Create the database (and an SQLite file's folder) if needed and apply pending
    migrations. An unknown kind of store is refused here, at start-up."""
    dialect, target = parse_url(path)
    if dialect == "sqlite":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    schema = Schema(path)
    try:
        return schema.migrate()
    finally:
        schema.close()
