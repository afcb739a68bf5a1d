"""Per process, one ``matcher.Index`` per city, built from SQLite and kept current.

SQLite is the truth. Each process builds a city's index on first use from the published,
unexpired posts' public points, remembers the last ``change_log`` seq it saw, and before
every answer asks SQLite ``PRAGMA data_version`` (microseconds, no disk read): when
another connection has committed, it applies the new change-log rows. So any number of
workers agree with the database, and each other, at the next request.

A second index per city holds only building-precision posts: ``scale=building`` answers
from it, which keeps keyset paging exact (no post-filtering of pages).

Expired posts leave the index when their time comes (a heap of expiry times checked
before each search), so a page never comes back short because of them."""

import heapq
import os
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import click
import numpy as np
from flask import Flask, current_app, request
from flask.cli import ScriptInfo

from matcher import Index, Kind, Match, Post, Region
from web.fragments import Fragments
from web.http.problems import Problem
from web.store import Store, unavailable
from web.store.rows import Category, City
from web.store.settings import CITY_CHANGE

# the columns of IndexableRow, as literals so that each reads with its own type
_ROW_ID: Final = 0
_ROW_LAT: Final = 1
_ROW_LON: Final = 2
_ROW_CATEGORY: Final = 3
_ROW_KIND: Final = 4
_ROW_CREATED: Final = 5
_ROW_PRECISION: Final = 6
_ROW_EXPIRES: Final = 7


class UnknownCity(LookupError):
    """No city has this slug."""


@dataclass
class CityIndex:
    """What a process knows of one city: its row, boundary, categories and indexes."""

    city: City
    region: Region
    categories: list[Category]
    everything: Index
    building: Index
    fragments: Fragments  # its posts' features as /match shows them
    last_seq: int
    expiries: list[tuple[float, int]] = field(default_factory=list)
    expires_at: dict[int, float] = field(default_factory=dict)

    @property
    def remote_categories(self) -> frozenset[str]:
        return frozenset(c["slug"] for c in self.categories if c["remote"])

    @property
    def category_slugs(self) -> frozenset[str]:
        return frozenset(c["slug"] for c in self.categories)

    def search(
        self,
        lat: float,
        lon: float,
        radius_m: float,
        *,
        category: str | Collection[str] | None = None,
        kind: Kind | None = None,
        limit: int = 20,
        before: tuple[float, int] | None = None,
        building_only: bool = False,
    ) -> list[Match]:
        """``matcher.Index.search`` over the city's posts, or over those published at
        building precision alone (a ``building`` scale shows nothing coarser)."""
        index = self.building if building_only else self.everything
        return index.search(
            lat, lon, radius_m, category=category, kind=kind, limit=limit, before=before
        )

    def within_box(
        self,
        south: float,
        west: float,
        north: float,
        east: float,
        *,
        category: str | Collection[str] | None = None,
        kind: Kind | None = None,
        limit: int = 500,
    ) -> list[Match]:
        """``matcher.Index.within_box`` over the city's posts."""
        return self.everything.within_box(
            south, west, north, east, category=category, kind=kind, limit=limit
        )

    def _put(self, row: tuple[Any, ...]) -> None:
        post = Post(
            id=row[_ROW_ID],
            lat=row[_ROW_LAT],
            lon=row[_ROW_LON],
            category=row[_ROW_CATEGORY],
            kind=row[_ROW_KIND],
            created_at=row[_ROW_CREATED],
        )
        self.everything.add(post)
        if row[_ROW_PRECISION] == "building":
            self.building.add(post)
        else:
            self.building.remove(post.id)
        self._expire_at(post.id, row[_ROW_EXPIRES])
        self.fragments.forget(post.id)

    def _drop(self, post_id: int) -> None:
        self.fragments.forget(post_id)
        self.everything.remove(post_id)
        self.building.remove(post_id)
        self.expires_at.pop(post_id, None)

    def _expire_at(self, post_id: int, expires_at: float) -> None:
        self.expires_at[post_id] = expires_at
        heapq.heappush(self.expiries, (expires_at, post_id))

    def drop_expired(self, now: float) -> None:
        while self.expiries and self.expiries[0][0] <= now:
            expires_at, post_id = heapq.heappop(self.expiries)
            if self.expires_at.get(post_id) == expires_at:  # not renewed since
                self._drop(post_id)


_UNSEEN = -1  # no data_version is negative: the next answer catches up


