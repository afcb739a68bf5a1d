"""The schema: numbered migrations, applied in order, counted in ``PRAGMA user_version``.

A migration is a list of statements, never edited once released: a change to the schema
is a new migration at the end. ``migrate()`` applies the pending ones in one write
transaction."""

from pathlib import Path

from web.store.database import Queries, parse_url


class Dialects(str):
    """A statement spelled differently in each dialect: the SQLite spelling (this string
    itself, as every older statement) and ``postgresql`` (None: nothing to do there).
    Column types need no second spelling: PostgreSQL's ``ddl()`` translates them."""

    postgresql: str | None

    def __new__(cls, sqlite: str, postgresql: str | None) -> "Dialects":
        statement = super().__new__(cls, sqlite)
        statement.postgresql = postgresql
        return statement


def spelling(statement: str, dialect: str) -> str | None:
    """How ``statement`` is spelled in ``dialect`` (None: not run there)."""
    if dialect == "postgresql":
        return statement.postgresql if isinstance(statement, Dialects) else statement
    return str(statement) or None


# PL/pgSQL for the PostgreSQL spellings of the triggers: an append-only log refuses any
# change (message in the trigger's first argument), or only the deletion of entries newer
# than the city's ``audit_kept_since`` (time column in its second argument).
_REFUSE = """CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$"""
_REFUSE_KEPT = """CREATE FUNCTION refuse_kept_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (to_jsonb(old) ->> TG_ARGV[1])::double precision
                >= (SELECT audit_kept_since FROM cities WHERE id = old.city_id) THEN
            RAISE EXCEPTION '%', TG_ARGV[0];
        END IF;
        RETURN old;
    END $$"""


# What ``public_posts`` shows: no account, no address, no exact point.
_PUBLIC_POST_COLUMNS = """id, city_id, kind, category, title, body, precision, created_at,
    updated_at, expires_at"""
_PUBLIC_POSTS = "status = 'published' AND expires_at > {now}"


def _pg_trigger(name: str, when: str, table: str, body: str, condition: str = "") -> str:
    """A row trigger running ``body`` (PL/pgSQL statements) through a function of its own."""
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {body}; RETURN NULL; END $$;"
        f" CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW"
        f"{f' WHEN ({condition})' if condition else ''} EXECUTE FUNCTION {name}()"
    )


def _pg_refuse(name: str, when: str, table: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW"
        f" EXECUTE FUNCTION refuse_change('{message}')"
    )


