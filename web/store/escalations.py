"""Escalated requests (``web.services.escalation``): which were announced to the city's
social workers, and which agent took each in charge, with a note."""

import time
from typing import cast

from web.store.posts import POST_COLUMNS, Posts
from web.store.rows import Agent, EscalationState, PublicPost


class Escalations(Posts):
    """Escalated requests: announced, taken in charge, noted."""

    def take_new_escalations(
        self, city_id: int, posted_before: float, now: float
    ) -> list[PublicPost]:
        """Inside a write: the unanswered requests past the delay never announced yet,
        oldest first; they are marked announced."""
        rows = self.all(
            f"SELECT {POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id"
            " WHERE p.city_id = ? AND p.status = 'published' AND p.expires_at > ?"
            " AND p.kind = 'request' AND p.created_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.post_id = p.id)"
            " AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.post_id = p.id"
            "  AND e.notified_at IS NOT NULL)"
            " ORDER BY p.created_at, p.id",
            (city_id, now, posted_before),
        )
        self.executemany(
            "INSERT INTO escalations (post_id, notified_at) VALUES (?, ?)"
            " ON CONFLICT (post_id) DO UPDATE SET notified_at = excluded.notified_at",
            [(row["id"], now) for row in rows],
        )
        return cast(list[PublicPost], rows)

    def city_agents(self, city_id: int, role: str) -> list[Agent]:
        rows = self.all(
            "SELECT id, email, display_name FROM accounts WHERE city_id = ? AND role = ?"
            " ORDER BY id",
            (city_id, role),
        )
        return cast(list[Agent], rows)

    def escalation_states(self, post_ids: list[int]) -> dict[int, EscalationState]:
        rows = self.all(
            "SELECT post_id, taken_by, taken_by_name, taken_at, note FROM escalations"
            f" WHERE post_id {self.database.in_list}",
            (self.database.list_param(post_ids),),
        )
        return {row["post_id"]: cast(EscalationState, row) for row in rows}

    def handle_escalation(
        self, city_id: int, post_id: int, taken_by: Agent | None | bool, note: str | None
    ) -> bool:
        """Take the request in charge as the agent ``taken_by`` (None: nobody has it;
        False: as it was), and set its note when given; False if the city has no such
        request."""
        now = time.time()
        changes: dict[str, object] = {}
        if taken_by is not False:
            agent = taken_by if isinstance(taken_by, dict) else None
            changes["taken_by"] = agent["id"] if agent else None
            changes["taken_by_name"] = agent["display_name"] if agent else ""
            changes["taken_at"] = now if agent else None
        if note is not None:
            changes["note"] = note
        names = ", ".join(changes)
        updates = ", ".join(f"{name} = excluded.{name}" for name in changes)
        with self.write():
            found = self.one(
                "SELECT id FROM posts WHERE id = ? AND city_id = ? AND kind = 'request'",
                (post_id, city_id),
            )
            if found is None:
                return False
            self.execute(
                f"INSERT INTO escalations (post_id, {names})"
                f" VALUES (?, {', '.join('?' for _ in changes)})"
                f" ON CONFLICT (post_id) DO UPDATE SET {updates}",
                (post_id, *changes.values()),
            )
        return True
