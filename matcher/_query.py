"""One search, compiled: from a region and filters to the few candidates that may be the
answer, newest first, ready for the exact geodesic.

The main part (see ``index``) holds posts grouped by category in time order, and bucket
entries sorted by ``category << 54 | time slab << 52 | Z-order cell`` (and by slab and
cell alone, for any category). A query in a full region (at least 1/256 of the posts
inside: large circles, dense places) *walks* its category newest first, stopping at
``limit``. Otherwise it finds the entries in the cells covering the region, slab by slab,
and either walks (when those hold many times more posts than a walk would read) or
*gathers* them, newest slab first, and keeps the newest. Recently added posts (the
delta) are scanned and merged.

A local plane decides every point except those within its error bound of the circle
(``geodesy``): those are *maybe* candidates, decided by pyproj's geodesic after this call
with the distances returned. Candidates are given newest first up to the ``limit``-th
*sure* one, so the exact answer is the first ``limit`` candidates that pass.
"""

import math

import numpy as np
from numpy.typing import NDArray

from matcher._density import estimate
from matcher._jit import compiled
from matcher._screen import (
    CIRCLE,
    OUT,
    SURE,
    Facts,
    Screen,
    region_of,
    screen_entry,
    screen_point,
)
from matcher.grid import (
    KEY_BITS,
    UNITS_PER_DEG,
    cover,
    insertion_sorted,
)

#: time slabs: the newest 1/64 of the posts, the next 3/64, 3/16, and the rest. Keys
#: carry their slab, so a gather reads the newest slabs first and stops when they hold
#: the answer (every post of a newer slab is newer than every post of an older one).
SLAB_NEWEST_SHARES = (1 / 4, 1 / 16, 1 / 64)
SLABS = len(SLAB_NEWEST_SHARES) + 1
SLAB_SHIFT = KEY_BITS
CATEGORY_SHIFT = SLAB_SHIFT + 2
MAX_CATEGORIES = 1 << (63 - CATEGORY_SHIFT)
#: the directory over sorted keys keeps one key in STRIDE, at two levels
STRIDE = 64
#: up to this many candidates are sorted by an insertion sort (little code to load)
SMALL = 64
#: a region estimated to hold this share of the posts (and at least FULL_MIN) is walked
#: without a look at the grid; past WALK_BUDGET blocks' worth, the walk gathers instead
FULL_SHARE = 1 / 256
FULL_MIN = 64
WALK_BUDGET = 8
#: a walk reads posts in order, a gather jumps between ranges: per post it costs about this
#: many times less, so a walk is chosen while its block is under this many gathered posts.
WALK_ADVANTAGE = 2.0
#: state bits of a post in the main part
REQUEST, DEAD = 1, 2
MEAN_RADIUS_M = 6_371_000.0

I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
I16 = NDArray[np.int16]
I8 = NDArray[np.int8]
F64 = NDArray[np.float64]


def directory(keys: I64) -> I64:
    """Every ``STRIDE``-th key, then every ``STRIDE``-th of those: a search reads a few
    cache lines of these small arrays and one of ``keys``, where a binary search over
    millions of keys waits for some twenty misses in a row."""
    middle = keys[::STRIDE]
    return np.concatenate((middle, middle[::STRIDE]))


@compiled
def _grown(values: I64) -> I64:
    """``values`` in an array twice as long. Scans fill an array in an inner loop and
    grow it in the outer one: a loop that may replace an array runs ten times slower."""
    grown = np.empty(2 * len(values), dtype=np.int64)
    grown[: len(values)] = values
    return grown


@compiled
def _lower_bound(keys: I64, index: I64, needle: int) -> int:
    """The first position of ``keys`` holding ``needle`` or more (``index`` is
    ``directory(keys)``)."""
    middle_size = (len(keys) + STRIDE - 1) // STRIDE
    top = np.searchsorted(index[middle_size:], needle)
    if top == 0:
        return 0
    low = (top - 1) * STRIDE  # index[low] < needle <= index[low + STRIDE]
    middle = low + np.searchsorted(index[low : min(low + STRIDE + 1, middle_size)], needle)
    low = (middle - 1) * STRIDE
    return int(low) + int(np.searchsorted(keys[low : low + STRIDE + 1], needle))


