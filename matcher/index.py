"""The Index: posts bucketed by category, time slab and grid cell, searched newest first.

Layout (``n`` posts in the main part, all numpy arrays built once by ``_Main``):

- the columns ``id, lat, lon, created_at`` and kind, grouped by category and in *time
  order* within it (``created_at`` then ``id``, ascending): within a category, "newest
  first" is "highest position first", a walk reads contiguous slices, and keyset paging
  is a ``searchsorted``; across categories, each position's time rank and the positions
  in time order serve the same purposes;
- the buckets: every post's key ``category << 54 | slab << 52 | Z-order cell`` sorted,
  with its position and its int32 position in units of 1e-7 degree beside it, so the
  posts of one category and time slab in the cells covering a circle are a few
  contiguous ranges; and the same entries by slab and cell alone, for any category.
  The slabs split time: the newest 1/64 of the posts, the next 3/64, 3/16, and the rest;
- a 64 x 64 summed-area table of counts (``_density``), to tell how full a region is.

A query in a full region (at least 1/256 of the posts inside: large circles, dense places)
*walks* its category newest first in one block sized from that share, stopping at
``limit``. Otherwise it looks up the covering cells with one ``searchsorted`` and
*gathers* their ranges, newest slabs first when they should hold the answer (or walks,
if the ranges hold many times more posts than a walk would read). Either way a local
plane decides every post except those within its error bound of the circle
(``geodesy``); pyproj's geodesic decides those and gives the distances returned.

Changes go to a small *delta* (added posts, scanned on every search) and a tombstone
mask over the main part; when the delta is full or a quarter of the main part is dead,
both are merged into a new main part (a rebuild: about 0.5 s per million posts).

Memory beyond the raw columns (``Index.nbytes``): about 46 bytes a post.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Protocol, cast

import numpy as np
from numpy.typing import NDArray

from matcher import grid, validate
from matcher._density import Density
from matcher.errors import InvalidQuery
from matcher.geodesy import (
    PLANE_MAX_LAT,
    LocalPlane,
    extent_deg,
    geodesic_m,
    plane_error_m,
)
from matcher.post import KINDS, Kind, Match, Post

#: time slabs: the newest 1/64 of the posts, the next 3/64, the next 3/16, the rest.
#: Keys carry their slab, so a query in a dense place reads the newest slabs first.
SLAB_NEWEST_SHARES = (1 / 4, 1 / 16, 1 / 64)
SLABS = len(SLAB_NEWEST_SHARES) + 1
SLAB_SHIFT = grid.KEY_BITS
CATEGORY_SHIFT = SLAB_SHIFT + 2
SLAB_CELL_MASK = (1 << CATEGORY_SHIFT) - 1
MAX_CATEGORIES = 1 << (63 - CATEGORY_SHIFT)
#: the delta holds about 1/32 of the posts, within these bounds: small enough to scan
DELTA_MIN, DELTA_MAX = 256, 4096
#: every ID_SAMPLE-th id in id order is kept apart, a small array to search first
ID_SAMPLE = 64
#: a walk reads posts in order, a gather jumps between ranges: per post it costs about this
#: many times less, so a walk is chosen while its block is under this many gathered posts.
WALK_ADVANTAGE = 2.0
#: a region estimated to hold this share of the posts (and at least FULL_MIN) is walked
#: without a look at the grid; past WALK_BUDGET blocks' worth, the walk gathers instead
FULL_SHARE = 1 / 256
FULL_MIN = 64
WALK_BUDGET = 8

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
Bool = NDArray[np.bool_]
_Coordinates = NDArray[np.float64] | NDArray[np.int32]


class _Region(Protocol):
    """A circle or a box: what the index needs to find the posts inside it."""

    lat_band: tuple[float, float]  # no point of the region is outside these latitudes

    @property
    def covering(self) -> grid.Covering: ...

    @property
    def fill(self) -> float:
        """The share of the covering's area inside the region."""

    @property
    def box_deg(self) -> tuple[float, float, float, float] | None:
        """``(south, west, north, east)`` around the region, or None if it wraps."""

    @property
    def area_deg2(self) -> float:
        """The region's area in square degrees (roughly)."""

    def screen_units(self, lat_u: I32, lon_u: I32) -> tuple[Bool, Bool]:
        """(perhaps inside, needs the exact test) for int32 positions."""

    def screen_deg(self, lats: F64, lons: F64) -> tuple[Bool, Bool]:
        """The same for float degrees."""

    def exact(self, lats: F64, lons: F64) -> tuple[F64, Bool]:
        """(distances in metres, inside) decided exactly."""


