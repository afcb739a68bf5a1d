"""Idempotency keys: the first answer to a creating request, kept a day (web.http.idempotency)."""

import json
from typing import cast

from web.store.database import Queries
from web.store.rows import StoredAnswer


class IdempotencyKeys(Queries):
    """Idempotency keys: claimed before a request runs, answered after it."""

    # -- idempotency keys (web.http.idempotency) -------------------------------------------

    def claim_key(
        self,
        owner: str,
        key: str,
        account_id: int | None,
        fingerprint: str,
        now: float,
        kept_since: float,
        abandoned_before: float,
    ) -> StoredAnswer | None:
        """In one write: purge keys older than ``kept_since``, then claim ``(owner, key)``.

        None when the claim is ours (the request may run); else the row already there: a
        claim older than ``abandoned_before`` with no answer (its request died) is taken
        over and None returned."""
        with self.write():
            self.execute("DELETE FROM idempotency_keys WHERE created_at < ?", (kept_since,))
            row = self.one(
                "SELECT fingerprint, status, body, headers, created_at FROM idempotency_keys"
                " WHERE owner = ? AND key = ?",
                (owner, key),
            )
            if row is not None and not (
                row["status"] is None and row["created_at"] < abandoned_before
            ):
                return cast(StoredAnswer, row)
            self.execute(
                "INSERT INTO idempotency_keys (owner, key, account_id, fingerprint, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner, key) DO UPDATE SET"
                " fingerprint = excluded.fingerprint, created_at = excluded.created_at",
                (owner, key, account_id, fingerprint, now),
            )
            return None

    def stored_answer(self, owner: str, key: str) -> StoredAnswer | None:
        row = self.one(
            "SELECT fingerprint, status, body, headers, created_at FROM idempotency_keys"
            " WHERE owner = ? AND key = ?",
            (owner, key),
        )
        return cast(StoredAnswer | None, row)

    def answer_key(self, owner: str, key: str, status: int, body: str, headers: str) -> None:
        """Keep the first answer of a claimed key."""
        with self.write():
            self.execute(
                "UPDATE idempotency_keys SET status = ?, body = ?, headers = ?"
                " WHERE owner = ? AND key = ?",
                (status, body, headers, owner, key),
            )

    def release_key(self, owner: str, key: str) -> None:
        """Forget a claim whose request created nothing (an error): a retry runs again."""
        with self.write():
            self.execute(
                "DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND status IS NULL",
                (owner, key),
            )

    def forget_answers(self, location: str) -> None:
        """Delete the kept answers whose ``Location`` is ``location`` or lies under it."""
        with self.write():
            rows = self.all(
                "SELECT owner, key, headers FROM idempotency_keys WHERE headers LIKE ?",
                (f"%{location}%",),
            )
            for row in rows:
                kept = json.loads(row["headers"]).get("Location", "")
                if kept == location or kept.startswith(f"{location}/"):
                    self.execute(
                        "DELETE FROM idempotency_keys WHERE owner = ? AND key = ?",
                        (row["owner"], row["key"]),
                    )
