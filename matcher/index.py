"""The Index: posts bucketed by category and grid cell, searched newest first.

Layout (``n`` posts in the main part, all numpy arrays built once by ``_Main``):

- the columns ``id, lat, lon, created_at`` and a state byte (kind, removed), grouped by
  category and in *time order* within it (``created_at`` then ``id``, ascending): within
  a category, "newest first" is "highest position first", a walk reads contiguous
  slices, and keyset paging is a ``searchsorted``; across categories, each position's
  time rank and the positions in time order serve the same purposes;
- the buckets: every post's key ``category << 54 | slab << 52 | Z-order cell`` sorted,
  with its int32 position in units of 1e-7 degree and its position beside it, so the
  posts of one category and time slab in the cells covering a region are a few
  contiguous ranges; and the same entries by slab and cell alone, for any category.
  The slabs split time: the newest 1/64 of the posts, the next 3/64, 3/16, and the rest;
- a 64 x 64 summed-area table of counts (``_density``), to tell how full a region is.

A search is one call of the compiled ``_query.search`` (which says how it walks or
gathers), then one call of pyproj's geodesic on its few candidates.

Changes go to a small *delta* (added posts, scanned on every search) and a tombstone
bit over the main part; when the delta is full or a quarter of the main part is dead,
both are merged into a new main part (a rebuild: about 0.5 s per million posts).

Memory beyond the raw columns (``Index.nbytes``): about 46 bytes a post.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import cast

import numpy as np
from numpy.typing import NDArray

from matcher import _columns, _query, grid, validate
from matcher._density import Density
from matcher._query import CATEGORY_SHIFT, SLAB_NEWEST_SHARES, SLAB_SHIFT
from matcher._screen import BOX, CIRCLE
from matcher.errors import InvalidQuery
from matcher.geodesy import inverse_in_place
from matcher.post import KINDS, Kind, Match, Post

MAX_CATEGORIES = _query.MAX_CATEGORIES
#: the delta holds about 1/32 of the posts, within these bounds: small enough to scan
DELTA_MIN, DELTA_MAX = 256, 4096
#: every ID_SAMPLE-th id in id order is kept apart, a small array to search first
ID_SAMPLE = 64
#: ``nearest`` reads whole circles, widened from this radius, in pages of MAX_PAGE
NEAREST_FIRST_RADIUS_M = 250.0
MAX_PAGE = validate.MAX_LIMIT

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
_ANY = np.empty(0, dtype=np.int64)
#: makes a Match from a checked (id, distance_m, created_at) tuple without a Python call
_new_tuple = tuple.__new__


class _Main:
    """The immutable bulk of the index (see the module docstring for the layout); only
    the removed bit of ``state`` changes."""

    def __init__(
        self,
        ids: I64,
        lats: F64,
        lons: F64,
        created_at: F64,
        cats: NDArray[np.int16],
        kinds: NDArray[np.int8],
        n_categories: int,
    ) -> None:
        order = np.lexsort((ids, created_at, cats))
        size = self.size = len(order)
        self.id = ids[order]
        # lat, lon, created_at: the raw columns, as rows of one array for the kernel
        self.floats = np.empty((3, size))
        self.lat, self.lon, self.created_at = self.floats
        self.lat[:], self.lon[:], self.created_at[:] = lats[order], lons[order], created_at[order]
        self.state = kinds[order]  # REQUEST bit; DEAD is set on removal
        self.cat_stop = np.cumsum(np.bincount(cats, minlength=n_categories))
        cats = cats[order]
        del order
        # the start and stop of each category, as Python ints for per-query use
        starts: list[int] = [0, *self.cat_stop.tolist()]
        self.cat_ranges = list(zip(starts[:-1], starts[1:], strict=True))
        self.n_dead = 0
        self.kind_share = float(self.state.mean()) if size else 0.5
        # rows: each position's time rank, the positions in time order, and the bucket
        # entries in the order of the keys of any category (below)
        self.orders = np.empty((3, size), dtype=np.int32)
        rank, time_order, any_order = self.orders
        time_order[:] = np.lexsort((self.id, self.created_at))
        rank[time_order] = np.arange(size, dtype=np.int32)
        self.id_order = np.argsort(self.id).astype(np.int32)
        # every ID_SAMPLE-th id in id order: a small array to search first, because
        # searchsorted with an int32 sorter converts the whole sorter on every call
        self.id_sample = self.id[self.id_order[::ID_SAMPLE]]
        lat_u, lon_u = grid.to_units(self.lat), grid.to_units(self.lon)
        thresholds = [size - int(size * share) for share in SLAB_NEWEST_SHARES]
        slabs = np.searchsorted(np.array(thresholds, dtype=np.int32), rank, "right")
        cells = grid.keys(lat_u, lon_u) | (slabs.astype(np.int64) << SLAB_SHIFT)
        keys = cells | (cats.astype(np.int64) << CATEGORY_SHIFT)
        del cats, slabs
        # rows: the keys by category, slab and cell, then by slab and cell alone
        self.keys = np.empty((2, size), dtype=np.int64)
        bucket_order = np.argsort(keys)
        self.keys[0] = keys[bucket_order]
        del keys
        # one row per bucket entry, so that a gather reads one place per post
        self.bucket_rows = np.empty((size, 3), dtype=np.int32)
        self.bucket_rows[:, 0] = lat_u[bucket_order]
        self.bucket_rows[:, 1] = lon_u[bucket_order]
        self.bucket_rows[:, 2] = bucket_order
        del bucket_order, lat_u, lon_u
        # the same entries in cell order, for queries of any category: one range per cell
        # rather than one per cell and category
        cells = cells[self.bucket_rows[:, 2]]
        any_order[:] = np.argsort(cells)
        self.keys[1] = cells[any_order]
        del cells
        self.key_index = np.stack([_query.directory(keys) for keys in self.keys])
        self.density = Density(self.lat, self.lon)
        # what every search passes to the kernel, in its order
        self.arrays = (
            self.keys,
            self.key_index,
            self.bucket_rows,
            self.orders,
            self.floats,
            self.id,
            self.state,
            self.cat_stop,
            self.density.table,
            self.density.frame,
        )

    @property
    def nbytes(self) -> int:
        arrays = (
            self.state,
            self.orders,
            self.id_order,
            self.id_sample,
            self.keys,
            self.key_index,
            self.bucket_rows,
            self.cat_stop,
        )
        return sum(a.nbytes for a in arrays) + self.density.nbytes

    @property
    def dead(self) -> NDArray[np.bool_]:
        dead: NDArray[np.bool_] = (self.state & _query.DEAD) != 0
        return dead

    def categories(self) -> NDArray[np.int16]:
        """The category code of every position (posts are grouped by category)."""
        counts = np.diff(self.cat_stop, prepend=0)
        return np.repeat(np.arange(len(counts), dtype=np.int16), counts)

    def position_of(self, post_id: int) -> int | None:
        """The position of a live post, or None."""
        block = int(np.searchsorted(self.id_sample, post_id, side="right")) - 1
        if block < 0:
            return None
        candidates = self.id_order[block * ID_SAMPLE : (block + 1) * ID_SAMPLE]
        i = int(np.searchsorted(self.id[candidates], post_id))
        if i == len(candidates):
            return None
        pos = int(candidates[i])
        if self.id[pos] != post_id or self.state[pos] & _query.DEAD:
            return None
        return pos

    def older_in(self, code: int, key: tuple[float, int]) -> int:
        """How many posts of one category are strictly older than ``(created_at, id)``."""
        start, stop = self.cat_ranges[code]
        created_at = self.created_at[start:stop]
        first = int(np.searchsorted(created_at, key[0], side="left"))
        last = int(np.searchsorted(created_at, key[0], side="right"))
        ids = self.id[start + first : start + last]
        return first + int(np.searchsorted(ids, key[1], side="left"))

    def cut(self, codes: list[int], key: tuple[float, int]) -> int:
        """The order key below which posts are older than ``key``: a position within the
        one category asked for, or a time rank across categories."""
        main_codes = [c for c in codes if c < len(self.cat_ranges)]
        if len(main_codes) == 1:
            return self.cat_ranges[main_codes[0]][0] + self.older_in(main_codes[0], key)
        return sum(self.older_in(c, key) for c in range(len(self.cat_ranges)))


class _Delta:
    """Recently added posts, searched by a scan; slots are reused by replacement.

    ``floats`` rows are lat, lon, created_at; ``codes`` rows are category, kind, live."""

    def __init__(self, capacity: int) -> None:
        self.floats = np.zeros((3, capacity))
        self.id = np.zeros(capacity, dtype=np.int64)
        self.codes = np.zeros((3, capacity), dtype=np.int16)
        self.arrays = (self.floats, self.id, self.codes)
        self.used = 0
        self.slot: dict[int, int] = {}

    @property
    def full(self) -> bool:
        return self.used == len(self.id)

    @property
    def nbytes(self) -> int:
        return self.floats.nbytes + self.id.nbytes + self.codes.nbytes + 100 * len(self.slot)

    def put(self, post: Post, cat: int, kind: int) -> None:
        slot = self.slot.get(post.id)
        if slot is None:
            slot = self.used
            self.used += 1
            self.slot[post.id] = slot
        self.id[slot] = post.id
        self.floats[:, slot] = (post.lat, post.lon, post.created_at)
        self.codes[:, slot] = (cat, kind, 1)

    def drop(self, post_id: int) -> bool:
        slot = self.slot.pop(post_id, None)
        if slot is None:
            return False
        self.codes[2, slot] = 0
        return True

    def live(self) -> NDArray[np.intp]:
        return np.flatnonzero(self.codes[2, : self.used])


class Index:
    """Posts by place, category and kind, searched newest first within a geodesic circle
    or a latitude/longitude box. Not thread-safe: one writer, or a lock around it.

    Holds at most ``MAX_CATEGORIES`` (512) distinct categories; ``add`` pauses for a
    rebuild (about 0.5 s per million posts) once every few thousand changes."""

    def __init__(self) -> None:
        self._category_code: dict[str, int] = {}
        self._single_codes: list[I64] = []  # per code, the array the query takes
        self._empty_main()

    def _new_category(self, name: str, parameter: str) -> int:
        if len(self._category_code) >= MAX_CATEGORIES:
            raise InvalidQuery(f"{parameter}: at most {MAX_CATEGORIES} distinct values")
        code = self._category_code[name] = len(self._category_code)
        self._single_codes.append(np.array([code], dtype=np.int64))
        return code

    def _empty_main(self) -> None:
        self._main = _Main(
            np.empty(0, dtype=np.int64),
            np.empty(0),
            np.empty(0),
            np.empty(0),
            np.empty(0, dtype=np.int16),
            np.empty(0, dtype=np.int8),
            len(self._category_code),
        )
        self._delta = _Delta(min(DELTA_MAX, max(DELTA_MIN, self._main.size // 32)))

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        id: Iterable[int] | NDArray[np.integer],
        lat: NDArray[np.floating],
        lon: NDArray[np.floating],
        category: NDArray[np.str_] | NDArray[np.object_],
        kind: NDArray[np.str_] | NDArray[np.object_],
        created_at: NDArray[np.floating],
    ) -> Index:
        """Bulk load (about 0.5 s per million posts, object or string columns alike). A
        repeated id keeps its last row, as if the rows were added in order. Raises
        InvalidQuery naming the bad column."""
        ids = _columns.int64_column(id, "id")
        n = len(ids)
        lats = _columns.float_column(lat, "lat", n, -90.0, 90.0)
        lons = _columns.float_column(lon, "lon", n, -180.0, 180.0)
        created = _columns.float_column(created_at, "created_at", n, -math.inf, math.inf)
        kinds = _columns.kind_column(kind, n)
        distinct, cats = _columns.category_column(category, n)
        index = cls()
        names = [validate.category(name, "category") for name in distinct]
        for name in sorted(names):
            index._new_category(name, "category")
        # codes in sorted name order: the rows' positions among the distinct names mapped
        lookup = np.array([index._category_code[name] for name in names], dtype=np.int16)
        cats = lookup[cats] if n else cats
        keep = _last_of_each_id(ids)
        if keep is not None:
            ids, lats, lons, created = ids[keep], lats[keep], lons[keep], created[keep]
            cats, kinds = cats[keep], kinds[keep]
        index._main = _Main(ids, lats, lons, created, cats, kinds, len(index._category_code))
        index._delta = _Delta(min(DELTA_MAX, max(DELTA_MIN, n // 32)))
        return index

    def _compact(self) -> None:
        """Merge the delta and the tombstones into a new main part."""
        main, delta = self._main, self._delta
        alive = ~main.dead
        live = delta.live()
        self._main = _Main(
            np.concatenate((main.id[alive], delta.id[live])),
            np.concatenate((main.lat[alive], delta.floats[0, live])),
            np.concatenate((main.lon[alive], delta.floats[1, live])),
            np.concatenate((main.created_at[alive], delta.floats[2, live])),
            np.concatenate((main.categories()[alive], delta.codes[0, live])),
            np.concatenate(
                (main.state[alive] & _query.REQUEST, delta.codes[1, live].astype(np.int8))
            ),
            len(self._category_code),
        )
        self._delta = _Delta(min(DELTA_MAX, max(DELTA_MIN, self._main.size // 32)))

    # -- changes --------------------------------------------------------------------------

    def add(self, post: Post) -> None:
        """Add a post, replacing the post of the same id if there is one."""
        if not isinstance(post, Post):
            raise InvalidQuery(f"post must be a matcher.Post, got {type(post).__name__}")
        post_id = validate.post_id(post.id, "post.id")
        validate.latitude(post.lat, "post.lat")
        validate.longitude(post.lon, "post.lon")
        validate.number(post.created_at, "post.created_at")
        name = validate.category(post.category, "post.category")
        if post.kind not in KINDS:
            raise InvalidQuery(f"post.kind must be one of {', '.join(KINDS)}, got {post.kind!r}")
        code = self._category_code.get(name)
        if code is None:
            code = self._new_category(name, "post.category")
        if post_id not in self._delta.slot:
            self._bury(post_id)
            if self._delta.full:
                self._compact()
        self._delta.put(post, code, KINDS.index(post.kind))

    def remove(self, id: int) -> None:
        """Remove the post with this id; nothing happens if there is none."""
        post_id = validate.post_id(id, "id")
        if not self._delta.drop(post_id):
            self._bury(post_id)

    def _bury(self, post_id: int) -> None:
        main = self._main
        pos = main.position_of(post_id)
        if pos is None:
            return
        main.state[pos] |= _query.DEAD
        main.n_dead += 1
        if main.n_dead * 4 > main.size:
            self._compact()

    def __len__(self) -> int:
        return self._main.size - self._main.n_dead + len(self._delta.slot)

    @property
    def nbytes(self) -> int:
        """Bytes held beyond the raw columns ``id, lat, lon, created_at`` (8 bytes each per
        post): codes, grid keys and positions, orders, tombstones and the delta."""
        return self._main.nbytes + self._delta.nbytes

    # -- queries --------------------------------------------------------------------------

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
    ) -> list[Match]:
        """Posts within ``radius_m`` (WGS84 geodesic, inclusive), newest first.

        Ties on ``created_at`` break by ``id`` descending. ``before`` continues a page:
        only posts strictly older than that ``(created_at, id)``. An unknown category
        matches nothing. Raises InvalidQuery naming the bad parameter."""
        # plain floats in range skip the validators (which raise or return a float)
        if not (type(lat) is float and -90.0 <= lat <= 90.0):
            lat = validate.latitude(lat)
        if not (type(lon) is float and -180.0 <= lon <= 180.0):
            lon = validate.longitude(lon)
        if not (type(radius_m) is float and 0.0 < radius_m <= validate.MAX_RADIUS_M):
            radius_m = validate.radius(radius_m)
        return self._find(CIRCLE, (lat, lon, radius_m, 0.0), category, kind, limit, before)

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
        """Posts with ``south <= lat <= north`` and ``west <= lon <= east`` (``west >
        east``: the box crosses the antimeridian), newest first, with their geodesic
        distance from the box centre.

        Served by the same grid as ``search`` rather than an R-tree: the grid's ranges
        already cover a box exactly, and an R-tree over a million points takes seconds
        to build, past the budget of 1 s per million posts."""
        south = validate.latitude(south, "south")
        north = validate.latitude(north, "north")
        west = validate.longitude(west, "west")
        east = validate.longitude(east, "east")
        if south > north:
            raise InvalidQuery(f"south must be <= north, got {south} > {north}")
        box = (south, west, north, east)
        return self._find(BOX, box, category, kind, limit, None)

    def nearest(
        self,
        lat: float,
        lon: float,
        k: int,
        *,
        radius_m: float = validate.MAX_RADIUS_M,
        category: str | Collection[str] | None = None,
        kind: Kind | None = None,
    ) -> list[Match]:
        """The ``k`` posts nearest to the point within ``radius_m``, nearest first; equal
        distances order by ``id`` ascending.

        For the few-thousand-point indexes that rank by distance (volunteers near a
        person), not for the city's posts: ``search`` orders by time, so this searches
        circles four times wider from ``NEAREST_FIRST_RADIUS_M`` until ``k`` are inside,
        reading every post in the last circle. Raises InvalidQuery naming the parameter."""
        lat = validate.latitude(lat)
        lon = validate.longitude(lon)
        radius_m = validate.radius(radius_m)
        k = validate.limit(k, name="k")
        circle_m = min(NEAREST_FIRST_RADIUS_M, radius_m)
        while True:
            found = self._everything_within(lat, lon, circle_m, category, kind)
            if len(found) >= k or circle_m >= radius_m:
                break
            circle_m = min(circle_m * 4, radius_m)
        found.sort(key=lambda match: (match.distance_m, match.id))
        return found[:k]

    def _everything_within(
        self, lat: float, lon: float, radius_m: float, category: object, kind: object
    ) -> list[Match]:
        found: list[Match] = []
        before = None
        while True:
            page = self._find(CIRCLE, (lat, lon, radius_m, 0.0), category, kind, MAX_PAGE, before)
            found += page
            if len(page) < MAX_PAGE:
                return found
            before = (page[-1].created_at, page[-1].id)

    def _find(
        self,
        region: int,
        shape: tuple[float, float, float, float],
        category: object,
        kind: object,
        limit: object,
        before: object,
    ) -> list[Match]:
        """Validate the filters, ask the compiled query for candidates, decide the
        uncertain ones and measure all of them with pyproj's geodesic."""
        if type(category) is str and category in self._category_code:  # the common case
            codes = self._single_codes[self._category_code[category]]
        elif category is None:
            codes = _ANY
        else:
            names = validate.categories(category) or ()
            wanted = sorted({self._category_code[n] for n in names if n in self._category_code})
            if not wanted:
                return []
            codes = np.array(wanted, dtype=np.int64)
        kind_code = -1
        if kind is not None:
            if kind not in KINDS:
                validate.kind(kind)  # raises, naming the parameter
            kind_code = KINDS.index(cast(Kind, kind))
        if not (type(limit) is int and 1 <= limit <= validate.MAX_LIMIT):
            limit = validate.limit(limit)
        cut, before_at, before_id = -1, math.nan, 0
        key = None if before is None else validate.before(before)
        if key is not None:
            before_at, before_id = key
            cut = self._main.cut(codes.tolist(), key)
        main, delta = self._main, self._delta
        ids, rows = _query.search(
            *main.arrays,
            *delta.arrays,
            delta.used,
            region,
            *shape,
            codes,
            kind_code,
            limit,
            cut,
            before_at,
            before_id,
            main.n_dead,
            main.kind_share,
        )
        inverse_in_place(rows)
        found = zip(ids.tolist(), rows[2].tolist(), rows[4].tolist(), strict=True)
        if region == BOX:
            return [_new_tuple(Match, match) for match in found]
        radius_m = shape[2]
        return [_new_tuple(Match, match) for match in found if match[1] <= radius_m][:limit]


def _last_of_each_id(ids: I64) -> I64 | None:
    """Row numbers to keep so that each id appears once (its last row); None if unique."""
    order = np.argsort(ids, kind="stable")
    repeated = ids[order][1:] == ids[order][:-1]
    if not repeated.any():
        return None
    drop = order[:-1][repeated]
    keep = np.ones(len(ids), dtype=bool)
    keep[drop] = False
    return np.flatnonzero(keep)
