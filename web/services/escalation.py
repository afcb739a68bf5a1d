"""Escalation: requests nobody contacted within ``ESCALATION_AFTER_HOURS`` (default 48)
go to the city's social-worker queue, so that someone calls back.

Computed by one query at each read (no job to run, nothing stale): published, unexpired
requests older than the threshold with no connection at all. Social workers, moderators
and admins of the city read it; the answer holds what the public post shows, plus how
long it has waited."""
