"""Cities and their categories."""

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from web.store.database import Queries
from web.store.rows import Category, City


class Cities(Queries):
    """Cities and their categories."""

    # -- cities and categories -----------------------------------------------------------

    def create_city(
        self,
        slug: str,
        name: str,
        boundary: dict[str, Any],
        categories: Iterable[Mapping[str, Any]],
        languages: Sequence[str] = ("fr", "en"),
        premoderation: bool = False,
    ) -> int:
        with self.write():
            city_id = self.insert(
                "INSERT INTO cities (slug, name, boundary, languages, premoderation, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    slug,
                    name,
                    json.dumps(boundary),
                    json.dumps(list(languages)),
                    int(premoderation),
                    time.time(),
                ),
            )
            self.executemany(
                "INSERT INTO categories (city_id, slug, fr, en, icon, remote, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        city_id,
                        c["slug"],
                        c["fr"],
                        c["en"],
                        c.get("icon", ""),
                        int(bool(c.get("remote"))),
                        position,
                    )
                    for position, c in enumerate(categories)
                ],
            )
        return city_id

    def city(self, slug: str) -> City | None:
        row = self.one("SELECT * FROM cities WHERE slug = ?", (slug,))
        if row is not None:
            row["boundary"] = json.loads(row["boundary"])
            row["languages"] = json.loads(row["languages"])
            row["premoderation"] = bool(row["premoderation"])
            row["retention"] = json.loads(row["retention"])
            row["settings"] = json.loads(row["settings"])
        return cast(City | None, row)

    def city_slugs(self) -> list[str]:
        return [row["slug"] for row in self.all("SELECT slug FROM cities ORDER BY slug")]

    def categories(self, city_id: int) -> list[Category]:
        rows = self.all(
            "SELECT slug, fr, en, icon, remote FROM categories"
            " WHERE city_id = ? AND retired = 0 ORDER BY position",
            (city_id,),
        )
        for row in rows:
            row["remote"] = bool(row["remote"])
        return cast(list[Category], rows)
