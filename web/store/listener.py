"""Hearing PostgreSQL's commits instead of asking for them: ``LISTEN/NOTIFY`` (issue 18).

A commit that appends to the change log (posts) or to the alert subscriptions' log
notifies the channel ``voisinage_changes`` (a statement trigger, migration 15 on
PostgreSQL; PostgreSQL delivers a notification at its transaction's commit, never before).
Each process has one ``Listener`` per database, a thread on a connection of its own that
counts the notifications; ``PostgresDatabase.data_version`` reads that count (no round
trip) while the thread listens, and falls back to asking the logs' last seq while it does
not (starting, or PostgreSQL restarting: the thread reconnects by itself, and counts one
more change on each new ``LISTEN`` for what was committed while it was away).

A process's own write transactions count at their commit (``committed``), before their
answer leaves: what a client wrote, the server it wrote through shows at its next answer.
What is not promised: another server's commit reaches this one through PostgreSQL and
this thread, so an answer given in the very microseconds after that commit may not
include it yet; the next one does."""

import os
import threading

import psycopg
from psycopg.conninfo import make_conninfo

CHANNEL = "voisinage_changes"
RECONNECT_S = 0.5  # between attempts while PostgreSQL is away
WAKE_S = 1.0  # the thread looks whether it should stop this often
# Counts are told apart from the logs' seqs (the fallback's versions): never equal to one.
COUNT_BASE = 1 << 62
# A connection lost without a word (a failover, a cable) is noticed within seconds.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
              "keepalives_count": 2}  # fmt: skip
CONNECT_TIMEOUT_S = 3


class Listener:
    """A thread listening on ``CHANNEL`` for one database, counting what it hears."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._count = COUNT_BASE
        self._count_lock = threading.Lock()  # two threads count: this one and a writer's
        self._listening = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"listen {CHANNEL}", daemon=True)
        self._thread.start()

    def version(self) -> int | None:
        """Changes at each notified commit; None while not listening (ask the database)."""
        return self._count if self._listening else None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except psycopg.Error:
                pass  # PostgreSQL is away: try again soon
            finally:
                self._listening = False
            self._stop.wait(RECONNECT_S)

    def _listen(self) -> None:
        conninfo = make_conninfo(self.url, connect_timeout=CONNECT_TIMEOUT_S, **KEEPALIVES)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.committed()  # commits made while nobody listened: caught up at once
            self._listening = True
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=WAKE_S):
                    self.committed()

    def committed(self) -> None:
        """One more change to catch up with."""
        with self._count_lock:
            self._count += 1

    def close(self) -> None:
        """Stops listening: the thread ends, closing its connection, within ``WAKE_S``
        (not waited for: a test closes one per database)."""
        self._stop.set()


_listeners: dict[tuple[int, str], Listener] = {}
_listeners_lock = threading.Lock()


def listener(url: str) -> Listener:
    """This process's listener for ``url``, started at first use (after any fork)."""
    key = (os.getpid(), url)
    with _listeners_lock:
        if key not in _listeners:
            _listeners[key] = Listener(url)
        return _listeners[key]


def committed(url: str) -> None:
    """This process has just committed a write to ``url``: its listener, if it has one,
    counts it at once, not when the notification comes back."""
    found = _listeners.get((os.getpid(), url))
    if found is not None:
        found.committed()


def close_listeners(url: str | None = None) -> None:
    """Stop this process's listeners (for ``url`` only, when given)."""
    with _listeners_lock:
        for key in [key for key in _listeners if url is None or key[1] == url]:
            if key[0] == os.getpid():
                _listeners.pop(key).close()
            else:
                del _listeners[key]  # a parent's: its thread did not survive the fork
