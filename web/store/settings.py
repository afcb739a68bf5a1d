"""A city's own settings, categories and logo, as its admin changes them.

Every change is one transaction that also writes the audit log and appends a ``city``
entry to the change log: each process's ``web.indexes`` re-reads the city's row and
categories before its next answer, so a change is seen at once by every worker and server.
Categories are never deleted: a retired one keeps its slug, and its old posts keep it."""

import json
import time
from collections.abc import Mapping
from typing import Any, cast

from web.store.moderation import Moderation
from web.store.rows import CategoryRow, Logo

CITY_CHANGE = "city"  # the change log's op for a change of the city's row or categories


class Settings(Moderation):
    """A city's own settings, categories and logo."""

    def _city_changed(self, city_id: int, actor: Mapping[str, Any], action: str, what: str) -> None:
        self._audit(city_id, None, actor, action, what)
        self.log_change(city_id, 0, CITY_CHANGE)

    def update_city(
        self,
        city_id: int,
        columns: Mapping[str, Any],
        settings: Mapping[str, Any],
        actor: Mapping[str, Any],
        audit: list[str],
    ) -> None:
        """Change the city's ``columns`` (name, languages, premoderation) and its
        ``settings`` overrides (a None value: back to the default), audited one line each."""
        with self.write():
            row = self.one("SELECT settings FROM cities WHERE id = ?", (city_id,))
            merged = json.loads(row["settings"]) if row else {}
            for name, value in settings.items():
                if value is None:
                    merged.pop(name, None)
                else:
                    merged[name] = value
            values = {**columns, "settings": json.dumps(merged, ensure_ascii=False)}
            if "languages" in values:
                values["languages"] = json.dumps(values["languages"])
            if "premoderation" in values:
                values["premoderation"] = int(values["premoderation"])
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.execute(
                f"UPDATE cities SET {assignments} WHERE id = ?", [*values.values(), city_id]
            )
            for line in audit:
                self._city_changed(city_id, actor, "city_setting", line)

    def all_categories(self, city_id: int) -> list[CategoryRow]:
        """Every category of the city, retired ones too, in the city's order."""
        rows = self.all(
            "SELECT slug, fr, en, icon, remote, retired FROM categories"
            " WHERE city_id = ? ORDER BY position, slug",
            (city_id,),
        )
        for row in rows:
            row["remote"] = bool(row["remote"])
            row["retired"] = bool(row["retired"])
        return cast(list[CategoryRow], rows)

    def add_category(
        self, city_id: int, category: Mapping[str, Any], actor: Mapping[str, Any]
    ) -> bool:
        """A new category at the end of the list; False if the slug is taken (retired too)."""
        with self.write():
            rows = self.execute(
                "INSERT INTO categories (city_id, slug, fr, en, icon, remote, position)"
                " SELECT ?, ?, ?, ?, ?, ?, COALESCE(MAX(position), -1) + 1 FROM categories"
                " WHERE city_id = ? ON CONFLICT DO NOTHING RETURNING slug",
                (
                    city_id,
                    category["slug"],
                    category["fr"],
                    category["en"],
                    category["icon"],
                    int(category["remote"]),
                    city_id,
                ),
            ).fetchall()
            if not rows:
                return False
            self._city_changed(city_id, actor, "category_add", category["slug"])
        return True

    def update_category(
        self, city_id: int, slug: str, changes: Mapping[str, Any], actor: Mapping[str, Any]
    ) -> bool:
        """Change a category's labels, icon, remote flag or retirement (never its slug;
        ``changes`` not empty); False for no such category."""
        values = {name: int(v) if isinstance(v, bool) else v for name, v in changes.items()}
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self.write():
            cursor = self.execute(
                f"UPDATE categories SET {assignments} WHERE city_id = ? AND slug = ?",
                [*values.values(), city_id, slug],
            )
            if cursor.rowcount == 0:
                return False
            what = ", ".join(
                f"{name}={json.dumps(v, ensure_ascii=False)}" for name, v in changes.items()
            )
            self._city_changed(city_id, actor, "category_change", f"{slug}: {what}")
        return True

    def set_logo(
        self, city_id: int, media_type: str, data: bytes, actor: Mapping[str, Any]
    ) -> None:
        with self.write():
            self.execute(
                "INSERT INTO city_logos (city_id, media_type, data, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (city_id) DO UPDATE SET"
                " media_type = excluded.media_type, data = excluded.data,"
                " updated_at = excluded.updated_at",
                (city_id, media_type, data, time.time()),
            )
            self._city_changed(city_id, actor, "city_logo", f"{media_type}, {len(data)} bytes")

    def remove_logo(self, city_id: int, actor: Mapping[str, Any]) -> None:
        with self.write():
            self.execute("DELETE FROM city_logos WHERE city_id = ?", (city_id,))
            self._city_changed(city_id, actor, "city_logo", "removed")

    def logo(self, city_id: int) -> Logo | None:
        row = self.one(
            "SELECT media_type, data, updated_at FROM city_logos WHERE city_id = ?", (city_id,)
        )
        if row is not None:
            row["data"] = bytes(row["data"])
        return cast(Logo | None, row)