@compiled
def _gallop(keys: I64, low: int, needle: int) -> int:
    """The first position from ``low`` on holding ``needle`` or more, found by steps
    doubling from ``low``: a few reads of nearby cache lines when it is close."""
    high, step = low, 1
    while high < len(keys) and keys[high] < needle:
        low = high + 1
        high += step
        step *= 2
    return low + int(np.searchsorted(keys[low : min(high, len(keys))], needle))


@compiled
def _ranges(keys: I64, index: I64, bounds: I64, prefixes: I64) -> tuple[I64, I64]:
    """Where each covering range of each prefix (a slab and a category) lies in
    ``keys``: one search through the directory per prefix, then onwards by steps (the
    bounds are sorted and close together)."""
    pairs = len(bounds) // 2
    starts = np.empty(len(prefixes) * pairs, dtype=np.int64)
    stops = np.empty(len(prefixes) * pairs, dtype=np.int64)
    k = 0
    for prefix in prefixes:
        position = _lower_bound(keys, index, prefix + bounds[0])
        for pair in range(pairs):
            starts[k] = position = _gallop(keys, position, prefix + bounds[2 * pair])
            stops[k] = position = _gallop(keys, position, prefix + bounds[2 * pair + 1])
            k += 1
    return starts, stops


@compiled
def _newest(candidates: I64, count: int, sure: int, need: int) -> I64:
    """The candidates (``order << 2 | verdict``) newest first up to the ``need``-th sure
    one: the top ``need`` plus every maybe, selected before sorting."""
    top = need + count - sure
    if count <= SMALL:
        chosen = insertion_sorted(candidates[:count])[::-1]
    elif top < count:
        chosen = np.sort(np.partition(candidates[:count], count - top)[count - top :])[::-1]
    else:
        chosen = np.sort(candidates[:count])[::-1]
    found = 0
    for k in range(len(chosen)):
        if chosen[k] & 3 == SURE:
            found += 1
            if found == need:
                return chosen[: k + 1].copy()
    return chosen.copy()


@compiled
def _gather(
    entries: I32,
    via: I32,
    starts: I64,
    stops: I64,
    group: int,
    screen: Screen,
    lat: F64,
    lon: F64,
    rank: I32,
    state: I8,
    filtered: bool,
    single: bool,
    kind: int,
    cut: int,
    need: int,
) -> I64:
    """The newest candidates among the entries of the ranges (entry ``i`` is row
    ``via[i]`` of ``entries`` when ``via`` is not empty), with order keys below ``cut``.
    Ranges come in groups of ``group``, one per slab, newest first: once a slab has
    given ``need`` sure candidates, older slabs cannot change the answer. ``state`` is
    read only when ``filtered`` (a kind asked, or posts removed)."""
    candidates = np.empty(64, dtype=np.int64)
    count = sure = 0
    for r in range(len(starts)):
        if r % group == 0 and sure >= need:
            break
        i = starts[r]
        while i < stops[r]:
            while i < stops[r] and count < len(candidates):
                row = via[i] if len(via) else i
                pos = entries[row, 2]
                verdict = screen_entry(screen, entries[row, 0], entries[row, 1], lat, lon, pos)
                if verdict != OUT:
                    order = pos if single else rank[pos]
                    flags = state[pos] if filtered else 0
                    if order < cut and not flags & DEAD and (kind < 0 or flags & REQUEST == kind):
                        candidates[count] = order << 2 | verdict
                        count += 1
                        sure += verdict == SURE
                i += 1
            if count == len(candidates):
                candidates = _grown(candidates)
    return _newest(candidates, count, sure, need)


