"""Rate-limit counters: SQLite's attached database, or PostgreSQL's ``ratelimit`` schema
(shared by every server)."""

from web.store.database import Queries
from web.store.rows import Hit


class RateLimits(Queries):
    """Rate-limit counters in the attached database."""

    # -- rate limits ---------------------------------------------------------------------

    def hit(self, key: str, window_s: float, now: float) -> Hit:
        """Count one hit in ``key``'s fixed window; returns (hits in window, window start).
        A single autocommitted statement: atomic across processes."""
        row = self.execute(
            "INSERT INTO ratelimit.buckets (key, window_start, count) VALUES (?1, ?2, 1)"
            " ON CONFLICT (key) DO UPDATE SET"
            " count = CASE WHEN buckets.window_start <= ?2 - ?3 THEN 1 ELSE buckets.count + 1 END,"
            " window_start = CASE WHEN buckets.window_start <= ?2 - ?3 THEN ?2"
            " ELSE buckets.window_start END"
            " RETURNING count, window_start",
            (key, now, window_s),
        ).fetchone()
        return Hit(int(row[0]), float(row[1]))

    def forget_hits(self, before: float) -> int:
        """Drop counters whose window started before ``before`` (clients long gone)."""
        cursor = self.execute("DELETE FROM ratelimit.buckets WHERE window_start < ?", (before,))
        return cursor.rowcount
