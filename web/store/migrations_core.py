"""The first four migrations: cities, accounts and posts; moderation; the call list;
connection follow-up and consents (``web.store.migrations`` appends the later ones)."""

from web.store.dialects import REFUSE, Dialects, pg_refuse, pg_trigger

CORE: list[list[str]] = [
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
            pg_trigger(
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
            REFUSE
            + "; "
            + pg_refuse(
                "moderation_audit_no_update",
                "BEFORE UPDATE",
                "moderation_audit",
                "the moderation audit log cannot be changed",
            ),
        ),
        Dialects(
            """CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON moderation_audit
            BEGIN SELECT RAISE(ABORT, 'the moderation audit log cannot be changed'); END""",
            pg_refuse(
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
            pg_refuse(
                "call_access_log_no_update",
                "BEFORE UPDATE",
                "call_access_log",
                "the call access log cannot be changed",
            ),
        ),
        Dialects(
            """CREATE TRIGGER call_access_log_no_delete BEFORE DELETE ON call_access_log
            BEGIN SELECT RAISE(ABORT, 'the call access log cannot be changed'); END""",
            pg_refuse(
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
            pg_trigger(
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
            pg_trigger(
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
            pg_trigger(
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
            pg_trigger(
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
]
