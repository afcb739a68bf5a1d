"""Connections between a post's author and a neighbour, and their follow-up."""

import json
import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.rows import (
    AccountConnection,
    AccountConnections,
    Connection,
    ConnectionStat,
    ConsentRecord,
    FollowUp,
)


class Connections(Notifications):
    """Connections between a post's author and a neighbour, and their follow-up."""

    # -- connections ---------------------------------------------------------------------

    def create_connection(
        self,
        post_id: int,
        requester_id: int,
        message: str,
        notice: Mapping[str, Any] | None = None,
    ) -> int:
        """The request and, in the same transaction, the ``notice`` telling the poster."""
        now = time.time()
        with self.write():
            connection_id = self.insert(
                "INSERT INTO connections (post_id, requester_id, message, status, created_at,"
                " updated_at) VALUES (?, ?, ?, 'requested', ?, ?) RETURNING id",
                (post_id, requester_id, message, now, now),
            )
            self.add_notifications([notice] if notice else [])
        return connection_id

    def has_connection(self, post_id: int, requester_id: int) -> bool:
        """Whether the account already asked about this post, whatever the answer."""
        row = self.execute(
            "SELECT 1 FROM connections WHERE post_id = ? AND requester_id = ?",
            (post_id, requester_id),
        ).fetchone()
        return row is not None

    def connection(self, connection_id: int) -> Connection | None:
        row = self.one(
            "SELECT c.*, p.account_id AS poster_id, p.title AS post_title FROM connections c"
            " JOIN posts p ON p.id = c.post_id WHERE c.id = ?",
            (connection_id,),
        )
        return cast(Connection | None, row)

    def set_connection_status(
        self, connection_id: int, status: str, notice: Mapping[str, Any]
    ) -> None:
        """The poster's answer and, in the same transaction, the ``notice`` to the requester."""
        with self.write():
            self.execute(
                "UPDATE connections SET status = ?, updated_at = ? WHERE id = ?",
                (status, time.time(), connection_id),
            )
            self.add_notifications([notice])

    def connections_of(self, account_id: int) -> AccountConnections:
        """Connections on the account's posts (incoming) and that it asked (outgoing),
        each with the other side's account row under ``other``."""
        select = (
            "SELECT c.id, c.post_id, p.title AS post_title, c.message, c.status, c.created_at,"
            " o.display_name, o.email, o.phone, o.consent FROM connections c"
            " JOIN posts p ON p.id = c.post_id"
        )
        incoming = self.all(
            select + " JOIN accounts o ON o.id = c.requester_id WHERE p.account_id = ?"
            " ORDER BY c.created_at DESC, c.id DESC",
            (account_id,),
        )
        outgoing = self.all(
            select + " JOIN accounts o ON o.id = p.account_id WHERE c.requester_id = ?"
            " ORDER BY c.created_at DESC, c.id DESC",
            (account_id,),
        )
        for row in incoming + outgoing:
            row["consent"] = json.loads(row["consent"])
        return {
            "incoming": cast(list[AccountConnection], incoming),
            "outgoing": cast(list[AccountConnection], outgoing),
        }

    # -- connection follow-up and counts (web.followup) --------------------------------------

    def follow_ups(self, account_id: int, accepted_before: float) -> list[FollowUp]:
        """Connections of the account (either side) accepted before that time that it has
        not yet said whether the help happened."""
        rows = self.all(
            "SELECT c.id, c.post_id, p.title AS post_title, s.accepted_at,"
            " CASE WHEN p.account_id = ?1 THEN 'poster' ELSE 'requester' END AS side"
            " FROM connections c JOIN posts p ON p.id = c.post_id"
            " JOIN connection_stats s ON s.connection_id = c.id"
            " WHERE (p.account_id = ?1 OR c.requester_id = ?1)"
            " AND c.status IN ('accepted', 'done') AND s.accepted_at <= ?2"
            " AND NOT EXISTS (SELECT 1 FROM connection_outcomes o"
            "  WHERE o.connection_id = c.id AND o.account_id = ?1)"
            " ORDER BY s.accepted_at, c.id",
            (account_id, accepted_before),
        )
        return cast(list[FollowUp], rows)

    def record_outcome(self, connection_id: int, account_id: int, outcome: str) -> str:
        """One side's answer (it may change it); returns the connection's outcome:
        ``done`` when either side says so, else ``not_done``. A done connection's
        status becomes ``done``."""
        with self.write():
            self.execute(
                "INSERT INTO connection_outcomes"
                " (connection_id, account_id, outcome, answered_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (connection_id, account_id) DO UPDATE"
                " SET outcome = excluded.outcome, answered_at = excluded.answered_at",
                (connection_id, account_id, outcome, time.time()),
            )
            answers = {
                row[0]
                for row in self.execute(
                    "SELECT outcome FROM connection_outcomes WHERE connection_id = ?",
                    (connection_id,),
                ).fetchall()
            }
            overall = "done" if "done" in answers else "not_done"
            self.execute(
                "UPDATE connection_stats SET outcome = ? WHERE connection_id = ?",
                (overall, connection_id),
            )
            self.execute(
                "UPDATE connections SET status = ?, updated_at = ? WHERE id = ?",
                ("done" if overall == "done" else "accepted", time.time(), connection_id),
            )
        return overall

    def connection_stats(self, city_id: int) -> list[ConnectionStat]:
        """``(category, created_at, status, outcome)`` of every connection ever made in the
        city, deleted posts and accounts included: anonymous, no message."""
        rows = self.execute(
            "SELECT category, created_at, status, outcome FROM connection_stats"
            " WHERE city_id = ? ORDER BY created_at",
            (city_id,),
        ).fetchall()
        return [ConnectionStat(*row) for row in rows]

    def consent_history(self, account_id: int) -> list[ConsentRecord]:
        rows = self.all(
            "SELECT consent, consent_text, recorded_at FROM consent_log WHERE account_id = ?"
            " ORDER BY id",
            (account_id,),
        )
        for row in rows:
            row["consent"] = json.loads(row["consent"])
        return cast(list[ConsentRecord], rows)
