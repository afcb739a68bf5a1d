"""Buildings as private groups (web.services.buildings): invitations, members, and the
posts addressed to a building or a street.

A building is a BAN address id (an entrance), its street the BAN street key; neither is
shown to anyone. An account belongs to one building at most (``building_members`` is
keyed by account), joined through an invitation; joins are in the audit log."""

import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.database import Queries
from web.store.posts import POST_COLUMNS
from web.store.rows import Invitation, Membership, PublicPost

_INVITATION_COLUMNS = "id, city_id, ban_id, street, created_by, created_at, expires_at, revoked_at"


class Buildings(Queries):
    """Invitations, members, and the posts addressed to a building or a street."""

    # -- invitations ---------------------------------------------------------------------

    def create_invitation(self, city_id: int, **fields: Any) -> int:
        """A new invitation (``ban_id``, ``street``, ``token_hash``, ``created_by``,
        ``created_at``, ``expires_at``)."""
        columns = ["city_id", *fields]
        with self.write():
            return self.insert(
                f"INSERT INTO building_invitations ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                [city_id, *fields.values()],
            )

    def invitation_by_hash(self, city_id: int, token_hash: str) -> Invitation | None:
        row = self.one(
            f"SELECT {_INVITATION_COLUMNS} FROM building_invitations"
            " WHERE city_id = ? AND token_hash = ?",
            (city_id, token_hash),
        )
        return cast(Invitation | None, row)

    def invitation(self, city_id: int, invitation_id: int) -> Invitation | None:
        row = self.one(
            f"SELECT {_INVITATION_COLUMNS} FROM building_invitations WHERE city_id = ? AND id = ?",
            (city_id, invitation_id),
        )
        return cast(Invitation | None, row)

    def revoke_invitation(self, invitation_id: int) -> None:
        with self.write():
            self.execute(
                "UPDATE building_invitations SET revoked_at = ?"
                " WHERE id = ? AND revoked_at IS NULL",
                (time.time(), invitation_id),
            )

    # -- members -------------------------------------------------------------------------

    def join_building(self, account: Mapping[str, Any], invitation: Mapping[str, Any]) -> None:
        """In one write: the account is a member of the invitation's building (and of no
        other), and the audit log says so (which invitation, not which building)."""
        now = time.time()
        with self.write():
            self.execute("DELETE FROM building_members WHERE account_id = ?", (account["id"],))
            self.execute(
                "INSERT INTO building_members (account_id, city_id, ban_id, street,"
                " invitation_id, joined_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    account["id"],
                    invitation["city_id"],
                    invitation["ban_id"],
                    invitation["street"],
                    invitation["id"],
                    now,
                ),
            )
            self.execute(
                "INSERT INTO moderation_audit (city_id, post_id, actor_id, actor_name,"
                " actor_role, action, reason, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?)",
                (
                    invitation["city_id"],
                    account["id"],
                    account["display_name"],
                    account["role"],
                    "building_join",
                    f"invitation {invitation['id']}",
                    now,
                ),
            )

    def membership(self, account_id: int) -> Membership | None:
        """The account's building and street, if it joined one."""
        row = self.one(
            "SELECT city_id, ban_id, street, joined_at FROM building_members WHERE account_id = ?",
            (account_id,),
        )
        return cast(Membership | None, row)

    def group_members(self, city_id: int, audience: str, key: str) -> list[int]:
        """The accounts that read a post addressed to the building or street ``key``."""
        column = "ban_id" if audience == "building" else "street"
        rows = self.execute(
            f"SELECT account_id FROM building_members WHERE city_id = ? AND {column} = ?"
            " ORDER BY account_id",
            (city_id, key),
        ).fetchall()
        return [int(row[0]) for row in rows]

    # -- their posts ---------------------------------------------------------------------

    def group_posts(
        self,
        city_id: int,
        audience: str,
        key: str,
        now: float,
        before: tuple[float, int] | None,
        limit: int,
    ) -> list[PublicPost]:
        """Published, unexpired posts addressed to the building or street ``key``, newest
        first, older than ``before`` (``(created_at, id)``) when given."""
        column = "ban_id" if audience == "building" else "street"
        older, params = "", []
        if before is not None:
            older, params = (
                " AND (p.created_at < ? OR (p.created_at = ? AND p.id < ?))",
                [
                    before[0],
                    *before,
                ],
            )
        rows = self.all(
            f"SELECT {POST_COLUMNS} FROM posts p JOIN accounts a ON a.id = p.account_id"
            f" WHERE p.city_id = ? AND p.audience = ? AND p.{column} = ?"
            f" AND p.status = 'published' AND p.expires_at > ?{older}"
            " ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
            [city_id, audience, key, now, *params, limit],
        )
        return cast(list[PublicPost], rows)
