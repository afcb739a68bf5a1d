"""The address sample the geocoder searches: FTS5 on SQLite; on PostgreSQL a ``tsvector``
of each label without accents (``addresses_fts``, kept by a trigger), the same query
language as the geocoder writes it (every word, the last one as a prefix)."""

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from web.store.database import Queries
from web.store.rows import Address, AddressPoint

_FTS5_TERM = re.compile(r'"((?:[^"]|"")*)"(\*?)')


def tsquery(match: str) -> str:
    """The FTS5 expression ``"w1" "w2"*`` as a ``to_tsquery`` text: ``'w1' & 'w2':*``."""
    terms = [
        "'" + word.replace('""', '"').replace("'", "''").replace("\\", "\\\\") + "'"
        + (":*" if prefix else "")
        for word, prefix in _FTS5_TERM.findall(match)
    ]  # fmt: skip
    return " & ".join(terms)


class Addresses(Queries):
    """The address sample the geocoder searches."""

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
        """Addresses whose label matches the FTS5 expression, best first (``rank``: lower
        is better, negative, as FTS5's bm25; the house number breaks ties)."""
        if self.database.dialect == "postgresql":
            return cast(list[Address], self._search_postgres(city_id, match, limit))
        rows = self.all(
            "SELECT a.ban_id, a.label, a.lat, a.lon, a.numero, a.nom_voie, a.code_postal,"
            " a.nom_commune,"
            " bm25(addresses_fts) AS rank FROM addresses_fts"
            " JOIN addresses a ON a.id = addresses_fts.rowid"
            " WHERE addresses_fts MATCH ? AND a.city_id = ?"
            " ORDER BY rank, CAST(a.numero AS INTEGER), a.id LIMIT ?",
            (match, city_id, limit),
        )
        return cast(list[Address], rows)

    def _search_postgres(self, city_id: int, match: str, limit: int) -> list[dict[str, Any]]:
        # ts_rank's normalisation 1 favours short labels, as bm25's length does.
        return self.all(
            "SELECT a.ban_id, a.label, a.lat, a.lon, a.numero, a.nom_voie, a.code_postal,"
            " a.nom_commune,"
            " -ts_rank(f.document, q.query, 1) AS rank"
            " FROM (SELECT to_tsquery('simple', unaccent(?)) AS query) q"
            " JOIN addresses_fts f ON f.document @@ q.query"
            " JOIN addresses a ON a.id = f.id"
            " WHERE a.city_id = ?"
            " ORDER BY rank, COALESCE(substring(a.numero FROM '^[0-9]+')::bigint, 0), a.id"
            " LIMIT ?",
            (tsquery(match), city_id, limit),
        )

    def address_points(self, city_id: int) -> list[AddressPoint]:
        """Every address of the city, street by street (the map's street lines)."""
        rows = self.all(
            "SELECT nom_voie, code_postal, numero, lat, lon FROM addresses WHERE city_id = ?"
            " ORDER BY nom_voie, code_postal, id",
            (city_id,),
        )
        return cast(list[AddressPoint], rows)

    def address_count(self, city_id: int) -> int:
        row = self.execute("SELECT COUNT(*) FROM addresses WHERE city_id = ?", (city_id,))
        return int(row.fetchone()[0])
