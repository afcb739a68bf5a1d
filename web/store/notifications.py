"""The inbox and the e-mail outbox."""

import json
import time
from collections.abc import Iterable, Mapping
from typing import Any, cast

from web.store.database import Queries
from web.store.rows import Mail, Notification


class Notifications(Queries):
    """The inbox and the e-mail outbox."""

    # -- notifications: inbox and e-mail outbox (web.notify) -------------------------------

    def add_notifications(self, notices: Iterable[Mapping[str, Any]]) -> int:
        """Inside a write: each notice ``{account_id, kind, title, body, link}`` goes to the
        inbox; with ``digest`` it waits for the daily digest; with ``mail`` (``{to,
        subject, body, headers}``) an e-mail joins the outbox. Returns how many."""
        now = time.time()
        count = 0
        for notice in notices:
            self.execute(
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
                self.enqueue_mail(notice["account_id"], notice["mail"], now)
            count += 1
        return count

    def enqueue_mail(self, account_id: int, mail: Mapping[str, Any], now: float) -> None:
        """Inside a write: one e-mail (``{to, subject, body, headers}``) to the outbox."""
        self.execute(
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

    def queue_notifications(self, notices: Iterable[Mapping[str, Any]]) -> int:
        with self.write():
            return self.add_notifications(notices)

    def notifications(self, account_id: int, limit: int, unread_only: bool) -> list[Notification]:
        rows = self.all(
            "SELECT id, kind, title, body, link, created_at, read_at FROM notifications"
            " WHERE account_id = ?"
            + (" AND read_at IS NULL" if unread_only else "")
            + " ORDER BY id DESC LIMIT ?",
            (account_id, limit),
        )
        return cast(list[Notification], rows)

    def unread_count(self, account_id: int) -> int:
        row = self.execute(
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
            return self.execute(sql, params).rowcount

    def claim_mail(self, now: float, limit: int, max_attempts: int, reclaim_s: float) -> list[Mail]:
        """Take unsent e-mails for this sender (another sender skips them until
        ``reclaim_s`` has passed: a crashed sender's mail is retried)."""
        with self.write():
            rows = self.all(
                "UPDATE outbox SET claimed_at = ?, attempts = attempts + 1 WHERE id IN"
                " (SELECT id FROM outbox WHERE sent_at IS NULL AND attempts < ?"
                " AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id LIMIT ?)"
                " RETURNING id, to_address, subject, body, headers",
                (now, max_attempts, now - reclaim_s, limit),
            )
        for row in rows:
            row["headers"] = json.loads(row["headers"])
        return cast(list[Mail], sorted(rows, key=lambda row: row["id"]))

    def mail_done(self, mail_id: int, error: str = "", kept_body: str | None = None) -> None:
        """Sent (no error; its body becomes ``kept_body`` if given), or failed: released for
        a later attempt."""
        with self.write():
            if error:
                self.execute(
                    "UPDATE outbox SET claimed_at = NULL, last_error = ? WHERE id = ?",
                    (error, mail_id),
                )
            else:
                self.execute(
                    "UPDATE outbox SET sent_at = ?, body = COALESCE(?, body) WHERE id = ?",
                    (time.time(), kept_body, mail_id),
                )
