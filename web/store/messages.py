"""Message threads of accepted connections, and their grouped notices."""

import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.rows import ThreadMessage


class Messages(Notifications):
    """Message threads of accepted connections, and their grouped notices."""

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