def _fill(covering: grid.Covering, lat: float, area_m2: float) -> float:
    """The share of the covering's area that ``area_m2`` fills (roughly, capped at 1)."""
    per_unit = 6_371_000.0 * math.pi / 180 / grid.UNITS_PER_DEG  # metres, along a meridian
    cell_m2 = covering.cell_units**2 * per_unit**2 * max(math.cos(math.radians(lat)), 1e-6)
    return min(1.0, area_m2 / (cell_m2 * covering.cells))


class _Circle:
    """Points within ``radius_m`` (WGS84 geodesic, inclusive) of a centre. What only one
    kind of query needs (the covering, the plane in units or in degrees) is computed on
    first use: a walk never looks at the grid, a gather seldom reads float degrees."""

    def __init__(self, lat: float, lon: float, radius_m: float) -> None:
        self.lat, self.lon, self.radius_m = lat, lon, radius_m
        self._dlat, self._dlon = extent_deg(lat, radius_m)
        self.lat_band = (lat - self._dlat, lat + self._dlat)
        # the plane needs a box that neither wraps nor reaches a pole
        dlon = self._dlon
        self.planar = (
            abs(lat) <= PLANE_MAX_LAT
            and dlon is not None
            and -180.0 <= lon - dlon <= lon + dlon <= 180.0
        )
        self._covering: grid.Covering | None = None
        self._units: tuple[LocalPlane, float, float] | None = None
        self._deg: tuple[LocalPlane, float, float] | None = None

    @property
    def covering(self) -> grid.Covering:
        if self._covering is None:
            box = grid.circle_box_units(self.lat, self.lon, self._dlat, self._dlon)
            self._covering = grid.cover_boxes(*box)
        return self._covering

    @property
    def fill(self) -> float:
        return _fill(self.covering, self.lat, math.pi * self.radius_m**2)

    @property
    def box_deg(self) -> tuple[float, float, float, float] | None:
        if not self.planar or self._dlon is None:
            return None
        return (
            self.lat - self._dlat,
            self.lon - self._dlon,
            self.lat + self._dlat,
            self.lon + self._dlon,
        )

    @property
    def area_deg2(self) -> float:
        metres_per_deg = 111_195.0
        cos_lat = max(math.cos(math.radians(self.lat)), 1e-6)
        return math.pi * self.radius_m**2 / (metres_per_deg**2 * cos_lat)

    def _plane(self, unit: float) -> tuple[LocalPlane, float, float]:
        """The plane for positions in ``unit`` degrees, and the squared distances below
        which a point is surely inside and above which surely outside."""
        band_m = plane_error_m(self.lat, self.radius_m, rounded=unit != 1.0)
        inner = max(self.radius_m - band_m, 0.0) ** 2
        return LocalPlane(self.lat, self.lon, unit), inner, (self.radius_m + band_m) ** 2

    def screen_units(self, lat_u: I32, lon_u: I32) -> tuple[Bool, Bool]:
        if not self.planar:
            keep = np.ones(len(lat_u), dtype=bool)
            return keep, keep
        if self._units is None:
            self._units = self._plane(1.0 / grid.UNITS_PER_DEG)
        plane, inner, outer = self._units
        d2 = plane.squared_m2(lat_u, lon_u)
        keep = d2 <= outer
        return keep, keep & (d2 > inner)

    def screen_deg(self, lats: F64, lons: F64) -> tuple[Bool, Bool]:
        if not self.planar:
            keep = np.ones(len(lats), dtype=bool)
            return keep, keep
        if self._deg is None:
            self._deg = self._plane(1.0)
        plane, inner, outer = self._deg
        d2 = plane.squared_m2(lats, lons)
        keep = d2 <= outer
        return keep, keep & (d2 > inner)

    def exact(self, lats: F64, lons: F64) -> tuple[F64, Bool]:
        distance_m = geodesic_m(self.lat, self.lon, lats, lons)
        return distance_m, distance_m <= self.radius_m


