"""Everything the app holds about one account."""

from typing import Any

from web.store.messages import Messages


class MyData(Messages):
    """Everything the app holds about one account."""

    # -- "my data" (web.mydata) ------------------------------------------------------------

    _SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})

    def personal_data(self, account_id: int) -> dict[str, Any]:
        """Everything held about an account: its row (no password hash), every table's rows
        it owns (``account_id``), the connections it is a side of and their threads, its
        reports and the moderators' notes on its posts. Secrets (hashes) are left out."""
        data: dict[str, Any] = {
            "account": self._without_secrets(
                self.one("SELECT * FROM accounts WHERE id = ?", (account_id,)) or {}
            )
        }
        for table in self.database.tables_referencing("accounts", "account_id"):
            rows = self.all(f"SELECT * FROM {table} WHERE account_id = ?", (account_id,))
            data[table] = [self._without_secrets(row) for row in rows]
        data["connections_asked"] = self.all(
            "SELECT c.id, c.post_id, p.title AS post_title, c.message, c.status, c.created_at,"
            " c.updated_at FROM connections c JOIN posts p ON p.id = c.post_id"
            " WHERE c.requester_id = ? ORDER BY c.id",
            (account_id,),
        )
        data["connections_received"] = self.all(
            "SELECT c.id, c.post_id, o.display_name AS requester_name, c.message, c.status,"
            " c.created_at, c.updated_at FROM connections c JOIN posts p ON p.id = c.post_id"
            " JOIN accounts o ON o.id = c.requester_id WHERE p.account_id = ? ORDER BY c.id",
            (account_id,),
        )
        data["messages"] = self.messages_of(account_id)
        data["thread_reports_made"] = self.all(
            "SELECT id, connection_id, reason, created_at FROM thread_reports"
            " WHERE reporter_id = ? ORDER BY id",
            (account_id,),
        )
        data["reports_made"] = self.all(
            "SELECT id, post_id, reason, created_at, resolved_at FROM reports"
            " WHERE reporter_id = ? ORDER BY id",
            (account_id,),
        )
        data["moderation_notes"] = self.moderation_notes(account_id)
        return data

    def _without_secrets(self, row: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in row.items() if name not in self._SECRET_COLUMNS}
