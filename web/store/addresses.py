"""The address sample the geocoder searches (FTS5: SQLite only)."""

from collections.abc import Iterable, Mapping
from typing import Any, cast

from web.store.database import Queries
from web.store.rows import Address


class Addresses(Queries):
    """The address sample the geocoder searches (FTS5: SQLite only)."""

    # -- addresses -----------------------------------------------------------------------

    def insert_addresses(self, city_id: int, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace addresses by BAN id, in one transaction; returns how many."""
        count = 0
        with self.write():
            for row in rows:
                self.execute(
                    "DELETE FROM addresses WHERE city_id = ? AND ban_id = ?",
                    (city_id, row["ban_id"]),
                )
                self.execute(
                    "INSERT INTO addresses (city_id, ban_id, numero, rep, nom_voie, code_postal,"
                    " nom_commune, label, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        city_id,
                        row["ban_id"],
                        row["numero"],
                        row["rep"],
                        row["nom_voie"],
                        row["code_postal"],
                        row["nom_commune"],
                        row["label"],
                        row["lat"],
                        row["lon"],
                    ),
                )
                count += 1
        return count

    def search_addresses(self, city_id: int, match: str, limit: int) -> list[Address]:
        """Addresses whose label matches the FTS5 expression, best first."""
        rows = self.all(
            "SELECT a.label, a.lat, a.lon, a.numero, a.nom_voie, a.code_postal, a.nom_commune,"
            " bm25(addresses_fts) AS rank FROM addresses_fts"
            " JOIN addresses a ON a.id = addresses_fts.rowid"
            " WHERE addresses_fts MATCH ? AND a.city_id = ?"
            " ORDER BY rank, CAST(a.numero AS INTEGER), a.id LIMIT ?",
            (match, city_id, limit),
        )
        return cast(list[Address], rows)

    def address_count(self, city_id: int) -> int:
        row = self.execute("SELECT COUNT(*) FROM addresses WHERE city_id = ?", (city_id,))
        return int(row.fetchone()[0])
