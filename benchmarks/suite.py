"""The benchmark suite: for each size, build the engine and the baselines on one synthetic
city, time them on the same queries in rotation (query by query, in one process, as a
server interleaves work), check every answer against the oracle, and measure build,
memory, add/remove under churn, viewports and reverse matching.

Timings use ``time.perf_counter_ns`` with the garbage collector off inside timing loops.
Any answer that differs from the oracle's is printed at once and recorded; the run then
goes on measuring, and fails at the end (a fast wrong answer is not a result, but the
other figures still tell where the time goes)."""

from __future__ import annotations

import gc
import sys
import time
import tracemalloc
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from benchmarks import city
from benchmarks.baselines import BASELINES
from benchmarks.oracle import Answer, Mismatch, Oracle, check, geodesic_m
from matcher import Index, Post, Subscription, Subscriptions

ENGINE = "engine"
LIMIT = 20
# Raw columns a caller already holds: id, lat, lon, created_at, 8 bytes each. Memory
# "beyond the raw columns" counts everything else, category and kind codes included.
RAW_BYTES_PER_POST = 8 * 4
VIEWPORTS_M = {"street": 300.0, "district": 3_000.0}
# Alert circles: mostly "my street", some "my neighbourhood".
SUBSCRIPTION_RADII_M = (100.0, 250.0, 500.0, 1_000.0)
SUBSCRIPTION_RADIUS_SHARES = (0.25, 0.35, 0.3, 0.1)
LARGE_SIZE = 2_000_000  # from here on, fewer queries per radius (the oracle's cost)
LARGE_QUERIES = 400


@dataclass
class Config:
    sizes: list[int]
    radii_m: list[float]
    queries: int
    seed: int = 0
    baselines: bool = True
    baseline_budget_s: float = 20.0  # per baseline, size and radius, after MIN_SAMPLES
    churn_share: float = 0.01
    viewports: int = 200
    subscriptions: int = 100_000
    subscription_posts: int = 2_000
    churn_checks: int = 50
    progress: bool = True
    now: float = 1_790_000_000.0  # fixed, so that a seed gives the same city every day

    def queries_for(self, size: int) -> int:
        return min(self.queries, LARGE_QUERIES) if size >= LARGE_SIZE else self.queries


MIN_SAMPLES = 30


def percentiles(samples_ns: Iterable[int]) -> dict[str, float]:
    values = np.fromiter(samples_ns, dtype=np.float64)
    if values.size == 0:
        return {"n": 0}
    p50, p90, p99 = np.percentile(values, [50, 90, 99]) / 1_000.0
    return {"n": int(values.size), "p50_us": p50, "p90_us": p90, "p99_us": p99}