# Each migration is a list of statements; the schema's version counts those applied.
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
        Dialects(
            """CREATE VIRTUAL TABLE addresses_fts USING fts5(
            label, content='addresses', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2')""",
            # The labels' words without accents, searched through a GIN index.
            """CREATE TABLE addresses_fts (
            id BIGINT PRIMARY KEY REFERENCES addresses(id) ON DELETE CASCADE,
            document tsvector NOT NULL);
            CREATE INDEX addresses_fts_document ON addresses_fts USING gin (document)""",
        ),
        Dialects(
            """CREATE TRIGGER addresses_ai AFTER INSERT ON addresses BEGIN
            INSERT INTO addresses_fts(rowid, label) VALUES (new.id, new.label); END""",
            _pg_trigger(
                "addresses_ai",
                "AFTER INSERT",
                "addresses",
                "INSERT INTO addresses_fts (id, document)"
                " VALUES (new.id, to_tsvector('simple', unaccent(new.label)))",
            ),
        ),
        Dialects(
            """CREATE TRIGGER addresses_ad AFTER DELETE ON addresses BEGIN
            INSERT INTO addresses_fts(addresses_fts, rowid, label)
            VALUES ('delete', old.id, old.label); END""",
            None,  # ON DELETE CASCADE
        ),
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
        Dialects(
            """CREATE TRIGGER moderation_audit_no_update BEFORE UPDATE ON moderation_audit
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
            _REFUSE
            + "; "
            + _pg_refuse(
                "moderation_audit_no_update",
                "BEFORE UPDATE",
                "moderation_audit",
                "the moderation audit log cannot be changed",
            ),
        ),
        Dialects(
            """CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON moderation_audit
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
            _pg_refuse(
                "moderation_audit_no_delete",
                "BEFORE DELETE",
                "moderation_audit",
                "the moderation audit log cannot be changed",
            ),
        ),
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
        Dialects(
            """CREATE TRIGGER call_access_log_no_update BEFORE UPDATE ON call_access_log
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
            _pg_refuse(
                "call_access_log_no_update",
                "BEFORE UPDATE",
                "call_access_log",
                "the call access log cannot be changed",
            ),
        ),
        Dialects(
            """CREATE TRIGGER call_access_log_no_delete BEFORE DELETE ON call_access_log
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
            _pg_refuse(
                "call_access_log_no_delete",
                "BEFORE DELETE",
                "call_access_log",
                "the call access log cannot be changed",
            ),
        ),
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
        Dialects(
            """CREATE TRIGGER connection_stats_ai AFTER INSERT ON connections BEGIN
            INSERT INTO connection_stats (connection_id, city_id, category, created_at, status)
            SELECT new.id, p.city_id, p.category, new.created_at, new.status
            FROM posts p WHERE p.id = new.post_id; END""",
            _pg_trigger(
                "connection_stats_ai",
                "AFTER INSERT",
                "connections",
                "INSERT INTO connection_stats (connection_id, city_id, category, created_at,"
                " status) SELECT new.id, p.city_id, p.category, new.created_at, new.status"
                " FROM posts p WHERE p.id = new.post_id",
            ),
        ),
        Dialects(
            """CREATE TRIGGER connection_stats_au AFTER UPDATE OF status ON connections BEGIN
            UPDATE connection_stats SET status = new.status,
            accepted_at = CASE WHEN new.status = 'accepted' THEN new.updated_at
                ELSE accepted_at END
            WHERE connection_id = new.id; END""",
            _pg_trigger(
                "connection_stats_au",
                "AFTER UPDATE OF status",
                "connections",
                "UPDATE connection_stats SET status = new.status, accepted_at = CASE WHEN"
                " new.status = 'accepted' THEN new.updated_at ELSE accepted_at END"
                " WHERE connection_id = new.id",
            ),
        ),
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
        Dialects(
            """CREATE TRIGGER consent_log_ai AFTER INSERT ON accounts BEGIN
            INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)
            VALUES (new.id, new.consent, new.consent_text,
                    COALESCE(new.consent_at, new.created_at)); END""",
            _pg_trigger(
                "consent_log_ai",
                "AFTER INSERT",
                "accounts",
                "INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)"
                " VALUES (new.id, new.consent, new.consent_text,"
                " COALESCE(new.consent_at, new.created_at))",
            ),
        ),
        Dialects(
            """CREATE TRIGGER consent_log_au AFTER UPDATE OF consent, consent_text ON accounts
            WHEN new.consent IS NOT old.consent OR new.consent_text IS NOT old.consent_text
            OR new.consent_at IS NOT old.consent_at BEGIN
            INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)
            VALUES (new.id, new.consent, new.consent_text,
                    COALESCE(new.consent_at, (julianday('now') - 2440587.5) * 86400.0)); END""",
            _pg_trigger(
                "consent_log_au",
                "AFTER UPDATE OF consent, consent_text",
                "accounts",
                "INSERT INTO consent_log (account_id, consent, consent_text, recorded_at)"
                " VALUES (new.id, new.consent, new.consent_text,"
                " COALESCE(new.consent_at, extract(epoch FROM clock_timestamp())))",
                "new.consent IS DISTINCT FROM old.consent"
                " OR new.consent_text IS DISTINCT FROM old.consent_text"
                " OR new.consent_at IS DISTINCT FROM old.consent_at",
            ),
        ),
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
        Dialects(
            """CREATE TRIGGER alert_subscriptions_ai AFTER INSERT ON alert_subscriptions BEGIN
            INSERT INTO alert_subscription_log (city_id, subscription_id)
            VALUES (new.city_id, new.id); END""",
            _pg_trigger(
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
            _pg_trigger(
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
            _pg_trigger(
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
            _REFUSE_KEPT
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
            _pg_trigger(
                "posts_geom",
                "BEFORE INSERT OR UPDATE OF lat, lon",
                "posts",
                "new.geom := ST_SetSRID(ST_MakePoint(new.lon, new.lat), 4326); RETURN new",
            ),
        ),
        Dialects(
            f"CREATE VIEW public_posts AS SELECT {_PUBLIC_POST_COLUMNS}, public_lat, public_lon"
            " FROM posts WHERE " + _PUBLIC_POSTS.format(now="CAST(strftime('%s', 'now') AS REAL)"),
            f"CREATE VIEW public_posts AS SELECT {_PUBLIC_POST_COLUMNS},"
            " ST_SetSRID(ST_MakePoint(public_lon, public_lat), 4326)::geometry(Point, 4326)"
            " AS geom FROM posts WHERE " + _PUBLIC_POSTS.format(now="extract(epoch FROM now())"),
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
