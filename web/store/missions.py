"""Missions and volunteers' answers."""

import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.rows import Mission, MissionAnswer, Volunteer


class Missions(Notifications):
    """Missions and volunteers' answers."""

    # -- missions (web.missions) -----------------------------------------------------------

    def create_mission(
        self, city_id: int, account_id: int, notices: Sequence[Mapping[str, Any]], **fields: Any
    ) -> int:
        """The mission and the notices to the volunteers around it, in one transaction."""
        columns = ["city_id", "account_id", "created_at", "notified", *fields]
        with self.write():
            mission_id = self.insert(
                f"INSERT INTO missions ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                [city_id, account_id, time.time(), len(notices), *fields.values()],
            )
            self.add_notifications(notices)
        return mission_id

    _MISSION = """SELECT m.*, a.display_name AS association_name,
        (SELECT COUNT(*) FROM mission_answers WHERE mission_id = m.id AND answer = 'yes')
            AS yes_count,
        (SELECT COUNT(*) FROM mission_answers WHERE mission_id = m.id AND answer = 'no')
            AS no_count
        FROM missions m JOIN accounts a ON a.id = m.account_id"""

    def mission(self, city_id: int, mission_id: int) -> Mission | None:
        row = self.one(self._MISSION + " WHERE m.id = ? AND m.city_id = ?", (mission_id, city_id))
        return cast(Mission | None, row)

    def missions_by(self, account_id: int) -> list[Mission]:
        rows = self.all(
            self._MISSION + " WHERE m.account_id = ? ORDER BY m.starts_at DESC, m.id DESC",
            (account_id,),
        )
        return cast(list[Mission], rows)

    def upcoming_missions(self, city_id: int, now: float) -> list[Mission]:
        rows = self.all(
            self._MISSION + " WHERE m.city_id = ? AND m.starts_at > ? ORDER BY m.starts_at, m.id",
            (city_id, now),
        )
        return cast(list[Mission], rows)

    def mission_volunteers(self, city_id: int) -> list[Volunteer]:
        """Accounts of the city who accept missions, with their exact home point."""
        rows = self.all(
            "SELECT id, display_name, email, home_lat, home_lon, precision FROM accounts"
            " WHERE city_id = ? AND accepts_missions = 1 AND home_lat IS NOT NULL",
            (city_id,),
        )
        return cast(list[Volunteer], rows)

    def answer_mission(
        self, mission_id: int, account_id: int, answer: str, share_contact: bool
    ) -> None:
        with self.write():
            self.execute(
                "INSERT INTO mission_answers (mission_id, account_id, answer, share_contact,"
                " answered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (mission_id, account_id)"
                " DO UPDATE SET answer = excluded.answer,"
                " share_contact = excluded.share_contact, answered_at = excluded.answered_at",
                (mission_id, account_id, answer, int(share_contact), time.time()),
            )

    def mission_answers(self, mission_id: int) -> list[MissionAnswer]:
        rows = self.all(
            "SELECT ma.answer, ma.share_contact, ma.answered_at, a.id AS account_id,"
            " a.display_name, a.email, a.phone FROM mission_answers ma"
            " JOIN accounts a ON a.id = ma.account_id WHERE ma.mission_id = ?"
            " ORDER BY ma.answered_at, a.id",
            (mission_id,),
        )
        return cast(list[MissionAnswer], rows)

    def my_mission_answers(self, account_id: int) -> dict[int, str]:
        rows = self.execute(
            "SELECT mission_id, answer FROM mission_answers WHERE account_id = ?", (account_id,)
        ).fetchall()
        return {row[0]: row[1] for row in rows}
