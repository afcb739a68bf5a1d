"""Posts and the change log that feeds every worker's index."""

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from web.store.database import Queries
from web.store.rows import (
    CategoryCount,
    Change,
    ExpiringPost,
    IndexableRow,
    Post,
    PublicPost,
    RelayedPost,
)

POST_COLUMNS = """p.id, p.kind, p.category, p.title, p.body, p.precision, p.public_lat,
    p.public_lon, p.status, p.created_at, p.updated_at, p.expires_at, p.account_id,
    p.audience, p.ban_id, p.street,
    a.poster_type, a.display_name AS poster_name,
    a.role = 'association' AND a.verification = 'approved' AS poster_verified,
    EXISTS (SELECT 1 FROM relayed_posts r WHERE r.post_id = p.id) AS relayed"""
_OWNER_COLUMNS = "p.address, p.lat, p.lon"
# the account columns of POST_COLUMNS: changing one changes what each of its posts shows
POSTER_COLUMNS = frozenset({"display_name", "poster_type", "role", "verification"})
ACCOUNT_POSTS_CHANGED = (
    "INSERT INTO change_log (city_id, post_id, op)"
    " SELECT city_id, id, 'upsert' FROM posts WHERE account_id = ? ORDER BY id"
)


class Posts(Queries):
    """Posts and the change log that feeds every worker's index."""

    # -- posts ---------------------------------------------------------------------------

    def create_post(
        self, city_id: int, relayed: Mapping[str, Any] | None = None, **fields: Any
    ) -> int:
        """A new post; ``relayed`` (``web.relay``) records, in the same transaction, whom
        an agent posts for."""
        now = time.time()
        fields.setdefault("created_at", now)
        fields.setdefault("updated_at", now)
        columns = ["city_id", *fields]
        with self.write():
            post_id = self.insert(
                f"INSERT INTO posts ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                [city_id, *fields.values()],
            )
            if relayed is not None:
                self.execute(
                    "INSERT INTO relayed_posts (post_id, agent_id, name, phone, consent_text,"
                    " consent_at) VALUES (:post_id, :agent_id, :name, :phone, :consent_text,"
                    " :consent_at)",
                    {"post_id": post_id, **relayed},
                )
            self.log_change(city_id, post_id, "upsert")
        return post_id

    def create_posts(
        self, city_id: int, rows: Iterable[Mapping[str, Any]], chunk: int = 20_000
    ) -> int:
        """Bulk insert (the demo): one ``executemany`` and one transaction per ``chunk``
        rows, their change-log rows in one statement; returns how many. All rows have
        the first row's columns."""
        count = 0
        batch: list[Mapping[str, Any]] = []
        for fields in rows:
            batch.append(fields)
            if len(batch) == chunk:
                count += self._insert_posts(city_id, batch)
                batch = []
        if batch:
            count += self._insert_posts(city_id, batch)
        return count

    def _insert_posts(self, city_id: int, batch: Sequence[Mapping[str, Any]]) -> int:
        columns = ["city_id", *batch[0]]
        with self.write():
            newest = self.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]
            self.executemany(
                f"INSERT INTO posts ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [[city_id, *fields.values()] for fields in batch],
            )
            logged = self.execute("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetchone()[0]
            self.execute(
                "INSERT INTO change_log (city_id, post_id, op)"
                " SELECT city_id, id, 'upsert' FROM posts WHERE id > ? ORDER BY id",
                (newest,),
            )
            # Not news to alert anyone of (and a million of them would keep the first write
            # after the demo matching them for minutes): alerts skip them if caught up.
            self.execute(
                "UPDATE alert_progress SET last_seq = (SELECT MAX(seq) FROM change_log)"
                " WHERE id = 1 AND last_seq = ?",
                (logged,),
            )
        return len(batch)

    def update_post(self, city_id: int, post_id: int, **fields: Any) -> None:
        fields["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.execute(
                f"UPDATE posts SET {assignments} WHERE id = ? AND city_id = ?",
                [*fields.values(), post_id, city_id],
            )
            self.log_change(city_id, post_id, "upsert")

    def delete_post(self, city_id: int, post_id: int) -> None:
        with self.write():
            self.execute("DELETE FROM posts WHERE id = ? AND city_id = ?", (post_id, city_id))
            self.log_change(city_id, post_id, "delete")

    def delete_account(self, account_id: int) -> None:
        """The account, its posts, tokens and connections; its posts leave every index."""
        with self.write():
            for row in self.execute(
                "SELECT city_id, id FROM posts WHERE account_id = ?", (account_id,)
            ).fetchall():
                self.log_change(row[0], row[1], "delete")
            self.execute("DELETE FROM accounts WHERE id = ?", (account_id,))

    def move_home(
        self,
        account_id: int,
        old: tuple[float, float],
        new: tuple[float, float, str],
        public_points: Mapping[str, tuple[float, float]],
        alert_centres: tuple[Sequence[tuple[float, float]], tuple[float, float]],
        building: Mapping[str, str | None],
    ) -> int:
        """In one write: the account's home moves from ``old`` to ``new``, with the public
        posts whose exact point was the old home (not relayed ones: they are someone
        else's; not those addressed to the old building or street: they stay theirs) and
        the alerts centred on one of ``alert_centres[0]`` (to ``alert_centres[1]``). A moved
        post takes ``public_points[its precision]`` and goes through the change log as any
        edit. The home's ``building`` columns change with it, and the account leaves the
        building it had joined unless the new home is in it. Returns how many posts moved."""
        lat, lon, address = new
        now = time.time()
        with self.write():
            self.execute(
                "UPDATE accounts SET home_lat = ?, home_lon = ?, home_address = ?,"
                " home_ban_id = ?, home_street = ? WHERE id = ?",
                (lat, lon, address, building["home_ban_id"], building["home_street"], account_id),
            )
            self.execute(
                "DELETE FROM building_members WHERE account_id = ? AND ban_id <> ?",
                (account_id, building["home_ban_id"] or ""),
            )
            moved = self.all(
                "SELECT id, city_id, precision FROM posts p WHERE account_id = ? AND lat = ?"
                " AND lon = ? AND audience = 'public'"
                " AND NOT EXISTS (SELECT 1 FROM relayed_posts r WHERE r.post_id = p.id)",
                (account_id, *old),
            )
            for post in moved:
                public_lat, public_lon = public_points[post["precision"]]
                self.execute(
                    "UPDATE posts SET lat = ?, lon = ?, address = ?, public_lat = ?,"
                    " public_lon = ?, updated_at = ? WHERE id = ?",
                    (lat, lon, address, public_lat, public_lon, now, post["id"]),
                )
                self.log_change(post["city_id"], post["id"], "upsert")
            olds, (centre_lat, centre_lon) = alert_centres
            for old_lat, old_lon in set(olds):
                self.execute(
                    "UPDATE alert_subscriptions SET lat = ?, lon = ?"
                    " WHERE account_id = ? AND lat = ? AND lon = ?",
                    (centre_lat, centre_lon, account_id, old_lat, old_lon),
                )
        return len(moved)

    def log_account_posts(self, account_id: int) -> None:
        """Every post of the account changed: its name or badge shows in each of them."""
        self.execute(ACCOUNT_POSTS_CHANGED, (account_id,))

    def log_change(self, city_id: int, post_id: int, op: str) -> None:
        self.execute(
            "INSERT INTO change_log (city_id, post_id, op) VALUES (?, ?, ?)", (city_id, post_id, op)
        )

    def post(self, city_id: int, post_id: int) -> Post | None:
        """A post with its owner-only columns (callers decide what to show)."""
        row = self.one(
            f"SELECT {POST_COLUMNS}, {_OWNER_COLUMNS} FROM posts p"
            " JOIN accounts a ON a.id = p.account_id WHERE p.id = ? AND p.city_id = ?",
            (post_id, city_id),
        )
        return cast(Post | None, row)

    def visible_posts(
        self, city_id: int, post_ids: Sequence[int], now: float
    ) -> dict[int, PublicPost]:
        """Public columns of those posts that are published, unexpired and public, by id."""
        if not post_ids:
            return {}
        rows = self.all(
            # Unary + keeps the city's index (led by city_id) out: SQLite looks the ids up
            # by primary key, never scans the city's posts.
            f"SELECT {POST_COLUMNS} FROM posts p"
            " JOIN accounts a ON a.id = p.account_id"
            " WHERE +p.city_id = ? AND p.status = 'published' AND p.expires_at > ?"
            " AND p.audience = 'public'"
            f" AND p.id IN ({', '.join('?' for _ in post_ids)})",
            (city_id, now, *post_ids),
        )
        return {row["id"]: cast(PublicPost, row) for row in rows}

    def visible_ids(self, city_id: int, post_ids: Sequence[int], now: float) -> set[int]:
        """Those of the posts that are published and unexpired: one prepared statement
        whatever their number, primary-key look-ups only."""
        rows = self.execute(
            f"SELECT id FROM posts WHERE id {self.database.in_list}"
            " AND +city_id = ? AND status = 'published' AND expires_at > ?",
            (self.database.list_param(post_ids), city_id, now),
        ).fetchall()
        return {row[0] for row in rows}

    def public_posts_after(
        self, city_id: int, after_id: int, limit: int, now: float
    ) -> list[PublicPost]:
        """Up to ``limit`` published, unexpired posts of the city with an id above
        ``after_id``, by id: a city's public columns read a page at a time."""
        rows = self.all(
            f"SELECT {POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id"
            " WHERE +p.city_id = ? AND p.status = 'published' AND p.expires_at > ?"
            " AND p.audience = 'public' AND p.id > ? ORDER BY p.id LIMIT ?",
            (city_id, now, after_id, limit),
        )
        return cast(list[PublicPost], rows)

    def account_posts(self, account_id: int) -> list[Post]:
        rows = self.all(
            f"SELECT {POST_COLUMNS}, {_OWNER_COLUMNS} FROM posts p"
            " JOIN accounts a ON a.id = p.account_id WHERE p.account_id = ?"
            " ORDER BY p.created_at DESC, p.id DESC",
            (account_id,),
        )
        return cast(list[Post], rows)

    def indexable_posts(self, city_id: int, now: float) -> list[IndexableRow]:
        """``(id, public_lat, public_lon, category, kind, created_at, precision, expires_at)``
        of the published, unexpired public posts: what an index is built from (a building's
        or a street's posts have no public point, and no index holds them)."""
        rows: list[IndexableRow] = self.execute(
            "SELECT id, public_lat, public_lon, category, kind, created_at, precision, expires_at"
            " FROM posts WHERE city_id = ? AND status = 'published' AND expires_at > ?"
            " AND audience = 'public'",
            (city_id, now),
        ).fetchall()
        return rows

    def indexable_post(self, post_id: int, now: float) -> IndexableRow | None:
        row: IndexableRow | None = self.execute(
            "SELECT id, public_lat, public_lon, category, kind, created_at, precision, expires_at"
            " FROM posts WHERE id = ? AND status = 'published' AND expires_at > ?"
            " AND audience = 'public'",
            (post_id, now),
        ).fetchone()
        return row

    def last_change(self, city_id: int) -> int:
        row = self.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM change_log WHERE city_id = ?", (city_id,)
        ).fetchone()
        return int(row[0])

    def changes_since(self, city_id: int, seq: int) -> list[Change]:
        """``(seq, post_id, op)`` after ``seq``, oldest first."""
        rows = self.execute(
            "SELECT seq, post_id, op FROM change_log WHERE city_id = ? AND seq > ? ORDER BY seq",
            (city_id, seq),
        ).fetchall()
        return [Change(*row) for row in rows]

    def stats(self, city_id: int, now: float) -> list[CategoryCount]:
        """Live public posts by category and kind (connection counts are for the city's
        agents)."""
        rows = self.all(
            "SELECT category, kind, COUNT(*) AS posts FROM posts WHERE city_id = ?"
            " AND status = 'published' AND expires_at > ? AND audience = 'public'"
            " GROUP BY category, kind",
            (city_id, now),
        )
        return cast(list[CategoryCount], rows)

    # -- posts on behalf of someone (web.relay) -----------------------------------------

    def relayed_posts(self, agent_id: int) -> list[RelayedPost]:
        rows = self.all(
            "SELECT r.post_id, p.title, p.status, r.name, r.phone, r.consent_text,"
            " r.consent_at FROM relayed_posts r JOIN posts p ON p.id = r.post_id"
            " WHERE r.agent_id = ? ORDER BY r.consent_at DESC",
            (agent_id,),
        )
        return cast(list[RelayedPost], rows)

    # -- expiry reminders (web.expiry) -----------------------------------------------------

    def take_expiring_posts(self, city_id: int, now: float, until: float) -> list[ExpiringPost]:
        """Inside a write: the city's published posts expiring in ``(now, until]`` whose
        poster was not
        yet reminded of that expiry date, with the poster's e-mail and the city's slug;
        they are marked reminded."""
        rows = self.all(
            "SELECT p.id, p.city_id, p.title, p.expires_at, p.account_id, a.email,"
            " c.slug AS city FROM posts p JOIN accounts a ON a.id = p.account_id"
            " JOIN cities c ON c.id = p.city_id WHERE p.city_id = ? AND p.status = 'published'"
            " AND p.expires_at > ? AND p.expires_at <= ? AND NOT EXISTS (SELECT 1 FROM"
            " post_reminders r WHERE r.post_id = p.id AND r.expires_at = p.expires_at)"
            " ORDER BY p.expires_at, p.id",
            (city_id, now, until),
        )
        self.executemany(
            "INSERT INTO post_reminders (post_id, expires_at, reminded_at) VALUES (?, ?, ?)"
            " ON CONFLICT (post_id) DO UPDATE"
            " SET expires_at = excluded.expires_at, reminded_at = excluded.reminded_at",
            [(row["id"], row["expires_at"], now) for row in rows],
        )
        return cast(list[ExpiringPost], rows)

    # -- escalation (web.escalation) --------------------------------------------------------

    def unanswered_requests(
        self,
        city_id: int,
        posted_before: float,
        now: float,
        limit: int,
        after: tuple[float, int] = (-1.0, 0),
    ) -> list[PublicPost]:
        """Published, unexpired requests posted before that time that nobody contacted,
        oldest first, after the ``(created_at, id)`` key ``after`` (keyset paging):
        computed at each read, so the queue is never stale."""
        created_at, post_id = after
        rows = self.all(
            f"SELECT {POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id"
            " WHERE p.city_id = ? AND p.status = 'published' AND p.expires_at > ?"
            " AND p.kind = 'request' AND p.created_at <= ?"
            " AND (p.created_at > ? OR (p.created_at = ? AND p.id > ?))"
            " AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.post_id = p.id)"
            " ORDER BY p.created_at, p.id LIMIT ?",
            (city_id, now, posted_before, created_at, created_at, post_id, limit),
        )
        return cast(list[PublicPost], rows)
