"""Alert subscriptions and the posts they are told about."""

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from web.store.notifications import Notifications
from web.store.rows import (
    CityRef,
    DigestEntry,
    PostsToAlert,
    PostToAlert,
    Subscription,
    SubscriptionChanges,
    SubscriptionsAt,
)


class Alerts(Notifications):
    """Alert subscriptions and the posts they are told about."""

    # -- alerts (web.alerts) ---------------------------------------------------------------

    def create_subscription(
        self, city_id: int, account_id: int, at_most: int, **fields: Any
    ) -> int | None:
        """A subscription (the trigger logs it for every process's matcher); None when the
        account has ``at_most`` already."""
        columns = ["city_id", "account_id", "created_at", *fields]
        with self.write():
            held = self.execute(
                "SELECT COUNT(*) FROM alert_subscriptions WHERE account_id = ?", (account_id,)
            ).fetchone()[0]
            if held >= at_most:
                return None
            subscription_id = self.insert(
                f"INSERT INTO alert_subscriptions ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                [city_id, account_id, time.time(), *fields.values()],
            )
        return subscription_id

    def subscription(self, subscription_id: int) -> Subscription | None:
        row = self.one("SELECT * FROM alert_subscriptions WHERE id = ?", (subscription_id,))
        return None if row is None else _decode_categories(row)

    def subscriptions_of(self, account_id: int) -> list[Subscription]:
        rows = self.all(
            "SELECT * FROM alert_subscriptions WHERE account_id = ? ORDER BY id", (account_id,)
        )
        return [_decode_categories(row) for row in rows]

    def city_subscriptions(self, city_id: int) -> SubscriptionsAt:
        """The city's subscriptions and a log position they reflect at least (the position
        is read first: a change in between is applied twice, never missed)."""
        seq = self.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM alert_subscription_log WHERE city_id = ?",
            (city_id,),
        ).fetchone()[0]
        rows = self.all("SELECT * FROM alert_subscriptions WHERE city_id = ?", (city_id,))
        return SubscriptionsAt([_decode_categories(row) for row in rows], int(seq))

    def subscription_changes(self, city_id: int, seq: int) -> SubscriptionChanges:
        """Since ``seq``: the current rows of changed subscriptions, the ids of deleted
        ones, and the new log position (rows read after the log: never older than it)."""
        changed = self.execute(
            "SELECT seq, subscription_id FROM alert_subscription_log"
            " WHERE city_id = ? AND seq > ? ORDER BY seq",
            (city_id, seq),
        ).fetchall()
        ids = sorted({row[1] for row in changed})
        rows = self.all(
            f"SELECT * FROM alert_subscriptions WHERE id {self.database.in_list}",
            (self.database.list_param(ids),),
        )
        found = {row["id"] for row in rows}
        last = int(changed[-1][0]) if changed else seq
        return SubscriptionChanges([_decode_categories(r) for r in rows], set(ids) - found, last)

    def delete_subscription(self, subscription_id: int, account_id: int | None = None) -> bool:
        sql = "DELETE FROM alert_subscriptions WHERE id = ?"
        params: list[Any] = [subscription_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        with self.write():
            return self.execute(sql, params).rowcount == 1

    def emails(self, account_ids: Iterable[int]) -> dict[int, str]:
        """Accounts' e-mail addresses by id, in one look-up."""
        rows = self.execute(
            f"SELECT id, email FROM accounts WHERE id {self.database.in_list}",
            (self.database.list_param(sorted(set(account_ids))),),
        )
        return {int(row[0]): str(row[1]) for row in rows.fetchall()}

    def city_by_id(self, city_id: int) -> CityRef | None:
        row = self.one("SELECT id, slug, name FROM cities WHERE id = ?", (city_id,))
        return cast(CityRef | None, row)

    def last_change_seq(self) -> int:
        """The newest position of the posts' change log, all cities."""
        return int(self.execute("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetchone()[0])

    def alert_progress(self) -> int:
        """How far the posts' change log has been matched against alerts."""
        row = self.execute("SELECT last_seq FROM alert_progress WHERE id = 1").fetchone()
        return int(row[0])

    def posts_to_alert(self, since: int, limit: int) -> PostsToAlert:
        """Posts changed after the log position ``since`` that are published, unexpired
        and never alerted, and the log position reached (reads only: no lock)."""
        changes = self.execute(
            "SELECT seq, post_id, op FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
            (since, limit),
        ).fetchall()
        if not changes:
            return PostsToAlert([], since)
        ids = sorted({row[1] for row in changes if row[2] == "upsert"})
        rows = self.all(
            "SELECT p.id, p.city_id, p.account_id, p.kind, p.category, p.title, p.public_lat,"
            " p.public_lon, p.created_at, p.audience, p.ban_id, p.street FROM posts p"
            " WHERE p.status = 'published'"
            " AND p.expires_at > ? AND p.id NOT IN (SELECT post_id FROM alerted_posts)"
            f" AND p.id {self.database.in_list} ORDER BY p.id",
            (time.time(), self.database.list_param(ids)),
        )
        return PostsToAlert(cast(list[PostToAlert], rows), int(changes[-1][0]))

    def alert(
        self,
        notices: Sequence[Mapping[str, Any]],
        post_ids: Sequence[int],
        since: int,
        last_seq: int,
    ) -> bool:
        """One short write: queue the notices, remember the posts, move the progress from
        ``since`` to ``last_seq``; False (nothing written) when another process moved it
        first."""
        with self.write():
            if self.alert_progress() != since:
                return False
            self.add_notifications(notices)
            self.executemany(
                "INSERT INTO alerted_posts (post_id) VALUES (?) ON CONFLICT DO NOTHING",
                [(i,) for i in post_ids],
            )
            self.execute("UPDATE alert_progress SET last_seq = ? WHERE id = 1", (last_seq,))
        return True

    def take_digests(self) -> list[DigestEntry]:
        """Inside a write: the notifications waiting for a digest (cleared), with their
        account's e-mail, by account."""
        rows = self.all(
            "SELECT n.id, n.account_id, n.title, n.body, n.link, n.subscription_id, a.email"
            " FROM notifications n JOIN accounts a ON a.id = n.account_id"
            " WHERE n.digest_pending = 1 ORDER BY n.account_id, n.id"
        )
        self.execute("UPDATE notifications SET digest_pending = 0 WHERE digest_pending = 1")
        return cast(list[DigestEntry], rows)

    def queue_mail(self, account_id: int, mail: Mapping[str, Any]) -> None:
        """Inside a write: one e-mail without an inbox entry (a digest)."""
        self.enqueue_mail(account_id, mail, time.time())


def _decode_categories(row: dict[str, Any]) -> Subscription:
    if row["categories"] is not None:
        row["categories"] = json.loads(row["categories"])
    return cast(Subscription, row)