class _Box:
    """Points with ``south <= lat <= north`` and lon in ``[west, east]`` (wrapping when
    ``west > east``); distances from the box centre."""

    def __init__(self, south: float, west: float, north: float, east: float) -> None:
        self.south, self.west, self.north, self.east = south, west, north, east
        self.lat_band = (south, north)
        self._box = grid.box_units(south, west, north, east)
        self._covering: grid.Covering | None = None
        self.centre_lat = (south + north) / 2
        width = east - west if west <= east else east - west + 360.0
        centre_lon = west + width / 2
        self.centre_lon = centre_lon - 360.0 if centre_lon > 180.0 else centre_lon
        # in units, a stored position is within half a unit of the true one: surely
        # inside a whole unit within the box's edges, surely outside beyond them
        units = grid.UNITS_PER_DEG
        self._inner = (
            math.ceil(south * units) + 1,
            math.ceil(west * units) + 1,
            math.floor(north * units) - 1,
            math.floor(east * units) - 1,
        )
        self._outer = (
            math.floor(south * units) - 1,
            math.floor(west * units) - 1,
            math.ceil(north * units) + 1,
            math.ceil(east * units) + 1,
        )

    @property
    def covering(self) -> grid.Covering:
        if self._covering is None:
            self._covering = grid.cover_boxes(*self._box)
        return self._covering

    @property
    def fill(self) -> float:
        lat_range, lon_ranges = self._box
        units = (lat_range[1] - lat_range[0] + 1) * sum(hi - lo + 1 for lo, hi in lon_ranges)
        return min(1.0, units / (self.covering.cell_units**2 * self.covering.cells))

    @property
    def box_deg(self) -> tuple[float, float, float, float] | None:
        if self.west > self.east:
            return None
        return self.south, self.west, self.north, self.east

    @property
    def area_deg2(self) -> float:
        return (self.north - self.south) * (self.east - self.west)

    def _within(self, lats: _Coordinates, lons: _Coordinates, box: tuple[float, ...]) -> Bool:
        south, west, north, east = box
        in_lat = (lats >= south) & (lats <= north)
        if self.west <= self.east:
            in_lon = (lons >= west) & (lons <= east)
        else:
            in_lon = (lons >= west) | (lons <= east)
        result: Bool = in_lat & in_lon
        return result

    def screen_units(self, lat_u: I32, lon_u: I32) -> tuple[Bool, Bool]:
        keep = self._within(lat_u, lon_u, self._outer)
        return keep, keep & ~self._within(lat_u, lon_u, self._inner)

    def screen_deg(self, lats: F64, lons: F64) -> tuple[Bool, Bool]:
        keep = self.contains(lats, lons)
        return keep, np.zeros(len(lats), dtype=bool)

    def contains(self, lats: F64, lons: F64) -> Bool:
        return self._within(lats, lons, (self.south, self.west, self.north, self.east))

    def exact(self, lats: F64, lons: F64) -> tuple[F64, Bool]:
        return geodesic_m(self.centre_lat, self.centre_lon, lats, lons), self.contains(lats, lons)


