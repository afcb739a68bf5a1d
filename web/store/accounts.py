"""Accounts, API tokens, sessions and mailed links."""

import json
import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.posts import ACCOUNT_POSTS_CHANGED, POSTER_COLUMNS
from web.store.rows import Account, MailedLink, Token


class Accounts(Notifications):
    """Accounts, API tokens, sessions and mailed links."""

    # -- accounts and tokens -------------------------------------------------------------

    def create_account(self, city_id: int, **fields: Any) -> int:
        fields = _encode_consent(fields)
        columns = ["city_id", "created_at", *fields]
        values = [city_id, time.time(), *fields.values()]
        with self.write():
            account_id = self.insert(
                f"INSERT INTO accounts ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                values,
            )
        return account_id

    def account(self, account_id: int) -> Account | None:
        return _decode_account(
            self.one(
                "SELECT a.*, c.slug AS city FROM accounts a JOIN cities c ON c.id = a.city_id"
                " WHERE a.id = ?",
                (account_id,),
            )
        )

    def account_by_email(self, email: str) -> Account | None:
        return _decode_account(
            self.one(
                "SELECT a.*, c.slug AS city FROM accounts a JOIN cities c ON c.id = a.city_id"
                " WHERE a.email = ?",
                (email,),
            )
        )

    def update_account(self, account_id: int, **fields: Any) -> None:
        if not fields:
            return
        fields = _encode_consent(fields)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.execute(
                f"UPDATE accounts SET {assignments} WHERE id = ?", [*fields.values(), account_id]
            )
            if POSTER_COLUMNS & fields.keys():
                self.execute(ACCOUNT_POSTS_CHANGED, (account_id,))

    def create_token(self, account_id: int, token_hash: str) -> int:
        with self.write():
            token_id = self.insert(
                "INSERT INTO api_tokens (account_id, token_hash, created_at) VALUES (?, ?, ?)"
                " RETURNING id",
                (account_id, token_hash, time.time()),
            )
        return token_id

    def account_by_token(self, token_hash: str) -> Account | None:
        row = self.one(
            "SELECT account_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL",
            (token_hash,),
        )
        return None if row is None else self.account(row["account_id"])

    def revoke_token(self, token_id: int, account_id: int | None = None) -> bool:
        """Revoke a token (only one of ``account_id``'s when given); False if none was live."""
        sql = "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
        params: list[Any] = [time.time(), token_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        with self.write():
            return self.execute(sql, params).rowcount == 1

    def revoke_tokens(self, account_id: int) -> int:
        """Revoke every live token of an account; how many were live."""
        with self.write():
            return self.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                (time.time(), account_id),
            ).rowcount

    def tokens(self, account_id: int) -> list[Token]:
        rows = self.all(
            "SELECT id, created_at, revoked_at FROM api_tokens WHERE account_id = ? ORDER BY id",
            (account_id,),
        )
        return cast(list[Token], rows)

    # -- sessions and mailed links (web.sessions, web.mailed_links) ---------------------

    def open_session(self, id_hash: str, account_id: int, expires_at: float) -> None:
        with self.write():
            self.execute(
                "INSERT INTO sessions (id_hash, account_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (id_hash, account_id, time.time(), expires_at),
            )

    def session_account(self, id_hash: str, now: float) -> int | None:
        row = self.execute(
            "SELECT account_id FROM sessions WHERE id_hash = ? AND expires_at > ?",
            (id_hash, now),
        ).fetchone()
        return None if row is None else int(row[0])

    def end_sessions(self, *, id_hash: str | None = None, account_id: int | None = None) -> int:
        """End one session, or every session of an account (and expired ones); how many."""
        with self.write():
            self.execute("DELETE FROM sessions WHERE expires_at <= ?", (time.time(),))
            column, value = ("id_hash", id_hash) if id_hash else ("account_id", account_id)
            return self.execute(f"DELETE FROM sessions WHERE {column} = ?", (value,)).rowcount

    def add_mailed_link(
        self,
        token_hash: str,
        account_id: int,
        purpose: str,
        payload: Mapping[str, Any],
        expires_at: float,
        mail: Mapping[str, Any],
    ) -> None:
        """A link's token and its mail (queued in the outbox), in one write."""
        with self.write():
            self.execute(
                "INSERT INTO mailed_links (token_hash, account_id, purpose, payload, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_hash, account_id, purpose, json.dumps(payload), expires_at),
            )
            self.enqueue_mail(account_id, mail, time.time())

    def take_mailed_link(self, token_hash: str, purpose: str, now: float) -> MailedLink | None:
        """The live link's ``account_id`` and ``payload``; it and the account's other links
        for the same purpose are used up (a link works once, the newest never revives an
        older one)."""
        with self.write():
            row = self.one(
                "SELECT account_id, payload FROM mailed_links"
                " WHERE token_hash = ? AND purpose = ? AND expires_at > ?",
                (token_hash, purpose, now),
            )
            if row is not None:
                self.execute(
                    "DELETE FROM mailed_links WHERE account_id = ? AND purpose = ?",
                    (row["account_id"], purpose),
                )
            self.execute("DELETE FROM mailed_links WHERE expires_at <= ?", (now,))
        if row is not None:
            row["payload"] = json.loads(row["payload"])
        return cast(MailedLink | None, row)

    def queue_mail_alone(self, account_id: int, mail: Mapping[str, Any]) -> None:
        """One e-mail to the outbox, in its own write."""
        with self.write():
            self.enqueue_mail(account_id, mail, time.time())


def _encode_consent(fields: dict[str, Any]) -> dict[str, Any]:
    if "consent" in fields:
        fields = {**fields, "consent": json.dumps(fields["consent"])}
    return fields


def _decode_account(row: dict[str, Any] | None) -> Account | None:
    if row is not None:
        row["consent"] = json.loads(row["consent"])
    return cast(Account | None, row)
