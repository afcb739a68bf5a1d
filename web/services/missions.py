"""Missions: associations recruit volunteers (food distribution, street outreach).

An association account posts a mission (title, date, place, radius, volunteers needed). The
volunteers who ticked "I accept missions" and whose home's public point
(``web.services.homes``) lies within the radius are found by an engine search
(``web.services.volunteers``) and notified (inbox, and e-mail when SMTP is set) in the
mission's own transaction. A volunteer sees the upcoming missions whose circle holds that
same public point (``matcher.Subscriptions``: each mission a circle, the point a post) and
answers yes or no; the association sees how many were notified, rounded to 5, and who said
yes, with their e-mail and phone only when they chose to share them with it. So no sequence
of missions locates a home more precisely than its cell."""

from datetime import timedelta

MAX_AHEAD = timedelta(days=366)
