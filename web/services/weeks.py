"""ISO 8601 weeks, the one week label of the app's counts (open data, /stats/connections
and the agents' dashboard): weeks start on Monday in UTC, and the first week of a year
holds its first Thursday, so 29 December 2025 is in ``2026-W01``."""

from datetime import UTC, datetime, timedelta

WEEK_S = 7 * 86_400.0


def iso_week(timestamp: float) -> str:
    """``2026-W47`` for a Unix time (UTC)."""
    year, week, _ = datetime.fromtimestamp(timestamp, UTC).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_back(now: float, count: int) -> tuple[float, list[str]]:
    """The start (Monday 00:00 UTC) of the ``count`` ISO weeks ending with ``now``'s, and
    their labels, oldest first."""
    today = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = (today - timedelta(days=today.weekday(), weeks=count - 1)).timestamp()
    return start, [iso_week(start + week * WEEK_S) for week in range(count)]