@compiled
def _walk(
    first: int,
    cut: int,
    budget: int,
    single: bool,
    table: NDArray[np.bool_],
    any_category: bool,
    screen: Screen,
    lat: F64,
    lon: F64,
    time_order: I32,
    state: I8,
    filtered: bool,
    cat_stop: I64,
    kind: int,
    need: int,
) -> tuple[I64, int, int]:
    """Newest first through the category (or through time, across categories) from
    ``cut - 1``, until ``need`` sure candidates or ``budget`` posts read: the candidates,
    how many are sure, and the order key where the walk stopped."""
    found = np.empty(64, dtype=np.int64)
    count = sure = 0
    order = cut - 1
    end = max(first, cut - budget)
    while order >= end and sure < need:
        while order >= end and sure < need and count < len(found):
            pos = order if single else time_order[order]
            verdict = screen_point(screen, lat[pos], lon[pos])
            if verdict != OUT:
                flags = state[pos] if filtered else 0
                if (
                    not flags & DEAD
                    and (kind < 0 or flags & REQUEST == kind)
                    and (single or any_category or table[np.searchsorted(cat_stop, pos, "right")])
                ):
                    found[count] = order << 2 | verdict
                    count += 1
                    sure += verdict == SURE
            order -= 1
        if count == len(found):
            found = _grown(found)
    return found[:count], sure, order + 1


@compiled
def _covering(
    keys: I64, key_index: I64, any_keys: I64, any_index: I64, bounds: I64, codes: I64
) -> tuple[I64, I64]:
    """The ranges of entries in the covering cells (``bounds``), for each slab (newest
    first) and wanted category, or for each slab across categories (``codes`` empty)."""
    per_slab = max(len(codes), 1)
    prefixes = np.empty(SLABS * per_slab, dtype=np.int64)
    for slab in range(SLABS):
        for k in range(per_slab):
            code = codes[k] if len(codes) else 0
            newest_first = (SLABS - 1 - slab) << SLAB_SHIFT
            prefixes[slab * per_slab + k] = (code << CATEGORY_SHIFT) + newest_first
    if len(codes):
        return _ranges(keys, key_index, bounds, prefixes)
    return _ranges(any_keys, any_index, bounds, prefixes)