@dataclass
class Suite:
    config: Config
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)

    def run(self) -> dict[str, Any]:
        # load the engine's compiled kernels from their cache (as a server does once, at
        # its first search) so that the first build timed is not the one that loads them
        warm_up = city.generate(100, seed=self.config.seed, now=self.config.now)
        Index.from_arrays(*warm_up.columns()).search(city.CENTRE_LAT, city.CENTRE_LON, 200.0)
        sizes = {}
        for size in self.config.sizes:
            sizes[str(size)] = self.run_size(size)
        self.results["sizes"] = sizes
        self.results["subscriptions"] = self.run_subscriptions()
        self.results["answers_checked"] = self.checked
        self.results["mismatches"] = len(self.mismatches)
        self.results["mismatch_examples"] = self.mismatches[:20]
        return self.results

    def _bar(self, iterable: Iterable[Any], description: str, total: int | None = None) -> Any:
        return tqdm(
            iterable, desc=description, total=total, disable=not self.config.progress, leave=False
        )

    # -- one size ------------------------------------------------------------------------

    def run_size(self, size: int) -> dict[str, Any]:
        config = self.config
        with self._bar(range(1), f"{size:>9,} generate") as bar:
            dataset = city.generate(size, seed=config.seed, now=config.now)
            bar.update()
        result: dict[str, Any] = {"posts": size, "queries_per_radius": config.queries_for(size)}
        engine, result["build_s"] = self._build_engine(dataset)
        result["memory"] = self._engine_memory(dataset, engine)
        methods: dict[str, Any] = {ENGINE: engine}
        if config.baselines:
            for baseline in self._bar(BASELINES, f"{size:>9,} build baselines"):
                started = time.perf_counter()
                methods[baseline.name] = baseline(dataset)
                result["build_s"][baseline.name] = time.perf_counter() - started
        oracle = Oracle(
            dataset.id,
            dataset.lat,
            dataset.lon,
            dataset.category_code,
            dataset.created_at,
            city.CATEGORIES,
        )
        queries = city.queries(dataset, config.queries_for(size), seed=config.seed + 1)
        result["search"] = {
            _radius_key(radius_m): self._search_radius(size, radius_m, queries, methods, oracle)
            for radius_m in config.radii_m
        }
        result["within_box"] = self._within_box(size, dataset, engine, oracle)
        del methods
        result["churn"] = self._churn(size, dataset, engine, queries)
        return result

    def _build_engine(self, dataset: city.Dataset) -> tuple[Any, dict[str, float]]:
        with self._bar(range(1), f"{len(dataset):>9,} build engine") as bar:
            gc.collect()
            started = time.perf_counter()
            engine = Index.from_arrays(*dataset.columns())
            elapsed = time.perf_counter() - started
            bar.update()
        return engine, {ENGINE: elapsed}

    def _engine_memory(self, dataset: city.Dataset, engine: Any) -> dict[str, Any]:
        """The index's own byte count (``nbytes``, documented as beyond the raw columns)
        when it has one, and in any case what tracemalloc sees retained by a second
        build (numpy reports its buffers to tracemalloc) minus the raw columns."""
        posts = max(1, len(dataset))
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        second = Index.from_arrays(*dataset.columns())
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        del second
        traced = retained / posts - RAW_BYTES_PER_POST
        nbytes = getattr(engine, "nbytes", None)
        return {
            "method": "Index.nbytes" if isinstance(nbytes, int) else "tracemalloc",
            "nbytes_per_post": nbytes / posts if isinstance(nbytes, int) else None,
            "tracemalloc_retained_bytes": retained,
            "tracemalloc_beyond_raw_bytes_per_post": traced,
            "beyond_raw_bytes_per_post": nbytes / posts if isinstance(nbytes, int) else traced,
        }

    def _search_radius(
        self,
        size: int,
        radius_m: float,
        queries: city.Queries,
        methods: dict[str, Any],
        oracle: Oracle,
    ) -> dict[str, Any]:
        """Every method answers every query in turn (the first method shifts by one
        each query); then the engine alone, warm."""
        samples: dict[str, list[int]] = {name: [] for name in methods}
        spent_ns = dict.fromkeys(methods, 0)
        budget_ns = int(self.config.baseline_budget_s * 1e9)
        names = list(methods)
        rows = list(zip(queries.lat.tolist(), queries.lon.tolist(), queries.category, strict=True))
        # The oracle answers first, so that what runs between two timed searches is the
        # other methods' searches (and a cheap comparison), not the oracle's long scans.
        answers = [
            oracle.search(lat, lon, radius_m, category, LIMIT)
            for lat, lon, category in self._bar(rows, f"{size:>9,} r={radius_m:>6g} m oracle")
        ]
        bar = self._bar(rows, f"{size:>9,} r={radius_m:>6g} m rotation")
        for number, ((lat, lon, category), expected) in enumerate(zip(bar, answers, strict=True)):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                if (
                    name != ENGINE
                    and spent_ns[name] > budget_ns
                    and len(samples[name]) >= MIN_SAMPLES
                ):
                    continue
                search = methods[name].search
                gc.disable()
                started = time.perf_counter_ns()
                got = search(lat, lon, radius_m, category=category, limit=LIMIT)
                elapsed = time.perf_counter_ns() - started
                gc.enable()
                samples[name].append(elapsed)
                spent_ns[name] += elapsed
                self._check(expected, got, name, size, lat, lon, radius_m, category)
        warm = self._warm(methods[ENGINE], rows, radius_m)
        return {
            "rotation": {name: percentiles(values) for name, values in samples.items()},
            "warm": {ENGINE: percentiles(warm)},
        }

    def _warm(
        self, engine: Any, rows: list[tuple[float, float, str | None]], radius_m: float
    ) -> list[int]:
        """The engine alone, the query list twice, timing the second pass."""
        samples = []
        gc.collect()
        gc.disable()
        try:
            for timed in (False, True):
                for lat, lon, category in rows:
                    started = time.perf_counter_ns()
                    engine.search(lat, lon, radius_m, category=category, limit=LIMIT)
                    if timed:
                        samples.append(time.perf_counter_ns() - started)
        finally:
            gc.enable()
        return samples

    def _check(
        self,
        expected: Answer,
        got: list[Any],
        name: str,
        size: int,
        lat: float,
        lon: float,
        radius_m: float,
        category: str | None,
    ) -> None:
        query = f"search({lat!r}, {lon!r}, {radius_m!r}, category={category!r}, limit={LIMIT})"
        self._verify(expected, got, f"{name} at {size:,} posts, {query}")

    def _verify(self, expected: Answer, got: list[Any], what: str) -> None:
        self.checked += 1
        try:
            check(expected, got, what)
        except Mismatch as mismatch:
            self._mismatch(str(mismatch))

    def _mismatch(self, message: str) -> None:
        print(f"\nMISMATCH against the oracle: {message}", file=sys.stderr, flush=True)
        self.mismatches.append(message)

    def _within_box(
        self, size: int, dataset: city.Dataset, engine: Any, oracle: Oracle
    ) -> dict[str, Any]:
        """Map viewports (square, side ``VIEWPORTS_M``) around query centres, limit 500."""
        result = {}
        queries = city.queries(dataset, self.config.viewports, seed=self.config.seed + 2)
        for label, side_m in VIEWPORTS_M.items():
            half_lat = side_m / 2 / city.M_PER_DEG_LAT
            half_lon = side_m / 2 / city.M_PER_DEG_LON
            samples = []
            rows = zip(queries.lat.tolist(), queries.lon.tolist(), queries.category, strict=True)
            for lat, lon, category in self._bar(
                rows, f"{size:>9,} within_box {label}", len(queries)
            ):
                box = (lat - half_lat, lon - half_lon, lat + half_lat, lon + half_lon)
                gc.disable()
                started = time.perf_counter_ns()
                got = engine.within_box(*box, category=category, limit=500)
                samples.append(time.perf_counter_ns() - started)
                gc.enable()
                self._verify(
                    oracle.within_box(*box, category, 500),
                    got,
                    f"engine at {size:,} posts, within_box{box!r}, category={category!r}",
                )
            result[label] = {"side_m": side_m, **percentiles(samples)}
        return result

    # -- churn: add and remove while searching -------------------------------------------

    def _churn(
        self, size: int, dataset: city.Dataset, engine: Any, queries: city.Queries
    ) -> dict[str, Any]:
        """``churn_share`` of the posts change (40 % new, 30 % replaced, 30 % removed),
        with a search timed after every tenth change, rotating through the radii. Done
        last on the measured index (the same as on a copy: nothing reads it afterwards);
        the final state is then checked against an oracle built from scratch."""
        config = self.config
        rng = np.random.default_rng(config.seed + 3)
        changes = max(10, int(size * config.churn_share))
        new_count, replaced_count = int(changes * 0.4), int(changes * 0.3)
        removed_count = changes - new_count - replaced_count
        fresh = city.generate(new_count + replaced_count, seed=config.seed + 4, now=config.now)
        touched = rng.choice(size, replaced_count + removed_count, replace=False)
        replaced_rows, removed_rows = touched[:replaced_count], touched[replaced_count:]
        new_ids = int(dataset.id.max()) + 1 + np.arange(new_count)
        changed_ids = np.concatenate([dataset.id[replaced_rows], new_ids])
        # Changed posts are the newest: they go to the front of every answer.
        changed_at = config.now + 1.0 + rng.permutation(len(changed_ids)).astype(np.float64)
        posts = [
            Post(int(i), la, lo, c, k, t)
            for i, la, lo, c, k, t in zip(
                changed_ids.tolist(),
                fresh.lat.tolist(),
                fresh.lon.tolist(),
                fresh.category.tolist(),
                fresh.kind.tolist(),
                changed_at.tolist(),
                strict=True,
            )
        ]
        operations: list[tuple[str, Any]] = [("add", post) for post in posts]
        operations += [("remove", int(i)) for i in dataset.id[removed_rows].tolist()]
        operations = [operations[i] for i in rng.permutation(len(operations))]

        add_ns: list[int] = []
        remove_ns: list[int] = []
        search_ns: dict[str, list[int]] = {_radius_key(r): [] for r in config.radii_m}
        rows = list(zip(queries.lat.tolist(), queries.lon.tolist(), queries.category, strict=True))
        gc.collect()
        for number, (verb, argument) in enumerate(self._bar(operations, f"{size:>9,} churn")):
            gc.disable()
            if verb == "add":
                started = time.perf_counter_ns()
                engine.add(argument)
                add_ns.append(time.perf_counter_ns() - started)
            else:
                started = time.perf_counter_ns()
                engine.remove(argument)
                remove_ns.append(time.perf_counter_ns() - started)
            if number % 10 == 9:
                radius_m = config.radii_m[(number // 10) % len(config.radii_m)]
                lat, lon, category = rows[(number // 10) % len(rows)]
                started = time.perf_counter_ns()
                engine.search(lat, lon, radius_m, category=category, limit=LIMIT)
                search_ns[_radius_key(radius_m)].append(time.perf_counter_ns() - started)
            gc.enable()

        keep = np.ones(size, dtype=bool)
        keep[touched] = False
        oracle = Oracle(
            np.concatenate([dataset.id[keep], changed_ids]),
            np.concatenate([dataset.lat[keep], fresh.lat]),
            np.concatenate([dataset.lon[keep], fresh.lon]),
            np.concatenate([dataset.category_code[keep], fresh.category_code]),
            np.concatenate([dataset.created_at[keep], changed_at]),
            city.CATEGORIES,
        )
        expected_count = size + new_count - removed_count
        if len(engine) != expected_count:
            raise AssertionError(
                f"engine holds {len(engine)} posts after churn, not {expected_count}"
            )
        for radius_m in config.radii_m:
            for lat, lon, category in rows[: config.churn_checks]:
                got = engine.search(lat, lon, radius_m, category=category, limit=LIMIT)
                self._check(
                    oracle.search(lat, lon, radius_m, category, LIMIT),
                    got,
                    f"{ENGINE} after churn",
                    size,
                    lat,
                    lon,
                    radius_m,
                    category,
                )
        return {
            "changes": changes,
            "add": percentiles(add_ns),
            "remove": percentiles(remove_ns),
            "search_during": {key: percentiles(values) for key, values in search_ns.items()},
        }

    # -- reverse matching ----------------------------------------------------------------

    def run_subscriptions(self) -> dict[str, Any]:
        """``subscriptions`` circles around homes; time ``matching`` for new posts and
        check each answer by brute force (geodesic on every circle's bounding box)."""
        config = self.config
        if config.subscriptions <= 0:
            return {}
        rng = np.random.default_rng(config.seed + 5)
        homes = city.generate(config.subscriptions, seed=config.seed + 6, now=config.now)
        radius_m = rng.choice(
            SUBSCRIPTION_RADII_M, config.subscriptions, p=SUBSCRIPTION_RADIUS_SHARES
        )
        kinds = np.array([None, "offer", "request"], dtype=object)[
            rng.choice(3, config.subscriptions, p=[0.6, 0.2, 0.2])
        ]
        wants = [
            None
            if rng.random() < 0.5
            else frozenset(
                rng.choice(city.CATEGORIES, rng.integers(1, 4), p=city.CATEGORY_SHARES).tolist()
            )
            for _ in range(config.subscriptions)
        ]
        subscriptions = Subscriptions()
        add_ns = []
        rows = zip(
            homes.id.tolist(),
            homes.lat.tolist(),
            homes.lon.tolist(),
            radius_m.tolist(),
            wants,
            kinds,
            strict=True,
        )
        for row in self._bar(rows, "subscriptions add", config.subscriptions):
            subscription = Subscription(*row)
            started = time.perf_counter_ns()
            subscriptions.add(subscription)
            add_ns.append(time.perf_counter_ns() - started)

        posts = city.generate(config.subscription_posts, seed=config.seed + 7, now=config.now)
        match_ns = []
        matches = 0
        for post in self._bar(posts.posts(), "subscriptions matching", len(posts)):
            gc.disable()
            started = time.perf_counter_ns()
            got = subscriptions.matching(post)
            match_ns.append(time.perf_counter_ns() - started)
            gc.enable()
            expected = _containing_circles(homes, radius_m, wants, kinds, post)
            self.checked += 1
            if got != expected:
                self._mismatch(
                    f"Subscriptions.matching({post!r}): {len(got)} ids, brute force "
                    f"{len(expected)}; got {got[:10]}, expected {expected[:10]}"
                )
            matches += len(got)
        return {
            "count": config.subscriptions,
            "add": percentiles(add_ns),
            "matching": percentiles(match_ns),
            "mean_matches": matches / max(1, len(posts)),
        }


def _containing_circles(
    homes: city.Dataset,
    radius_m: np.ndarray,
    wants: list[frozenset[str] | None],
    kinds: np.ndarray,
    post: Post,
) -> list[int]:
    near = np.flatnonzero(
        (np.abs(homes.lat - post.lat) * city.M_PER_DEG_LAT < radius_m * 1.1 + 10)
        & (np.abs(homes.lon - post.lon) * city.M_PER_DEG_LON < radius_m * 1.1 + 10)
    )
    inside = near[
        geodesic_m(post.lat, post.lon, homes.lat[near], homes.lon[near]) <= radius_m[near]
    ]
    return sorted(
        int(homes.id[row])
        for row in inside.tolist()
        if kinds[row] in (None, post.kind) and (wants[row] is None or post.category in wants[row])
    )


def _radius_key(radius_m: float) -> str:
    return f"{radius_m:g}"
