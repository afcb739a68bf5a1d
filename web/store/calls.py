"""The call list: people called by volunteers, and who read it."""

import json
import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.rows import (
    AccessLogEntry,
    AssignedPerson,
    Call,
    CallPerson,
    CallVolunteer,
    ListedCallPerson,
)


class Calls(Notifications):
    """The call list: people called by volunteers, and who read it."""

    # -- the call list (web.calls) ---------------------------------------------------------
    # Every method takes the social worker's account id and writes the access log in the
    # same transaction as the read or change it records.

    _CALL_PERSON = """SELECT cp.*, v.display_name AS volunteer_name, v.phone AS volunteer_phone,
        v.email AS volunteer_email,
        (SELECT MAX(called_at) FROM calls WHERE person_id = cp.id) AS last_called_at,
        (SELECT outcome FROM calls WHERE person_id = cp.id
         ORDER BY called_at DESC, id DESC LIMIT 1) AS last_outcome
        FROM call_people cp LEFT JOIN accounts v ON v.id = cp.volunteer_id"""

    def _log_call_access(
        self, city_id: int, account_id: int, action: str, person_id: int | None
    ) -> None:
        self.execute(
            "INSERT INTO call_access_log (city_id, account_id, action, person_id, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (city_id, account_id, action, person_id, time.time()),
        )

    def call_people(
        self, city_id: int, reader_id: int, limit: int, after: tuple[int, float, int] | None
    ) -> list[ListedCallPerson]:
        """A page of the call list, what needs action first: people nobody was assigned,
        then the longest since their last call (never called first); keyset-paged after
        the ``call_list_key`` of the previous page's last person."""
        keyset = "" if after is None else " WHERE (q.assigned, q.last_key, q.id) > (?, ?, ?)"
        with self.write():
            self._log_call_access(city_id, reader_id, "list", None)
            rows = self.all(
                "SELECT * FROM (SELECT p.*,"
                " CASE WHEN p.volunteer_id IS NULL THEN 0 ELSE 1 END AS assigned,"
                " COALESCE(p.last_called_at, 0) AS last_key"
                f" FROM ({self._CALL_PERSON} WHERE cp.city_id = ?) AS p) AS q{keyset}"
                " ORDER BY q.assigned, q.last_key, q.id LIMIT ?",
                (city_id, *(after or ()), limit),
            )
        return [cast(ListedCallPerson, _decode_needs(row)) for row in rows]

    def call_person(
        self, city_id: int, person_id: int, reader_id: int, action: str = "read"
    ) -> CallPerson | None:
        with self.write():
            row = self.one(
                self._CALL_PERSON + " WHERE cp.id = ? AND cp.city_id = ?", (person_id, city_id)
            )
            if row is not None:
                self._log_call_access(city_id, reader_id, action, person_id)
        return None if row is None else _decode_needs(row)

    def create_call_person(self, city_id: int, author_id: int, **fields: Any) -> int:
        now = time.time()
        fields = {**fields, "needs": json.dumps(fields.get("needs", []))}
        columns = ["city_id", "created_by", "created_at", "updated_at", *fields]
        with self.write():
            person_id = self.insert(
                f"INSERT INTO call_people ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                [city_id, author_id, now, now, *fields.values()],
            )
            self._log_call_access(city_id, author_id, "create", person_id)
        return person_id

    def update_call_person(
        self, city_id: int, person_id: int, author_id: int, **fields: Any
    ) -> None:
        if "needs" in fields:
            fields["needs"] = json.dumps(fields["needs"])
        fields["updated_at"] = time.time()
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.write():
            self.execute(
                f"UPDATE call_people SET {assignments} WHERE id = ? AND city_id = ?",
                [*fields.values(), person_id, city_id],
            )
            self._log_call_access(city_id, author_id, "update", person_id)

    def import_call_people(self, city_id: int, author_id: int, people: list[dict[str, Any]]) -> int:
        """Add every person of an imported register, in one transaction (all or none)."""
        now = time.time()
        with self.write():
            for person in people:
                columns = ["city_id", "created_by", "created_at", "updated_at", *person]
                person_id = self.insert(
                    f"INSERT INTO call_people ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                    [city_id, author_id or None, now, now, *person.values()],
                )
                self._log_call_access(city_id, author_id, "import", person_id)
        return len(people)

    def assigned_call_people(self, city_id: int, volunteer_id: int) -> list[AssignedPerson]:
        """The people a volunteer was asked to phone: name, phone and the volunteer's own
        calls' last outcome (the read is logged)."""
        with self.write():
            rows = self.all(
                "SELECT cp.id, cp.name, cp.phone, (SELECT outcome FROM calls c"
                "  WHERE c.person_id = cp.id AND c.recorded_by = cp.volunteer_id"
                "  ORDER BY c.called_at DESC, c.id DESC LIMIT 1) AS last_outcome"
                " FROM call_people cp WHERE cp.city_id = ? AND cp.volunteer_id = ?"
                " ORDER BY cp.name, cp.id",
                (city_id, volunteer_id),
            )
            for row in rows:
                self._log_call_access(city_id, volunteer_id, "volunteer read", row["id"])
        return cast(list[AssignedPerson], rows)

    def record_volunteer_call(
        self, city_id: int, person_id: int, volunteer_id: int, outcome: str, notes: str
    ) -> int | None:
        """A call the assigned volunteer made; None if the person is not theirs to call."""
        with self.write():
            found = self.one(
                "SELECT id FROM call_people WHERE id = ? AND city_id = ? AND volunteer_id = ?",
                (person_id, city_id, volunteer_id),
            )
            if found is None:
                return None
            call_id = self.insert(
                "INSERT INTO calls (person_id, recorded_by, outcome, notes, called_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (person_id, volunteer_id, outcome, notes, time.time()),
            )
            self._log_call_access(city_id, volunteer_id, "volunteer call", person_id)
        return call_id

    def delete_call_person(self, city_id: int, person_id: int, author_id: int) -> None:
        with self.write():
            self.execute(
                "DELETE FROM call_people WHERE id = ? AND city_id = ?", (person_id, city_id)
            )
            self._log_call_access(city_id, author_id, "delete", person_id)

    def assign_call_volunteer(
        self, city_id: int, person_id: int, author_id: int, notice: Mapping[str, Any]
    ) -> None:
        """Assign ``notice["account_id"]`` and tell them (the notice names nobody)."""
        volunteer_id = notice["account_id"]
        with self.write():
            self.execute(
                "UPDATE call_people SET volunteer_id = ?, updated_at = ?"
                " WHERE id = ? AND city_id = ?",
                (volunteer_id, time.time(), person_id, city_id),
            )
            self._log_call_access(city_id, author_id, f"assign volunteer {volunteer_id}", person_id)
            self.add_notifications([notice])

    def record_call(
        self, city_id: int, person_id: int, author_id: int, outcome: str, notes: str
    ) -> int:
        with self.write():
            call_id = self.insert(
                "INSERT INTO calls (person_id, recorded_by, outcome, notes, called_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (person_id, author_id, outcome, notes, time.time()),
            )
            self._log_call_access(city_id, author_id, "record call", person_id)
        return call_id

    def calls_of(self, person_id: int) -> list[Call]:
        """Read by the same requests that logged their read of the person."""
        rows = self.all(
            "SELECT c.id, c.outcome, c.notes, c.called_at, a.display_name AS recorded_by"
            " FROM calls c LEFT JOIN accounts a ON a.id = c.recorded_by"
            " WHERE c.person_id = ? ORDER BY c.called_at DESC, c.id DESC",
            (person_id,),
        )
        return cast(list[Call], rows)

    def call_volunteers(self, city_id: int) -> list[CallVolunteer]:
        """Accounts of the city who accept calls, with their exact home point."""
        rows = self.all(
            "SELECT id, display_name, phone, email, home_lat, home_lon, precision FROM accounts"
            " WHERE city_id = ? AND accepts_calls = 1 AND home_lat IS NOT NULL",
            (city_id,),
        )
        return cast(list[CallVolunteer], rows)

    def call_access_log(
        self, city_id: int, reader_id: int, limit: int = 500
    ) -> list[AccessLogEntry]:
        with self.write():
            self._log_call_access(city_id, reader_id, "read log", None)
            rows = self.all(
                "SELECT l.*, a.display_name AS account_name FROM call_access_log l"
                " LEFT JOIN accounts a ON a.id = l.account_id WHERE l.city_id = ?"
                " ORDER BY l.id DESC LIMIT ?",
                (city_id, limit),
            )
        return cast(list[AccessLogEntry], rows)


def call_list_key(person: ListedCallPerson) -> tuple[int, float, int]:
    """Where ``person`` stands in the call list's order, as ``Calls.call_people`` sorts."""
    return person["assigned"], float(person["last_key"]), person["id"]


def _decode_needs(row: dict[str, Any]) -> CallPerson:
    row["needs"] = json.loads(row["needs"])
    return cast(CallPerson, row)