@compiled
def _main_candidates(
    keys: I64,
    key_index: I64,
    entries: I32,
    any_keys: I64,
    any_index: I64,
    any_order: I32,
    lat: F64,
    lon: F64,
    time: I32,
    state: I8,
    cat_stop: I64,
    density_table: I64,
    density_frame: F64,
    region: int,
    screen: Screen,
    boxes: I64,
    facts: Facts,
    codes: I64,
    table: NDArray[np.bool_],
    kind: int,
    limit: int,
    cut: int,
    n_dead: int,
    kind_share: float,
) -> I64:
    """The main part's candidates (``order << 2 | verdict``), newest first."""
    n = len(lat)
    any_category = len(codes) == 0
    single = len(codes) == 1
    first, stop = 0, n
    if single:
        first, stop = (cat_stop[codes[0] - 1] if codes[0] else 0), cat_stop[codes[0]]
    if cut < 0:
        cut = stop
    if n == 0 or cut <= first:
        return np.empty(0, dtype=np.int64)
    segment = n
    if not any_category:
        segment = 0
        for code in codes:
            segment += cat_stop[code] - (cat_stop[code - 1] if code else 0)
    # with no kind asked and no post removed, the state byte rejects nothing: not read
    filtered = kind >= 0 or n_dead > 0
    kind_factor = 1.0 if kind < 0 else (kind_share if kind == 1 else 1 - kind_share)
    match_factor = kind_factor * (1 - n_dead / n)
    # a full region: walk at once, without looking at the grid
    budget = -1
    if not np.isnan(facts[2]):
        inside = estimate(
            density_table, density_frame, facts[2], facts[3], facts[4], facts[5], facts[6]
        )
        if inside >= max(n * FULL_SHARE, FULL_MIN):
            share = max(inside / n * match_factor, 1e-12)
            budget = WALK_BUDGET * (int(1.5 * limit / share) + 32)
    bounds, cell_units, cells = cover(boxes)
    looked = budget < 0  # at the grid: walk if its cells hold many times what a walk reads
    if looked:
        starts, stops = _covering(keys, key_index, any_keys, any_index, bounds, codes)
        covered = 0
        for r in range(len(starts)):
            covered += stops[r] - starts[r]
        if region == CIRCLE:
            per_unit = MEAN_RADIUS_M * math.pi / 180 / UNITS_PER_DEG
            cos_lat = max(math.cos(math.radians(facts[0])), 1e-6)
            fill = min(1.0, facts[7] / (cell_units**2 * per_unit**2 * cos_lat * cells))
        else:
            units = 0
            for box in range(len(boxes)):
                units += (boxes[box, 1] - boxes[box, 0] + 1) * (boxes[box, 3] - boxes[box, 2] + 1)
            fill = min(1.0, units / (cell_units**2 * cells))
        # the entries a gather reads: the newest slabs that should hold the answer
        wanted = (2 * limit + 8) / max(fill * match_factor, 1e-12)
        group = len(starts) // SLABS
        gathered = 0
        for r in range(len(starts)):
            if r % group == 0 and gathered >= wanted:
                break
            gathered += stops[r] - starts[r]
        share = max(covered / max(segment, 1) * fill * match_factor, 1e-12)
        if (int(1.5 * limit / share) + 32) * WALK_ADVANTAGE < gathered:
            budget = gathered
    found = np.empty(0, dtype=np.int64)
    sure = 0
    if budget >= 0:
        found, sure, cut = _walk(
            first,
            cut,
            budget,
            single,
            table,
            any_category,
            screen,
            lat,
            lon,
            time[1],
            state,
            filtered,
            cat_stop,
            kind,
            limit,
        )
        if sure == limit or cut == first:
            return found
    if not looked:
        starts, stops = _covering(keys, key_index, any_keys, any_index, bounds, codes)
    via = any_order if any_category else np.empty(0, dtype=np.int32)
    group = len(starts) // SLABS
    older = _gather(
        entries,
        via,
        starts,
        stops,
        group,
        screen,
        lat,
        lon,
        time[0],
        state,
        filtered,
        single,
        kind,
        cut,
        limit - sure,
    )
    both = np.empty(len(found) + len(older), dtype=np.int64)
    both[: len(found)] = found
    both[len(found) :] = older
    return both


@compiled
def _delta_candidates(
    floats: F64,
    ids: I64,
    codes: I16,
    used: int,
    screen: Screen,
    table: NDArray[np.bool_],
    any_category: bool,
    kind: int,
    before_at: float,
    before_id: int,
    need: int,
) -> I64:
    """The delta's slots in the region, newest first, enough for ``need`` sure ones
    (``floats`` rows: lat, lon, created_at; ``codes`` rows: category, kind, live). The
    place is tested first: it reads two rows, and few slots pass it."""
    slots = np.empty(16, dtype=np.int64)
    found = sure = slot = 0
    while slot < used:
        while slot < used and found < len(slots):
            verdict = screen_point(screen, floats[0, slot], floats[1, slot])
            at = floats[2, slot]
            if (
                verdict != OUT
                and codes[2, slot]
                and (any_category or table[codes[0, slot]])
                and (kind < 0 or codes[1, slot] == kind)
                and (
                    np.isnan(before_at)
                    or at < before_at
                    or (at == before_at and ids[slot] < before_id)
                )
            ):
                slots[found] = slot
                found += 1
                sure += verdict == SURE
            slot += 1
        if found == len(slots):
            slots = _grown(slots)
    slots = slots[:found]
    top = need + found - sure
    if top < found:  # keep the newest: those from the top-th newest time on
        newest_at = np.partition(floats[2, slots], found - top)[found - top]
        slots = slots[floats[2, slots] >= newest_at]
    slots = slots[np.argsort(ids[slots], kind="mergesort")]
    return slots[np.argsort(floats[2, slots], kind="mergesort")][::-1].copy()


