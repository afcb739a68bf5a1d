"""ISO 8601 weeks, the one week label of the app's counts (open data, and /stats later):
weeks start on Monday in UTC, and the first week of a year holds its first Thursday, so
29 December 2025 is in ``2026-W01``."""

from datetime import UTC, datetime


def iso_week(timestamp: float) -> str:
    """``2026-W47`` for a Unix time (UTC)."""
    year, week, _ = datetime.fromtimestamp(timestamp, UTC).isocalendar()
    return f"{year}-W{week:02d}"
