"""Retention under the GDPR: ``flask --app web purge``, run daily, deletes what has
outlived its city's period, keeps only anonymous counts, and writes what it did to the
moderation audit log (actions and ids, nothing personal).

Periods, in days (``flask --app web city set SLUG --retention NAME=DAYS`` overrides one):

- ``ended_posts`` (90): posts closed or expired that long ago (their counts stay in
  ``purged_post_counts`` for open data; they leave every index through the change log);
- ``connections`` (365): connections and their messages, after their last change
  (``connection_stats`` keeps the anonymous counts);
- ``call_people`` (730): call-list people neither called nor changed for that long;
- ``unused_accounts`` (730, 24 months): residents' and associations' accounts not used
  for that long, warned by a notice and an e-mail ``WARNING_DAYS`` before; an account used
  again is spared (``Store.seen``). Staff accounts are the city's to close;
- ``notifications`` (90): the inbox and the e-mail outbox;
- and, whatever the city's periods, sign-ups never confirmed after ``UNCONFIRMED_DAYS``:
  their home address was typed by whoever knew the e-mail, and their address may not be
  theirs (they are never warned, never mailed);
- ``audit_log`` (365): the moderation audit log and the call list's access log."""

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from web.roles import UNPRIVILEGED
from web.services import notify, opendata
from web.store import Store

DAY_S = 86400.0
WARNING_DAYS = 30
UNCONFIRMED_DAYS = 1
DEFAULTS = {
    "ended_posts": 90,
    "connections": 365,
    "call_people": 730,
    "unused_accounts": 730,
    "notifications": 90,
    "audit_log": 365,
}


def periods(city: Mapping[str, Any]) -> dict[str, int]:
    """The city's periods in days: its overrides over the defaults."""
    return {**DEFAULTS, **city["retention"]}


def parse_period(text: str) -> tuple[str, int]:
    """``NAME=DAYS`` -> ``(NAME, DAYS)``; ValueError saying what is expected."""
    name, _, days = text.partition("=")
    if name not in DEFAULTS or not days.isdigit() or int(days) < 1:
        raise ValueError(
            f"{text!r}: expected NAME=DAYS with DAYS >= 1 and NAME one of {', '.join(DEFAULTS)}"
        )
    if name == "unused_accounts" and int(days) <= WARNING_DAYS:
        raise ValueError(f"unused_accounts must exceed the {WARNING_DAYS} days of warning")
    return name, int(days)


def configure(db: Store, slug: str, texts: Sequence[str], licence: str | None) -> str:
    """``city set``: apply ``NAME=DAYS`` periods and a licence (ValueError if one is
    wrong, and then nothing changes); returns the city's settings, said in one line."""
    if licence is not None and licence not in opendata.LICENCES:
        raise ValueError(f"{licence!r}: the licence is one of {', '.join(opendata.LICENCES)}")
    overrides = dict(parse_period(text) for text in texts)
    city = db.city(slug)
    assert city is not None
    db.set_city_settings(city["id"], {**city["retention"], **overrides}, licence)
    city = db.city(slug)
    assert city is not None
    days = ", ".join(f"{name}={n}" for name, n in periods(city).items())
    licence = city["open_data_licence"] or opendata.DEFAULT_LICENCE
    return f"retention in days {days}; open-data licence {licence}"


def purge(db: Store, now: float) -> Counter[str]:
    """Purge every city as of ``now``; returns what was deleted (and warned), by kind."""
    done: Counter[str] = Counter()
    for slug in db.city_slugs():
        city = db.city(slug)
        assert city is not None
        with db.write():
            done += _purge_city(db, city, now)
    return done


def _purge_city(db: Store, city: Mapping[str, Any], now: float) -> Counter[str]:
    city_id, days = city["id"], periods(city)

    def before(name: str) -> float:
        return now - days[name] * DAY_S

    # The audit log first: the entries written below are newer than its horizon.
    audit_entries = db.purge_audit(city_id, before("audit_log"))
    entries: list[tuple[str, int | None, str]] = []

    connections = db.old_connections(city_id, before("connections"))
    db.delete_by_id("connections", connections)
    entries += [("purge_connection", None, f"connection {i}") for i in connections]

    unconfirmed = db.unconfirmed_accounts(city_id, now - UNCONFIRMED_DAYS * DAY_S)
    db.delete_by_id("accounts", unconfirmed)
    entries += [("purge_unconfirmed_account", None, f"account {i}") for i in unconfirmed]

    people = db.unfollowed_call_people(city_id, before("call_people"))
    db.delete_by_id("call_people", people)
    entries += [("purge_call_person", None, f"person {i}") for i in people]

    unused = db.unused_accounts(city_id, UNPRIVILEGED, before("unused_accounts"))
    gone = [a["id"] for a in unused if _warned_long_enough(a, now)]
    ended = db.ended_posts(city_id, before("ended_posts"))
    posts = list({p["id"]: p for p in ended + db.posts_of_accounts(gone)}.values())
    counted = [p for p in posts if p["counted"]]
    db.add_purged_post_counts(
        city_id,
        opendata.cell_counts(
            (p["created_at"], p["public_lat"], p["public_lon"], p["category"], p["kind"])
            for p in counted
        ),
    )
    db.delete_posts(city_id, [p["id"] for p in posts])
    entries += [("purge_post", p["id"], "") for p in posts]
    db.delete_by_id("accounts", gone)
    entries += [("purge_account", None, f"account {i}") for i in gone]

    to_warn = db.unused_accounts(
        city_id, UNPRIVILEGED, before("unused_accounts") + WARNING_DAYS * DAY_S
    )
    to_warn = [a for a in to_warn if a["inactivity_warned_at"] is None]
    db.add_notifications(_warning(a, city["slug"], days["unused_accounts"]) for a in to_warn)
    db.mark_warned([a["id"] for a in to_warn], now)
    entries += [("warn_unused_account", None, f"account {a['id']}") for a in to_warn]

    notifications, mails = db.purge_inbox(city_id, before("notifications"))
    if notifications or mails:
        entries.append(("purge_inbox", None, f"{notifications} notifications, {mails} e-mails"))
    if audit_entries:
        entries.append(("purge_audit", None, f"{audit_entries} entries"))
    db.audit_purge(city_id, entries, now)
    return Counter(
        posts=len(posts),
        connections=len(connections),
        call_people=len(people),
        accounts=len(gone),
        unconfirmed=len(unconfirmed),
        warned=len(to_warn),
        notifications=notifications,
        mails=mails,
        audit_entries=audit_entries,
    )


def _warned_long_enough(account: Mapping[str, Any], now: float) -> bool:
    warned_at = account["inactivity_warned_at"]
    return warned_at is not None and warned_at <= now - WARNING_DAYS * DAY_S


def _warning(account: Mapping[str, Any], slug: str, period_days: int) -> dict[str, Any]:
    title = _("Your account will be deleted in {days} days").format(days=WARNING_DAYS)
    body = _(
        "You have not used your account for {months} months. Log in within {days} days to"
        " keep it; otherwise it is deleted with its posts."
    ).format(months=round((period_days - WARNING_DAYS) / 30), days=WARNING_DAYS)
    return {
        "account_id": account["id"],
        "kind": "inactivity",
        "title": title,
        "body": body,
        "link": f"/{slug}/login",
        "mail": notify.mail(account, title, body),
    }