class _Main:
    """The immutable bulk of the index (see the module docstring for the layout)."""

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
        self.id = ids[order]
        self.lat = lats[order]
        self.lon = lons[order]
        self.created_at = created_at[order]
        self.kind = kinds[order]
        self.size = len(order)
        counts = np.bincount(cats, minlength=n_categories)
        del order
        self.cat_stop = np.cumsum(counts)
        self.cat_start = self.cat_stop - counts
        # the same as Python ints, for per-query use without numpy scalars
        self.cat_ranges = list(zip(self.cat_start.tolist(), self.cat_stop.tolist(), strict=True))
        self.dead = np.zeros(self.size, dtype=bool)
        self.n_dead = 0
        self.kind_share = float(self.kind.mean()) if self.size else 0.5
        # across categories: positions in time order, and each position's time rank
        self.time_order = np.lexsort((self.id, self.created_at)).astype(np.int32)
        self.rank = np.empty(self.size, dtype=np.int32)
        self.rank[self.time_order] = np.arange(self.size, dtype=np.int32)
        self.id_order = np.argsort(self.id).astype(np.int32)
        # every ID_SAMPLE-th id in id order: a small array to search first, because
        # searchsorted with an int32 sorter converts the whole sorter on every call
        self.id_sample = self.id[self.id_order[::ID_SAMPLE]]
        lat_u, lon_u = grid.to_units(self.lat), grid.to_units(self.lon)
        thresholds = [0] + [self.size - int(self.size * share) for share in SLAB_NEWEST_SHARES]
        slabs = np.searchsorted(np.array(thresholds[1:], dtype=np.int32), self.rank, side="right")
        keys = grid.keys(lat_u, lon_u) | (slabs.astype(np.int64) << SLAB_SHIFT)
        keys |= self.categories().astype(np.int64) << CATEGORY_SHIFT
        del slabs
        bucket_order = np.argsort(keys)
        self.bucket_key = keys[bucket_order]
        del keys
        # one row per bucket entry, so that a gather reads one place per post
        self.bucket_rows = np.empty((self.size, 3), dtype=np.int32)
        self.bucket_rows[:, 0] = lat_u[bucket_order]
        self.bucket_rows[:, 1] = lon_u[bucket_order]
        self.bucket_rows[:, 2] = bucket_order
        del bucket_order, lat_u, lon_u
        # the same entries in cell order, for queries of any category: one range per cell
        # rather than one per cell and category
        cells = self.bucket_key & SLAB_CELL_MASK
        self.any_order = np.argsort(cells).astype(np.int32)
        self.any_key = cells[self.any_order]
        # evenly spaced positions: every category and every time, proportionally
        self.density = Density(self.lat, self.lon)

    @property
    def nbytes(self) -> int:
        arrays = (
            self.kind,
            self.dead,
            self.time_order,
            self.rank,
            self.id_order,
            self.id_sample,
            self.bucket_key,
            self.bucket_rows,
            self.any_key,
            self.any_order,
            self.cat_start,
            self.cat_stop,
        )
        return sum(a.nbytes for a in arrays)

    def categories(self) -> NDArray[np.int16]:
        """The category code of every position (posts are grouped by category)."""
        counts = self.cat_stop - self.cat_start
        return np.repeat(np.arange(len(counts), dtype=np.int16), counts)

    def category_of(self, pos: I64) -> I64:
        found: I64 = self.cat_stop.searchsorted(pos, side="right")
        return found

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
        if self.id[pos] != post_id or self.dead[pos]:
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


def _take_ranges(rows: I32, starts: I64, stops: I64) -> I32:
    """The rows in the ranges ``[starts[k], stops[k])``, in order: slices when there are
    few ranges, one fancy index built without a Python loop when there are many."""
    counts = stops - starts
    nonempty = counts.nonzero()[0]
    if len(nonempty) == 0:
        return rows[:0]
    if len(nonempty) <= 16:
        bounds = zip(starts[nonempty].tolist(), stops[nonempty].tolist(), strict=True)
        parts = [rows[start:stop] for start, stop in bounds]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)
    starts, counts = starts[nonempty], counts[nonempty]
    offsets = counts.cumsum() - counts
    index = np.arange(int(counts.sum()), dtype=np.int64) + (starts - offsets).repeat(counts)
    taken: I32 = rows.take(index, axis=0)  # far faster than rows[index] for 2-d
    return taken


_NOTHING = (np.empty(0, dtype=np.int64), np.empty(0))
_SLAB_BITS = np.arange(SLABS, dtype=np.int64)[:, None] << SLAB_SHIFT
_CATEGORY = 1 << CATEGORY_SHIFT


