"""Pre-moderation, flags and reports, the queue, roles and the audit log."""

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.posts import POST_COLUMNS, Posts
from web.store.rows import (
    AuditEntry,
    HistoryEntry,
    ModerationNote,
    OrganisationToVerify,
    QueuedPost,
)


class Moderation(Posts, Notifications):
    """Pre-moderation, flags and reports, the queue, roles and the audit log."""

    # -- moderation (web.moderation) ------------------------------------------------------

    def set_premoderation(self, city_id: int, on: bool, actor: Mapping[str, Any]) -> None:
        with self.write():
            self.execute("UPDATE cities SET premoderation = ? WHERE id = ?", (int(on), city_id))
            action = "premoderation_on" if on else "premoderation_off"
            self._audit(city_id, None, actor, action, "")

    def premoderation(self, city_id: int) -> bool:
        """Read at each new post (a CLI switch applies at once, whatever the cached city)."""
        row = self.execute("SELECT premoderation FROM cities WHERE id = ?", (city_id,))
        return bool(row.fetchone()[0])

    def flag_post(self, post_id: int, signals: Sequence[str]) -> None:
        """(Re)open the post's commercial flag with these signals."""
        with self.write():
            self.execute(
                "INSERT INTO post_flags (post_id, signals, created_at, resolved_at)"
                " VALUES (?, ?, ?, NULL) ON CONFLICT (post_id) DO UPDATE SET"
                " signals = excluded.signals, created_at = excluded.created_at, resolved_at = NULL",
                (post_id, json.dumps(list(signals)), time.time()),
            )

    def report_post(self, post_id: int, reporter_id: int, reason: str) -> int | None:
        """A new open report; None if this reporter already has one open on the post."""
        with self.write():
            rows = self.execute(
                "INSERT INTO reports (post_id, reporter_id, reason, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (post_id, reporter_id, reason, time.time()),
            ).fetchall()
        return int(rows[0][0]) if rows else None

    def moderation_queue(
        self, city_id: int, limit: int, after: tuple[int, float, int] = (2**62, -1.0, 0)
    ) -> list[QueuedPost]:
        """Pending, reported (open reports) and flagged (open flag) posts of the city,
        most reported first, then oldest first, after the sort key ``after`` ``(report
        count, created_at, id)`` (keyset paging); with their open reports' reasons."""
        count, created_at, post_id = after
        rows = self.all(
            "SELECT * FROM ("
            f"SELECT {POST_COLUMNS}, a.email AS poster_email, f.signals,"
            " (SELECT COUNT(*) FROM reports r WHERE r.post_id = p.id"
            "  AND r.resolved_at IS NULL) AS report_count"
            " FROM posts p JOIN accounts a ON a.id = p.account_id"
            " LEFT JOIN post_flags f ON f.post_id = p.id AND f.resolved_at IS NULL"
            " WHERE p.city_id = ? AND p.id IN ("
            "  SELECT id FROM posts WHERE city_id = ? AND status = 'pending'"
            "  UNION SELECT post_id FROM reports WHERE resolved_at IS NULL"
            "  UNION SELECT post_id FROM post_flags WHERE resolved_at IS NULL)) q"
            " WHERE q.report_count < ? OR (q.report_count = ?"
            "  AND (q.created_at > ? OR (q.created_at = ? AND q.id > ?)))"
            " ORDER BY q.report_count DESC, q.created_at, q.id LIMIT ?",
            (city_id, city_id, count, count, created_at, created_at, post_id, limit),
        )
        reasons = self.all(
            "SELECT post_id, reason, created_at FROM reports WHERE resolved_at IS NULL"
            f" AND post_id {self.database.in_list} ORDER BY created_at",
            (self.database.list_param(row["id"] for row in rows),),
        )
        for row in rows:
            row["signals"] = json.loads(row["signals"]) if row["signals"] else []
            row["reports"] = [r for r in reasons if r["post_id"] == row["id"]]
        return cast(list[QueuedPost], rows)

    def post_history(self, post_id: int) -> list[HistoryEntry]:
        """Reports and moderation actions on a post, oldest first."""
        rows = self.all(
            "SELECT 'report' AS action, reason, created_at, NULL AS actor_name FROM reports"
            " WHERE post_id = ?1"
            " UNION ALL SELECT action, reason, created_at, actor_name FROM moderation_audit"
            " WHERE post_id = ?1 ORDER BY created_at",
            (post_id,),
        )
        return cast(list[HistoryEntry], rows)

    def moderate_post(
        self,
        city_id: int,
        post_id: int,
        actor: Mapping[str, Any],
        action: str,
        reason: str,
        status: str | None,
        notice: Mapping[str, Any] | None = None,
    ) -> None:
        """One moderation action in one transaction: the new status (the index follows
        through the change log), the note the poster sees, open reports and flag
        resolved, the audit entry, and ``notice`` to the poster."""
        now = time.time()
        with self.write():
            if status is not None:
                self.execute(
                    "UPDATE posts SET status = ?, updated_at = ? WHERE id = ? AND city_id = ?",
                    (status, now, post_id, city_id),
                )
                self.log_change(city_id, post_id, "upsert")
            if action == "publish":
                self.execute("DELETE FROM moderation_notes WHERE post_id = ?", (post_id,))
            else:
                self.execute(
                    "INSERT INTO moderation_notes (post_id, action, reason, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (post_id) DO UPDATE SET"
                    " action = excluded.action, reason = excluded.reason,"
                    " created_at = excluded.created_at",
                    (post_id, action, reason, now),
                )
            for table in ("reports", "post_flags"):
                self.execute(
                    f"UPDATE {table} SET resolved_at = ? WHERE post_id = ? AND resolved_at IS NULL",
                    (now, post_id),
                )
            self._audit(city_id, post_id, actor, action, reason)
            self.add_notifications([notice] if notice else [])

    def organisations_to_verify(self, city_id: int) -> list[OrganisationToVerify]:
        """Accounts of the city waiting for verification as organisations, oldest first."""
        rows = self.all(
            "SELECT id, email, display_name, poster_type, phone, home_address, created_at"
            " FROM accounts WHERE city_id = ? AND verification = 'pending' ORDER BY id",
            (city_id,),
        )
        return cast(list[OrganisationToVerify], rows)

    def decide_organisation(
        self,
        city_id: int,
        account_id: int,
        changes: Mapping[str, Any],
        actor: Mapping[str, Any],
        action: str,
        reason: str,
        notice: Mapping[str, Any],
    ) -> bool:
        """Approve or refuse a pending organisation: its account changes, the audit log
        and the notice to the applicant in one transaction; False if it was not pending."""
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with self.write():
            cursor = self.execute(
                f"UPDATE accounts SET {assignments}"
                " WHERE id = ? AND city_id = ? AND verification = 'pending'",
                [*changes.values(), account_id, city_id],
            )
            if cursor.rowcount == 0:
                return False
            self.log_account_posts(account_id)
            self._audit(city_id, None, actor, action, reason)
            self.add_notifications([notice])
        return True

    def set_role(self, city_id: int, account_id: int, role: str, actor: Mapping[str, Any]) -> None:
        """An admin gives an account of the city a role; audited with the account's id."""
        with self.write():
            self.execute(
                "UPDATE accounts SET role = ? WHERE id = ? AND city_id = ?",
                (role, account_id, city_id),
            )
            self.log_account_posts(account_id)
            self._audit(city_id, None, actor, f"role_{role}", f"account {account_id}")

    def _audit(
        self,
        city_id: int,
        post_id: int | None,
        actor: Mapping[str, Any],
        action: str,
        reason: str,
    ) -> None:
        self.execute(
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

    def moderation_audit(self, city_id: int, before_id: int | None, limit: int) -> list[AuditEntry]:
        """Audit entries of the city, newest first, older than ``before_id`` when given."""
        rows = self.all(
            "SELECT id, post_id, actor_id, actor_name, actor_role, action, reason, created_at"
            " FROM moderation_audit WHERE city_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (city_id, before_id if before_id is not None else 2**63 - 1, limit),
        )
        return cast(list[AuditEntry], rows)

    def moderation_notes(self, account_id: int) -> list[ModerationNote]:
        """What moderators told this account about its posts (hidden, warned)."""
        rows = self.all(
            "SELECT n.post_id, p.title AS post_title, p.status, n.action, n.reason,"
            " n.created_at FROM moderation_notes n JOIN posts p ON p.id = n.post_id"
            " WHERE p.account_id = ? ORDER BY n.created_at DESC",
            (account_id,),
        )
        return cast(list[ModerationNote], rows)