class Indexes:
    """The city indexes of this process; thread-safe (one lock: searches take ~0.1 ms).

    Its connection belongs to the process that opened it: built before a fork (gunicorn
    ``--preload``), the indexes are shared by the workers page by page, and each worker
    opens its own connection on first use and catches up with the change log."""

    def __init__(self, database: str, cities: frozenset[str] | None = None) -> None:
        self._database = database
        self.cities = cities  # the slugs this server serves (None: every city)
        self._lock = threading.Lock()
        self._cities: dict[str, CityIndex] = {}
        self._pid = 0  # the process its connection belongs to; none yet
        self._data_version = _UNSEEN
        self.builds = 0  # city indexes built from the store (the tests count them)

    @property
    def _store(self) -> Store:
        if self._pid != os.getpid():
            self._connect()
        return self.__store

    def _connect(self) -> None:
        """A connection of this process's own; the cities already indexed (built here
        before a close, or by the parent before a fork) catch up with the change log at
        the next answer, since ``data_version`` only compares values of one connection."""
        self.__store = Store(self._database)
        self._pid = os.getpid()
        self._data_version = _UNSEEN

    def build_all(self) -> int:
        """Index every city now (start-up: before the first request); returns how many.
        The connection is closed after, so that a fork inherits none."""
        with self._lock:
            now = time.time()
            for slug in self._store.city_slugs():
                if slug not in self._cities and (self.cities is None or slug in self.cities):
                    self._cities[slug] = self._build(slug, now)
            if self._cities:
                _load_kernels()
            self.__store.close()
            self._pid = 0
            return len(self._cities)

    def run(self, slug: str, action: Any) -> Any:
        """``action(city_index)`` on the current state of city ``slug``, under the lock.
        Raises UnknownCity."""
        with self._lock:
            return action(self._current(slug))

    def _current(self, slug: str) -> CityIndex:
        now = time.time()
        try:
            self._follow(now)
        except Exception as error:
            if not unavailable(error):
                raise
            # PostgreSQL is away (a restart, a failover): answer from what this process
            # knows, which no commit can have changed meanwhile but those it has not seen
            # yet; it catches up at the first answer after the store is back.
        city_index = self._cities.get(slug)
        if city_index is None:
            city_index = self._build(slug, now)
            self._cities[slug] = city_index
        city_index.drop_expired(now)
        return city_index

    def _follow(self, now: float) -> None:
        """Applies the change log's new rows to every city this process indexes, when
        another connection has committed since the last look."""
        version = self._store.data_version()
        if version != self._data_version:
            for each in self._cities.values():
                self._catch_up(each, now)
            self._data_version = version  # only once every city has caught up

    def _build(self, slug: str, now: float) -> CityIndex:
        self.builds += 1
        with self._store.snapshot():
            city = self._store.city(slug)
            if city is None:
                raise UnknownCity(slug)
            rows = self._store.indexable_posts(city["id"], now)
            last_seq = self._store.last_change(city["id"])
            categories = self._store.categories(city["id"])
            remote = frozenset(c["slug"] for c in categories if c["remote"])
            fragments = Fragments(self._store, city["id"], remote, now)
        city_index = CityIndex(
            city=city,
            region=Region.from_geojson(city["boundary"]),
            categories=categories,
            everything=_index_of(rows),
            building=_index_of([row for row in rows if row[_ROW_PRECISION] == "building"]),
            fragments=fragments,
            last_seq=last_seq,
        )
        for row in rows:
            city_index._expire_at(row[_ROW_ID], row[_ROW_EXPIRES])
        return city_index

    def _catch_up(self, city_index: CityIndex, now: float) -> None:
        with self._store.snapshot():
            changes = self._store.changes_since(city_index.city["id"], city_index.last_seq)
            if not changes:
                return
            latest: dict[int, str] = {}
            for _seq, post_id, op in changes:
                latest[post_id] = op
            if latest.pop(0, None) == CITY_CHANGE:  # its admin changed the city's settings
                remote = city_index.remote_categories
                city_index.city = self._store.city(city_index.city["slug"]) or city_index.city
                city_index.categories = self._store.categories(city_index.city["id"])
                if city_index.remote_categories != remote:  # fragments carry distances or not
                    city_index.fragments = Fragments(
                        self._store, city_index.city["id"], city_index.remote_categories, now
                    )
            rows = {
                post_id: self._store.indexable_post(post_id, now) if op == "upsert" else None
                for post_id, op in latest.items()
            }
        for post_id, row in rows.items():
            if row is None:
                city_index._drop(post_id)
            else:
                city_index._put(row)
        city_index.last_seq = changes[-1][0]

    def forget(self, slug: str) -> None:
        """Drop a city's cached state (its row or categories changed)."""
        with self._lock:
            self._cities.pop(slug, None)