class _Query:
    """One search or box query against the main part: where to look and what to keep.

    Candidates are ordered by an *order key*: with one category, the position itself
    (a category's posts are contiguous and in time order); otherwise the time rank.
    ``cut`` is the order key below which posts are older than ``before``."""

    def __init__(
        self,
        main: _Main,
        region: _Region,
        codes: list[int] | None,
        kind: int | None,
        limit: int,
        before: tuple[float, int] | None,
    ) -> None:
        self.main, self.region, self.kind, self.limit = main, region, kind, limit
        # categories first seen after the build are not in the main part
        self.codes = None if codes is None else [c for c in codes if c < len(main.cat_ranges)]
        self.single = self.codes is not None and len(self.codes) == 1
        if self.codes is not None and len(self.codes) == 1:
            code = self.codes[0]
            self.first, self.stop = main.cat_ranges[code]  # the category's order keys
            self.cut = self.stop if before is None else self.first + main.older_in(code, before)
        else:
            self.first, self.stop = 0, main.size
            self.cut = main.size
            if before is not None:
                self.cut = sum(main.older_in(c, before) for c in range(len(main.cat_ranges)))

    def run(self) -> tuple[I64, F64]:
        """Positions (newest first) and distances of up to ``limit`` matches."""
        main = self.main
        if main.size == 0 or self.cut == self.first or self.codes == []:
            return _NOTHING
        # a large share of the posts inside: the newest matches are near the top of the
        # category, so walk at once, without looking at the grid
        box = self.region.box_deg
        if box is not None:
            inside = main.density.estimate(box, self.region.area_deg2)
            if inside >= max(main.size * FULL_SHARE, FULL_MIN):
                block = self._walk_block(inside / main.size)
                return self._walk(block, WALK_BUDGET * block)
        starts, stops = self._bucket_ranges()
        per_slab = (stops - starts).sum(axis=(0, 2)).tolist()
        n_cover = sum(per_slab)
        if n_cover == 0:
            return _NOTHING
        block = self._walk_block(n_cover / max(self._segment_size(), 1) * self.region.fill)
        if block * WALK_ADVANTAGE < n_cover:
            return self._walk(block, n_cover)
        return self._gather_by_slab(starts, stops, per_slab)

    def _gather_by_slab(self, starts: I64, stops: I64, per_slab: list[int]) -> tuple[I64, F64]:
        """Gather the newest slabs that should hold ``limit`` matches (all of them in a
        sparse place), then the older ones only if those fell short: every post of a
        newer slab is newer than every post of an older one."""
        wanted = (2 * self.limit + 8) / max(self._match_share(self.region.fill), 1e-12)
        newest, enough = SLABS - 1, per_slab[-1]
        while newest > 0 and enough < wanted:  # plain Python: four numbers
            newest -= 1
            enough += per_slab[newest]
        pos, distance_m = self._gather(starts[:, newest:], stops[:, newest:], self.cut, self.limit)
        if newest == 0 or len(pos) == self.limit:
            return pos, distance_m
        need = self.limit - len(pos)
        older = self._gather(starts[:, :newest], stops[:, :newest], self.cut, need)
        return np.concatenate((pos, older[0])), np.concatenate((distance_m, older[1]))

    def _bucket_ranges(self) -> tuple[I64, I64]:
        """Where the covering cells of each wanted category are in the sorted keys. The
        needles go in increasing order, which lets ``searchsorted`` narrow each search
        from the last; their dtype is the keys' (another dtype would convert the keys)."""
        main = self.main
        cells = self.region.covering.bounds | _SLAB_BITS  # (slab, bound)
        if self.codes is None:
            found = main.any_key.searchsorted(cells.ravel())
        elif self.single:
            found = main.bucket_key.searchsorted((cells + self.codes[0] * _CATEGORY).ravel())
        else:
            category_bits = np.array(self.codes, dtype=np.int64)[:, None, None] << CATEGORY_SHIFT
            found = main.bucket_key.searchsorted((category_bits | cells).ravel())
        found = found.reshape(-1, SLABS, len(cells[0]))  # (category, slab, bound)
        return found[:, :, 0::2], found[:, :, 1::2]

    def _segment_size(self) -> int:
        main = self.main
        if self.codes is None:
            return main.size
        return sum(main.cat_ranges[c][1] - main.cat_ranges[c][0] for c in self.codes)

    def _walk_block(self, share_inside: float) -> int:
        """Posts to walk for ``limit`` matches, given the share of posts inside."""
        return int(1.5 * self.limit / max(self._match_share(share_inside), 1e-12)) + 32

    def _match_share(self, share_inside: float) -> float:
        """The expected share of matches, given the share of posts inside the region."""
        share = share_inside
        if self.kind is not None:
            kind_share = self.main.kind_share
            share *= kind_share if self.kind == 1 else 1 - kind_share
        return share * (1 - self.main.n_dead / self.main.size)

    def _order_of(self, pos: I64) -> I64:
        if self.single:
            return pos
        order: I64 = self.main.rank[pos].astype(np.int64)
        return order

    def _gather(self, starts: I64, stops: I64, cut: int, need: int) -> tuple[I64, F64]:
        """The newest matches among the covering ranges, with order keys below ``cut``."""
        main = self.main
        starts, stops = starts.ravel(), stops.ravel()
        if self.codes is None:
            rows = main.bucket_rows.take(_take_ranges(main.any_order, starts, stops), axis=0)
        else:
            rows = _take_ranges(main.bucket_rows, starts, stops)
        keep, maybe = self.region.screen_units(rows[:, 0], rows[:, 1])
        pos = rows[:, 2][keep].astype(np.int64)
        maybe = maybe[keep]
        order = self._order_of(pos)
        wanted = self._wanted(pos)
        if cut < self.stop:
            older = order < cut
            wanted = older if wanted is None else wanted & older
        if wanted is not None:
            pos, order, maybe = pos[wanted], order[wanted], maybe[wanted]
        take = min(len(pos), need + int(maybe.sum()))
        if take < len(pos):
            top = order.argpartition(len(pos) - take)[len(pos) - take :]
            pos, order = pos[top], order[top]
        return self._exact(pos[order.argsort()[::-1]], need)

    def _wanted(self, pos: I64) -> Bool | None:
        """Kind and liveness filters on positions (None: keep all)."""
        main = self.main
        wanted: Bool | None = None
        if self.kind is not None:
            wanted = main.kind[pos] == self.kind
        if main.n_dead:
            alive = ~main.dead[pos]
            wanted = alive if wanted is None else wanted & alive
        return wanted

    def _exact(self, pos: I64, need: int) -> tuple[I64, F64]:
        """The first ``need`` of these candidates (newest first) that are truly inside.
        Callers pass the newest ``need`` plus every candidate the plane could not decide,
        since only those can fail."""
        main = self.main
        distance_m, inside = self.region.exact(main.lat[pos], main.lon[pos])
        return pos[inside][:need], distance_m[inside][:need]

    def _walk(self, block: int, budget: int) -> tuple[I64, F64]:
        """Newest first through the category (or through time, across categories), one
        block of order keys at a time, the first sized from the estimate; past
        ``budget`` posts read (time and place are correlated), gather the rest."""
        main = self.main
        category_table = None
        if self.codes is not None and not self.single:
            category_table = np.zeros(len(main.cat_start), dtype=bool)
            category_table[self.codes] = True
        found_pos: list[I64] = []
        found_m: list[F64] = []
        need, walked, end = self.limit, 0, self.cut
        while need > 0 and end > self.first:
            if walked > budget:
                starts, stops = self._bucket_ranges()
                found = self._gather(starts, stops, end, need)
                found_pos.append(found[0])
                found_m.append(found[1])
                break
            begin = max(self.first, end - block)
            if self.single:  # contiguous: slices, read in order
                pos = np.arange(end - 1, begin - 1, -1, dtype=np.int64)
                lats, lons = main.lat[begin:end][::-1], main.lon[begin:end][::-1]
            else:
                pos = main.time_order[begin:end][::-1].astype(np.int64)
                lats, lons = main.lat[pos], main.lon[pos]
            keep, maybe = self.region.screen_deg(lats, lons)
            pos, maybe = pos[keep], maybe[keep]
            if category_table is not None:
                in_category = category_table[main.category_of(pos)]
                pos, maybe = pos[in_category], maybe[in_category]
            wanted = self._wanted(pos)
            if wanted is not None:
                pos, maybe = pos[wanted], maybe[wanted]
            got_pos, got_m = self._exact(pos[: need + int(maybe.sum())], need)
            found_pos.append(got_pos)
            found_m.append(got_m)
            need -= len(got_pos)
            walked += end - begin
            end = begin
            block *= 4
        if not found_pos:
            return _NOTHING
        return np.concatenate(found_pos), np.concatenate(found_m)


