"""Retention (what is purged when) and open data counts."""

import json
from collections.abc import Iterable, Sequence
from typing import cast

from web.store.posts import Posts
from web.store.rows import CountedRow, EndedPost, InboxPurge, UnusedAccount


class Retention(Posts):
    """Retention (what is purged when) and open data counts."""

    # -- retention (web.retention) and open data (web.opendata) ------------------------------
    # Posts count in open data when they were published (closed ones too, not hidden ones),
    # and public (a building's or a street's posts are in no public answer).

    _COUNTED = "status IN ('published', 'closed') AND audience = 'public'"
    _COUNT_COLUMNS = (
        f"id, created_at, public_lat, public_lon, category, kind, {_COUNTED} AS counted"
    )

    def set_city_settings(
        self, city_id: int, retention: dict[str, int], licence: str | None
    ) -> None:
        """The city's retention overrides, and its open-data licence when given."""
        with self.write():
            self.execute(
                "UPDATE cities SET retention = ? WHERE id = ?", (json.dumps(retention), city_id)
            )
            if licence is not None:
                self.execute(
                    "UPDATE cities SET open_data_licence = ? WHERE id = ?", (licence, city_id)
                )

    def seen(self, account_id: int, now: float) -> None:
        """The account is in use: its inactivity clock restarts, a warning is void."""
        self.execute(
            "UPDATE accounts SET last_seen_at = ?, inactivity_warned_at = NULL WHERE id = ?",
            (now, account_id),
        )

    def counted_posts(self, city_id: int) -> list[CountedRow]:
        """``(created_at, public_lat, public_lon, category, kind)`` of the posts open data
        counts."""
        rows: list[CountedRow] = self.execute(
            "SELECT created_at, public_lat, public_lon, category, kind FROM posts"
            f" WHERE city_id = ? AND {self._COUNTED}",
            (city_id,),
        ).fetchall()
        return rows

    def purged_post_counts(self, city_id: int) -> dict[tuple[str, ...], int]:
        """Counts of purged posts by ``(week, h3_cell, category, kind)``."""
        rows = self.execute(
            "SELECT week, h3_cell, category, kind, posts FROM purged_post_counts WHERE city_id = ?",
            (city_id,),
        )
        return {tuple(row[:4]): int(row[4]) for row in rows}

    def add_purged_post_counts(self, city_id: int, counts: dict[tuple[str, ...], int]) -> None:
        """Inside a write: add to the anonymous counts of purged posts."""
        self.executemany(
            "INSERT INTO purged_post_counts (city_id, week, h3_cell, category, kind, posts)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (city_id, week, h3_cell, category, kind)"
            " DO UPDATE SET posts = purged_post_counts.posts + excluded.posts",
            [(city_id, *key, posts) for key, posts in counts.items()],
        )

    def ended_posts(self, city_id: int, ended_before: float) -> list[EndedPost]:
        """Posts closed (untouched since) or expired before that time, with the columns
        their open-data count needs."""
        rows = self.all(
            f"SELECT {self._COUNT_COLUMNS} FROM posts WHERE city_id = ?1"
            " AND (expires_at < ?2 OR (status = 'closed' AND updated_at < ?2)) ORDER BY id",
            (city_id, ended_before),
        )
        return cast(list[EndedPost], rows)

    def posts_of_accounts(self, account_ids: Sequence[int]) -> list[EndedPost]:
        rows = self.all(
            f"SELECT {self._COUNT_COLUMNS} FROM posts"
            f" WHERE account_id {self.database.in_list} ORDER BY id",
            (self.database.list_param(account_ids),),
        )
        return cast(list[EndedPost], rows)

    def delete_posts(self, city_id: int, post_ids: Sequence[int]) -> None:
        """Inside a write: the posts go, and leave every index through the change log."""
        for post_id in post_ids:
            self.execute("DELETE FROM posts WHERE id = ? AND city_id = ?", (post_id, city_id))
            self.log_change(city_id, post_id, "delete")

    def old_connections(self, city_id: int, changed_before: float) -> list[int]:
        rows = self.execute(
            "SELECT c.id FROM connections c JOIN posts p ON p.id = c.post_id"
            " WHERE p.city_id = ? AND c.updated_at < ? ORDER BY c.id",
            (city_id, changed_before),
        )
        return [int(row[0]) for row in rows]

    def unfollowed_call_people(self, city_id: int, followed_before: float) -> list[int]:
        """Call-list people neither changed nor called since that time."""
        rows = self.execute(
            "SELECT id FROM call_people cp WHERE city_id = ? AND updated_at < ?"
            " AND COALESCE((SELECT MAX(called_at) FROM calls WHERE person_id = cp.id), 0) < ?"
            " ORDER BY id",
            (city_id, followed_before, followed_before),
        )
        return [int(row[0]) for row in rows]

    def unused_accounts(
        self, city_id: int, roles: Sequence[str], seen_before: float
    ) -> list[UnusedAccount]:
        rows = self.all(
            "SELECT id, email, display_name, inactivity_warned_at FROM accounts"
            f" WHERE city_id = ? AND confirmed = 1 AND role {self.database.in_list}"
            " AND COALESCE(last_seen_at, created_at) < ? ORDER BY id",
            (city_id, self.database.list_param(roles), seen_before),
        )
        return cast(list[UnusedAccount], rows)

    def unconfirmed_accounts(self, city_id: int, created_before: float) -> list[int]:
        """Sign-ups never confirmed from their mailed link, made before that time."""
        rows = self.all(
            "SELECT id FROM accounts WHERE city_id = ? AND confirmed = 0 AND created_at < ?"
            " ORDER BY id",
            (city_id, created_before),
        )
        return [int(row["id"]) for row in rows]

    def mark_warned(self, account_ids: Sequence[int], now: float) -> None:
        self.executemany(
            "UPDATE accounts SET inactivity_warned_at = ? WHERE id = ?",
            [(now, account_id) for account_id in account_ids],
        )

    def delete_by_id(self, table: str, ids: Sequence[int]) -> None:
        """Inside a write: rows of ``connections``, ``call_people`` or ``accounts`` (whose
        posts the caller deleted first), with what cascades from them."""
        assert table in ("connections", "call_people", "accounts")
        self.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])

    def purge_inbox(self, city_id: int, before: float) -> InboxPurge:
        """Inside a write: notifications, and e-mails sent or given up, older than that
        time, of the city's accounts; how many of each."""
        accounts = "account_id IN (SELECT id FROM accounts WHERE city_id = ?)"
        notifications = self.execute(
            f"DELETE FROM notifications WHERE created_at < ? AND {accounts}", (before, city_id)
        ).rowcount
        mails = self.execute(
            f"DELETE FROM outbox WHERE created_at < ? AND {accounts}", (before, city_id)
        ).rowcount
        return InboxPurge(notifications, mails)

    def purge_audit(self, city_id: int, before: float) -> int:
        """Inside a write: audit and access-log entries older than that time (the triggers
        allow it once the city's horizon has moved); how many."""
        self.execute(
            "UPDATE cities SET audit_kept_since = ? WHERE id = ? AND audit_kept_since < ?",
            (before, city_id, before),
        )
        audit = self.execute(
            "DELETE FROM moderation_audit WHERE city_id = ? AND created_at < ?", (city_id, before)
        ).rowcount
        access = self.execute(
            "DELETE FROM call_access_log WHERE city_id = ? AND at < ?", (city_id, before)
        ).rowcount
        return int(audit + access)

    def audit_purge(
        self, city_id: int, entries: Iterable[tuple[str, int | None, str]], now: float
    ) -> None:
        """Inside a write: what the purge did, ``(action, post_id, reason)``: ids and
        counts, nothing personal."""
        self.executemany(
            "INSERT INTO moderation_audit (city_id, post_id, actor_id, actor_name, actor_role,"
            " action, reason, created_at) VALUES (?, ?, NULL, 'purge', 'system', ?, ?, ?)",
            [(city_id, post_id, action, reason, now) for action, post_id, reason in entries],
        )