def _index_of(rows: list[tuple[Any, ...]]) -> Index:
    if not rows:
        return Index()
    columns = list(zip(*rows, strict=True))
    return Index.from_arrays(
        np.array(columns[_ROW_ID], dtype=np.int64),
        np.array(columns[_ROW_LAT], dtype=np.float64),
        np.array(columns[_ROW_LON], dtype=np.float64),
        np.array(columns[_ROW_CATEGORY], dtype=object),
        np.array(columns[_ROW_KIND], dtype=object),
        np.array(columns[_ROW_CREATED], dtype=np.float64),
    )


def _load_kernels() -> None:
    """The engine's compiled search loads from numba's cache on its first call (about
    50 ms): made here, at start-up, so that it is not a request's (nor each worker's)."""
    index = Index.from_arrays(
        np.arange(2), np.array([45.0, 45.001]), np.array([5.0, 5.001]),
        np.array(["a", "b"]), np.array(["offer", "request"]), np.array([1.0, 2.0]),
    )  # fmt: skip
    index.search(45.0, 5.0, 1_000.0, category="a", kind="offer")
    index.search(45.0, 5.0, 1_000.0)
    index.within_box(44.9, 4.9, 45.1, 5.1)


_PER_PROCESS_LOCK = threading.Lock()
T = TypeVar("T")


def per_process(name: str, make: Callable[[], T]) -> T:
    """The app's one ``name`` of this process, made by ``make()`` on first use: made
    after a fork, never shared between workers (the city indexes, alerts' circles)."""
    key = f"voisinage.{name}.{os.getpid()}"
    with _PER_PROCESS_LOCK:
        if key not in current_app.extensions:
            current_app.extensions[key] = make()
        return current_app.extensions[key]  # type: ignore[no-any-return]


def this_process() -> Indexes:
    """This process's city indexes: those built at start-up (``build_at_start``), in this
    process or in the parent it was forked from, or new ones built on first use."""
    return per_process(
        "indexes",
        lambda: (
            current_app.extensions.get(_AT_START)
            or Indexes(current_app.config["DATABASE"], served(current_app.config["CITIES"]))
        ),
    )


def served(setting: str) -> frozenset[str] | None:
    """The slugs ``VOISINAGE_CITIES`` names (None when empty: every city)."""
    slugs = frozenset(slug.strip() for slug in setting.split(",") if slug.strip())
    return slugs or None


def refuse_other_cities() -> None:
    """Before each request naming a city (``<city>`` in its route, API or page): 421 when
    this server does not serve it, so that a proxy sending it to the wrong server is seen
    at once, not answered from a database the server has no index of."""
    slug = (request.view_args or {}).get("city")
    cities = served(current_app.config["CITIES"])
    if slug is not None and cities is not None and slug not in cities:
        served_here = ", ".join(sorted(cities))
        raise Problem(
            421,
            "Misdirected request",
            f"this server serves {served_here}, not {slug!r}: ask the server of that city",
            [("city", "not served by this server")],
        )


_AT_START = "voisinage.indexes.at-start"


def build_at_start(app: Flask) -> None:
    """Index every city before the app serves, so that no request waits for a build (a
    second or more at a million posts). Not under a ``flask`` command other than ``run``
    (``demo``, ``remind``, ...): those do not search, and would wait for nothing."""
    context = click.get_current_context(silent=True)
    # only flask's own commands: granian's command line is click's too
    flask_command = context.info_name if context and context.find_object(ScriptInfo) else None
    if flask_command not in (None, "run"):
        return
    with app.app_context():
        built = this_process()
        built.build_all()
        app.extensions[_AT_START] = built


def unknown_city(slug: str) -> Problem:
    return Problem(404, "Not found", f"no city {slug!r}", [("city", "unknown city")])


def city_index(slug: str) -> CityIndex:
    """The city's index, caught up with the change log (404 for an unknown city)."""
    try:
        return this_process().run(slug, lambda city: city)  # type: ignore[no-any-return]
    except UnknownCity:
        raise unknown_city(slug) from None