class _Delta:
    """Recently added posts, searched by a scan; slots are reused by replacement."""

    def __init__(self, capacity: int) -> None:
        self.id = np.zeros(capacity, dtype=np.int64)
        self.lat = np.zeros(capacity)
        self.lon = np.zeros(capacity)
        self.created_at = np.zeros(capacity)
        self.cat = np.zeros(capacity, dtype=np.int16)
        self.kind = np.zeros(capacity, dtype=np.int8)
        self.live = np.zeros(capacity, dtype=bool)
        self.used = 0
        self.slot: dict[int, int] = {}

    @property
    def full(self) -> bool:
        return self.used == len(self.id)

    @property
    def nbytes(self) -> int:
        arrays = (self.id, self.lat, self.lon, self.created_at, self.cat, self.kind, self.live)
        return sum(a.nbytes for a in arrays) + 100 * len(self.slot)

    def put(self, post: Post, cat: int, kind: int) -> None:
        slot = self.slot.get(post.id)
        if slot is None:
            slot = self.used
            self.used += 1
            self.slot[post.id] = slot
        self.id[slot] = post.id
        self.lat[slot] = post.lat
        self.lon[slot] = post.lon
        self.created_at[slot] = post.created_at
        self.cat[slot] = cat
        self.kind[slot] = kind
        self.live[slot] = True

    def drop(self, post_id: int) -> bool:
        slot = self.slot.pop(post_id, None)
        if slot is None:
            return False
        self.live[slot] = False
        return True

    def matches(
        self,
        region: _Region,
        category_table: Bool | None,
        kind: int | None,
        limit: int,
        before: tuple[float, int] | None,
        floor: tuple[float, int] | None,
    ) -> tuple[F64, I64, F64]:
        """Up to ``limit`` newest matches as arrays ``created_at, id, distance_m``, only
        those newer than ``floor`` (the oldest of a full page from the main part)."""
        lats = self.lat[: self.used]
        south, north = region.lat_band
        slots = np.flatnonzero((lats >= south) & (lats <= north))  # first, as it is cheap
        slots = slots[self.live[slots]]
        if category_table is not None:
            slots = slots[category_table[self.cat[slots]]]
        if kind is not None:
            slots = slots[self.kind[slots] == kind]
        for key, newer in ((before, False), (floor, True)):
            if key is not None:
                created_at, ids = self.created_at[slots], self.id[slots]
                if newer:
                    wanted = (created_at > key[0]) | ((created_at == key[0]) & (ids > key[1]))
                else:
                    wanted = (created_at < key[0]) | ((created_at == key[0]) & (ids < key[1]))
                slots = slots[wanted]
        keep, maybe = region.screen_deg(self.lat[slots], self.lon[slots])
        slots, maybe = slots[keep], maybe[keep]
        newest_first = np.lexsort((self.id[slots], self.created_at[slots]))[::-1]
        slots = slots[newest_first][: limit + int(maybe.sum())]  # only maybes can fail
        distance_m, inside = region.exact(self.lat[slots], self.lon[slots])
        slots = slots[inside][:limit]
        return self.created_at[slots], self.id[slots], distance_m[inside][:limit]


