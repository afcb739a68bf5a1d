"""What the city's agents count (``web.services.dashboard``): posts with their public
points, how soon requests were first contacted, requests still unanswered. No text, no
account, no exact point."""

from web.store.database import Queries
from web.store.rows import CountedPost


class Dashboard(Queries):
    """What the city's agents count."""

    def dashboard_posts(self, city_id: int, since: float) -> list[CountedPost]:
        """``(created_at, category, kind, public_lat, public_lon)`` of the posts created
        since then that were ever public (not those refused by a moderator)."""
        rows: list[CountedPost] = self.execute(
            "SELECT created_at, category, kind, public_lat, public_lon FROM posts"
            " WHERE city_id = ? AND created_at >= ?"
            " AND status IN ('published', 'closed', 'expired')"
            " ORDER BY created_at",
            (city_id, since),
        ).fetchall()
        return rows

    def first_contacts(self, city_id: int, since: float) -> list[tuple[float, float]]:
        """``(posted_at, first_contact_at)`` of the requests created since then that
        someone contacted."""
        rows = self.execute(
            "SELECT p.created_at, MIN(c.created_at) FROM posts p"
            " JOIN connections c ON c.post_id = p.id"
            " WHERE p.city_id = ? AND p.kind = 'request' AND p.created_at >= ?"
            " GROUP BY p.id, p.created_at ORDER BY p.created_at",
            (city_id, since),
        ).fetchall()
        return [(float(posted), float(contacted)) for posted, contacted in rows]

    def unanswered_since(self, city_id: int, now: float) -> list[float]:
        """When each published, unexpired request nobody contacted was posted."""
        rows = self.execute(
            "SELECT p.created_at FROM posts p WHERE p.city_id = ? AND p.kind = 'request'"
            " AND p.status = 'published' AND p.expires_at > ?"
            " AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.post_id = p.id)",
            (city_id, now),
        ).fetchall()
        return [float(row[0]) for row in rows]
