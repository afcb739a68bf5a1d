"""Message threads of accepted connections, their grouped notices, and their reports."""

import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.moderation import Moderation
from web.store.rows import ThreadMessage


class Messages(Moderation):
    """Message threads of accepted connections, their grouped notices, and their reports."""

    def add_message(
        self, connection_id: int, author_id: int, body: str, notice: Mapping[str, Any]
    ) -> ThreadMessage:
        """One message and, in the same transaction, its notice to the other side unless
        one about this thread is still unread there (one notice, one mail, however many
        messages follow)."""
        with self.write():
            row = self.one(
                "INSERT INTO messages (connection_id, author_id, body, created_at)"
                " VALUES (?, ?, ?, ?) RETURNING id, author_id, body, created_at",
                (connection_id, author_id, body, time.time()),
            )
            pending = self.execute(
                "SELECT 1 FROM notifications WHERE account_id = ? AND kind = 'message'"
                " AND link = ? AND read_at IS NULL",
                (notice["account_id"], notice["link"]),
            ).fetchone()
            if pending is None:
                self.add_notifications([notice])
        return cast(ThreadMessage, row)

    def mark_thread_read(self, account_id: int, link: str) -> None:
        """The account read the thread: its notices (accepted, new messages) are read, so
        the next message tells it again."""
        with self.write():
            self.execute(
                "UPDATE notifications SET read_at = ? WHERE account_id = ? AND link = ?"
                " AND read_at IS NULL",
                (time.time(), account_id, link),
            )

    def messages(self, connection_id: int, after: int, limit: int) -> list[ThreadMessage]:
        """A thread's messages oldest first, those after the message id ``after``."""
        rows = self.all(
            "SELECT id, author_id, body, created_at FROM messages"
            " WHERE connection_id = ? AND id > ? ORDER BY id LIMIT ?",
            (connection_id, after, limit),
        )
        return cast(list[ThreadMessage], rows)

    def messages_of(self, account_id: int) -> list[dict[str, Any]]:
        """Every message of the threads the account is a side of ("my data")."""
        return self.all(
            "SELECT m.id, m.connection_id, p.title AS post_title, a.display_name AS author,"
            " m.author_id = ?1 AS mine, m.body, m.created_at FROM messages m"
            " JOIN connections c ON c.id = m.connection_id JOIN posts p ON p.id = c.post_id"
            " JOIN accounts a ON a.id = m.author_id"
            " WHERE c.requester_id = ?1 OR p.account_id = ?1 ORDER BY m.id",
            (account_id,),
        )

    # -- a side reports the thread; moderators read it then, audited ------------------------

    def report_thread(self, connection_id: int, reporter_id: int, reason: str) -> int | None:
        """A report attaching the thread; None if this side already reported it."""
        with self.write():
            rows = self.execute(
                "INSERT INTO thread_reports (connection_id, reporter_id, reason, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (connection_id, reporter_id, reason, time.time()),
            ).fetchall()
        return int(rows[0][0]) if rows else None

    def reported_threads(self, city_id: int) -> list[dict[str, Any]]:
        """The city's reported threads, oldest report first: which post, why, when."""
        return self.all(
            "SELECT r.connection_id, c.post_id, p.title AS post_title, r.reason, r.created_at"
            " FROM thread_reports r JOIN connections c ON c.id = r.connection_id"
            " JOIN posts p ON p.id = c.post_id WHERE p.city_id = ? ORDER BY r.id",
            (city_id,),
        )

    def read_reported_thread(
        self, city_id: int, connection_id: int, actor: Mapping[str, Any]
    ) -> list[dict[str, Any]] | None:
        """A reported thread of the city for a moderator, the reading audited in the same
        transaction; None if no side reported it (the thread stays private)."""
        with self.write():
            post = self.one(
                "SELECT c.post_id FROM thread_reports r JOIN connections c"
                " ON c.id = r.connection_id JOIN posts p ON p.id = c.post_id"
                " WHERE r.connection_id = ? AND p.city_id = ? LIMIT 1",
                (connection_id, city_id),
            )
            if post is None:
                return None
            self._audit(
                city_id, post["post_id"], actor, "read_thread", f"connection {connection_id}"
            )
            return self.all(
                "SELECT m.id, a.display_name AS author, m.body, m.created_at FROM messages m"
                " JOIN accounts a ON a.id = m.author_id WHERE m.connection_id = ? ORDER BY m.id",
                (connection_id,),
            )