class Index:
    """Posts by place, category and kind, searched newest first within a geodesic circle
    or a latitude/longitude box. Not thread-safe: one writer, or a lock around it.

    Holds at most ``MAX_CATEGORIES`` (512) distinct categories; ``add`` pauses for a
    rebuild (about 0.5 s per million posts) once every few thousand changes."""

    def __init__(self) -> None:
        self._category_code: dict[str, int] = {}
        self._empty_main()

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
        """Bulk load (about 1 s per million posts). A repeated id keeps its last row, as
        if the rows were added in order. Raises InvalidQuery naming the bad column."""
        ids = _int64_column(id, "id")
        n = len(ids)
        lats = _float_column(lat, "lat", n, -90.0, 90.0)
        lons = _float_column(lon, "lon", n, -180.0, 180.0)
        created = _float_column(created_at, "created_at", n, -math.inf, math.inf)
        kinds = _kind_column(kind, n)
        names = np.asarray(category).tolist()
        if len(names) != n:
            raise InvalidQuery(f"category must have {n} rows like id, got {len(names)}")
        index = cls()
        codes = index._category_code
        for name in set(names):
            validate.category(name, "category")
        for name in sorted(set(names)):
            codes[name] = len(codes)
        if len(codes) > MAX_CATEGORIES:
            raise InvalidQuery(f"category: at most {MAX_CATEGORIES} distinct values")
        cats = np.fromiter((codes[name] for name in names), dtype=np.int16, count=n)
        keep = _last_of_each_id(ids)
        if keep is not None:
            ids, lats, lons, created = ids[keep], lats[keep], lons[keep], created[keep]
            cats, kinds = cats[keep], kinds[keep]
        index._main = _Main(ids, lats, lons, created, cats, kinds, len(codes))
        index._delta = _Delta(min(DELTA_MAX, max(DELTA_MIN, n // 32)))
        return index

    def _compact(self) -> None:
        """Merge the delta and the tombstones into a new main part."""
        main, delta = self._main, self._delta
        alive = ~main.dead
        live = np.flatnonzero(delta.live[: delta.used])
        self._main = _Main(
            np.concatenate((main.id[alive], delta.id[live])),
            np.concatenate((main.lat[alive], delta.lat[live])),
            np.concatenate((main.lon[alive], delta.lon[live])),
            np.concatenate((main.created_at[alive], delta.created_at[live])),
            np.concatenate((main.categories()[alive], delta.cat[live])),
            np.concatenate((main.kind[alive], delta.kind[live])),
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
            if len(self._category_code) >= MAX_CATEGORIES:
                raise InvalidQuery(f"post.category: at most {MAX_CATEGORIES} distinct values")
            code = self._category_code[name] = len(self._category_code)
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
        main.dead[pos] = True
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
        return self._query(_Circle(lat, lon, radius_m), category, kind, limit, before)

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
        return self._query(_Box(south, west, north, east), category, kind, limit, None)

    def _query(
        self,
        region: _Region,
        category: object,
        kind: object,
        limit: object,
        before: object,
    ) -> list[Match]:
        codes = None
        if type(category) is str and category in self._category_code:  # the common case
            codes = [self._category_code[category]]
        elif category is not None:
            names = validate.categories(category) or ()
            codes = sorted(self._category_code[n] for n in names if n in self._category_code)
        kind_code = None
        if kind is not None:
            if kind not in KINDS:
                validate.kind(kind)  # raises, naming the parameter
            kind_code = KINDS.index(cast(Kind, kind))
        if not (type(limit) is int and 1 <= limit <= validate.MAX_LIMIT):
            limit = validate.limit(limit)
        key = None if before is None else validate.before(before)
        if codes == []:
            return []
        main = self._main
        query = _Query(main, region, codes, kind_code, limit, key)
        pos, distance_m = query.run()
        created_at, ids = main.created_at[pos], main.id[pos]
        if self._delta.slot:
            floor = (float(created_at[-1]), int(ids[-1])) if len(pos) == limit else None
            table = None
            if codes is not None:
                table = np.zeros(len(self._category_code), dtype=bool)
                table[codes] = True
            recent = self._delta.matches(region, table, kind_code, limit, key, floor)
            if len(recent[0]):
                created_at = np.concatenate((created_at, recent[0]))
                ids = np.concatenate((ids, recent[1]))
                distance_m = np.concatenate((distance_m, recent[2]))
                newest = np.lexsort((ids, created_at))[::-1][:limit]
                created_at, ids, distance_m = created_at[newest], ids[newest], distance_m[newest]
        return list(map(Match, ids.tolist(), distance_m.tolist(), created_at.tolist()))


def _int64_column(values: object, name: str) -> I64:
    array = np.asarray(values)
    if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise InvalidQuery(f"{name} must be a 1-d array of integers, got {array.dtype}")
    if array.dtype == np.uint64 and array.size and array.max() > validate.INT64_MAX:
        raise InvalidQuery(f"{name} must hold signed 64-bit integers")
    return array.astype(np.int64)


def _float_column(values: object, name: str, n: int, low: float, high: float) -> F64:
    array = np.asarray(values)
    if array.shape != (n,):
        raise InvalidQuery(f"{name} must have {n} rows like id, got shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) or array.size == 0):
        raise InvalidQuery(f"{name} must be numbers, got {array.dtype}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise InvalidQuery(f"{name} must be finite everywhere")
    if array.size and (array.min() < low or array.max() > high):
        raise InvalidQuery(f"{name} must be in [{low}, {high}]")
    return array


def _kind_column(values: object, n: int) -> NDArray[np.int8]:
    array = np.asarray(values)
    if array.shape != (n,):
        raise InvalidQuery(f"kind must have {n} rows like id, got shape {array.shape}")
    is_request = array == "request"
    if not (is_request | (array == "offer")).all():
        raise InvalidQuery(f"kind must be one of {', '.join(KINDS)} in every row")
    return np.asarray(is_request, dtype=np.int8)


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