@compiled
def search(
    keys: I64,
    key_index: I64,
    entries: I32,
    orders: I32,
    floats: F64,
    ids: I64,
    state: I8,
    cat_stop: I64,
    density_table: I64,
    density_frame: F64,
    delta_floats: F64,
    delta_ids: I64,
    delta_codes: I16,
    delta_used: int,
    region: int,
    a: float,
    b: float,
    c: float,
    d: float,
    codes: I64,
    kind: int,
    limit: int,
    cut: int,
    before_at: float,
    before_id: int,
    n_dead: int,
    kind_share: float,
) -> tuple[I64, F64]:
    """Candidates for a circle ``(lat=a, lon=b, radius=c)`` or a box ``(south=a, west=b,
    north=c, east=d)``: their ids and rows ``centre lon, centre lat, lon, lat,
    created_at`` (the arguments of pyproj's inverse, then the time).

    ``codes``: the wanted categories, sorted (empty: any); ``kind``: -1 (any), 0 or 1;
    ``cut``: the order key below which main posts are older than ``before`` (-1: no
    ``before``); ``before_at, before_id``: the same bound for the delta (NaN: none).

    The main part comes as few arrays (fewer arguments: each costs time to check on a
    call): ``keys`` and ``key_index`` rows by category or for any category, ``orders``
    rows time rank, time order and order of the keys for any category, ``floats`` rows
    lat, lon, created_at."""
    lat, lon, created_at = floats[0], floats[1], floats[2]
    time = orders[:2]
    screen, boxes, facts = region_of(region, a, b, c, d)
    any_category = len(codes) == 0
    table = np.zeros(MAX_CATEGORIES, dtype=np.bool_)
    for code in codes:
        table[code] = True
    known = 0  # codes are sorted: those of the main part come first
    while known < len(codes) and codes[known] < len(cat_stop):
        known += 1
    main_codes = codes[:known]
    main = np.empty(0, dtype=np.int64)
    if any_category or len(main_codes):
        main = _main_candidates(
            keys[0],
            key_index[0],
            entries,
            keys[1],
            key_index[1],
            orders[2],
            lat,
            lon,
            time,
            state,
            cat_stop,
            density_table,
            density_frame,
            region,
            screen,
            boxes,
            facts,
            main_codes,
            table,
            kind,
            limit,
            cut,
            n_dead,
            kind_share,
        )
    recent = np.empty(0, dtype=np.int64)
    if delta_used:
        recent = _delta_candidates(
            delta_floats,
            delta_ids,
            delta_codes,
            delta_used,
            screen,
            table,
            any_category,
            kind,
            before_at,
            before_id,
            limit,
        )
    # merge newest first up to the limit-th sure candidate: main positions as k >= 0,
    # delta slots as -1 - k
    picks = np.empty(len(main) + len(recent), dtype=np.int64)
    i = j = emitted = sure = 0
    while emitted < len(picks) and sure < limit:
        take_main = j == len(recent)
        pos = 0
        if i < len(main):
            pos = main[i] >> 2 if len(main_codes) == 1 else time[1][main[i] >> 2]
            if not take_main:
                slot = recent[j]
                main_at, recent_at = created_at[pos], delta_floats[2, slot]
                take_main = main_at > recent_at or (
                    main_at == recent_at and ids[pos] > delta_ids[slot]
                )
        if take_main:
            picks[emitted] = pos
            sure += main[i] & 3 == SURE
            i += 1
        else:
            picks[emitted] = -1 - recent[j]
            sure += (
                screen_point(screen, delta_floats[0, recent[j]], delta_floats[1, recent[j]]) == SURE
            )
            j += 1
        emitted += 1
    found_ids = np.empty(emitted, dtype=np.int64)
    out = np.empty((5, emitted))
    for k in range(emitted):
        out[0, k], out[1, k] = facts[1], facts[0]
        pick = picks[k]
        if pick >= 0:
            found_ids[k] = ids[pick]
            out[2, k], out[3, k], out[4, k] = lon[pick], lat[pick], created_at[pick]
        else:
            slot = -1 - pick
            found_ids[k] = delta_ids[slot]
            out[2, k], out[3, k] = delta_floats[1, slot], delta_floats[0, slot]
            out[4, k] = delta_floats[2, slot]
    return found_ids, out
