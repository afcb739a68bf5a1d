"""Escalation: requests nobody contacted within their city's escalation delay (48 h by
default) go to the city's social-worker queue, so that someone calls back.

The queue is computed by one query at each read (nothing stale): published, unexpired
requests older than the delay with no connection at all. Social workers, moderators and
admins of the city read it; the answer holds what the public post shows, how long it has
waited, and which agent took it in charge, with their note. ``flask --app web
send-notifications`` (run from cron) tells the city's social workers once about each
request newly escalated."""

from flask_babel import gettext as _

from web.services import notify, settings
from web.store import Store

LISTED = 10  # titles in one notice; the page has them all


def notify_social_workers(db: Store, now: float) -> int:
    """Announce each newly escalated request to its city's social workers (one notice per
    worker and city); returns how many requests were announced."""
    announced = 0
    for slug in db.city_slugs():
        city = db.city(slug)
        if city is None:  # deleted meanwhile
            continue
        after = settings.of(city)
        with db.write():
            posts = db.take_new_escalations(city["id"], now - after.escalation_after_s, now)
            if not posts:
                continue
            count = len(posts)
            title = _("Requests nobody contacted for {hours} hours: {count}").format(
                hours=f"{after.escalation_after_hours:g}", count=count
            )
            titles = [f"- {post['title']}" for post in posts[:LISTED]]
            if count > LISTED:
                titles.append(_("and {count} more").format(count=count - LISTED))
            body = "\n".join(titles)
            link = f"/{slug}/escalations"
            text = f"{body}\n\n{notify.base_url()}{link}"
            db.add_notifications(
                {
                    "account_id": worker["id"],
                    "kind": "escalation",
                    "title": title,
                    "body": body,
                    "link": link,
                    "mail": notify.mail(worker, title, text),
                }
                for worker in db.city_agents(city["id"], "social_worker")
            )
        announced += count
    return announced
