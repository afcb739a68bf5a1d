"""A seeded synthetic city, Grenoble-like, of any size: what the benchmarks, the tests and
the web demo all load, so that they measure and show the same thing.

The layout: a dense core, several district clusters and a uniform background over about
24 x 24 km around 45.188 N, 5.724 E; about 40 % of posts sit in buildings (a few metres
apart); 10 categories with Zipf shares; offers and requests; ``created_at`` over the
90 days before ``now``, rounded to the minute, so many posts share a time (ties).
Everything is vectorised numpy: 5 M posts take a few seconds.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matcher import Post

CENTRE_LAT, CENTRE_LON = 45.188, 5.724
HALF_EXTENT_M = 12_000.0
DAYS = 90
BUILDING_SHARE = 0.40
MEAN_POSTS_PER_BUILDING = 8.0
BUILDING_SPREAD_M = 4.0
CORE_SPREAD_M = 1_500.0
DISTRICTS = 8
OFFER_SHARE = 0.6
# Where a free-standing post (or a building) lies: core, districts, background.
PLACE_SHARES = (0.35, 0.40, 0.25)

_CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.json"
CATEGORIES: tuple[str, ...] = tuple(
    entry["slug"] for entry in json.loads(_CATEGORIES_FILE.read_text(encoding="utf-8"))[:10]
)
# Zipf with exponent 1: the first category is about 3.4x more common than the fifth.
CATEGORY_SHARES = np.array([1.0 / rank for rank in range(1, len(CATEGORIES) + 1)])
CATEGORY_SHARES /= CATEGORY_SHARES.sum()
KINDS = ("offer", "request")

# Local equirectangular metres around the centre: exact enough for *placing* points
# (the engine and the oracle measure geodesic distances on the resulting lat/lon).
M_PER_DEG_LAT = 111_132.954
M_PER_DEG_LON = 111_319.491 * math.cos(math.radians(CENTRE_LAT))


@dataclass(frozen=True)
class Dataset:
    """Columns as ``Index.from_arrays`` takes them, plus integer category codes
    (``CATEGORIES[category_code[i]] == category[i]``) for code that wants numbers.

    ``category`` and ``kind`` are object arrays of shared ``str`` (8 bytes a row)."""

    id: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    category: np.ndarray
    kind: np.ndarray
    created_at: np.ndarray
    category_code: np.ndarray
    now: float
    seed: int

    def __len__(self) -> int:
        return len(self.id)

    def columns(self) -> tuple[np.ndarray, ...]:
        """``(id, lat, lon, category, kind, created_at)``, the order ``from_arrays`` takes."""
        return self.id, self.lat, self.lon, self.category, self.kind, self.created_at

    def posts(self) -> Iterator[Post]:
        from matcher.post import Post

        for row in zip(*(column.tolist() for column in self.columns()), strict=True):
            yield Post(*row)


@dataclass(frozen=True)
class Queries:
    """Query centres and categories (``None`` for any category), aligned arrays."""

    lat: np.ndarray
    lon: np.ndarray
    category: np.ndarray

    def __len__(self) -> int:
        return len(self.lat)


def generate(n: int, seed: int = 0, now: float | None = None) -> Dataset:
    """``n`` posts, the same for the same ``(n, seed, now)``.

    ``now`` defaults to the current time floored to the minute; pass it for a dataset
    that does not depend on the clock. Ids run 1..n in ``created_at`` order, as a
    database's row ids would."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    now_s = float(math.floor((time.time() if now is None else now) / 60.0) * 60.0)
    rng = np.random.default_rng(seed)
    districts = _district_centres(rng)

    in_buildings = int(round(n * BUILDING_SHARE))
    # Geometric building sizes (mean 8): many small houses, a few blocks of 40 or more.
    sizes = rng.geometric(1.0 / MEAN_POSTS_PER_BUILDING, in_buildings)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), in_buildings)) + 1]
    which = np.repeat(np.arange(len(sizes)), sizes)[:in_buildings]
    building_xy = _places(rng, len(sizes), districts)
    xy_buildings = building_xy[which] + rng.normal(0.0, BUILDING_SPREAD_M, (in_buildings, 2))
    xy_free = _places(rng, n - in_buildings, districts)
    xy = np.concatenate([xy_buildings, xy_free])
    np.clip(xy, -HALF_EXTENT_M, HALF_EXTENT_M, out=xy)

    minutes = rng.integers(0, DAYS * 24 * 60, n)
    order = np.argsort(-minutes, kind="stable")  # oldest first: ids grow with time
    xy = xy[order]
    created_at = now_s - minutes[order] * 60.0

    category_code = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARES).astype(np.int8)
    kind_code = (rng.random(n) >= OFFER_SHARE).astype(np.int8)
    return Dataset(
        id=np.arange(1, n + 1, dtype=np.int64),
        lat=CENTRE_LAT + xy[:, 1] / M_PER_DEG_LAT,
        lon=CENTRE_LON + xy[:, 0] / M_PER_DEG_LON,
        category=np.array(CATEGORIES, dtype=object)[category_code],
        kind=np.array(KINDS, dtype=object)[kind_code],
        created_at=created_at,
        category_code=category_code,
        now=now_s,
        seed=seed,
    )


def queries(dataset: Dataset, n: int, seed: int = 1, *, any_share: float = 0.2) -> Queries:
    """``n`` query centres: posts' positions with ~30 m of jitter (people search from
    where people live), a category with the posts' skew, or ``None`` for ``any_share``."""
    if len(dataset) == 0:
        raise ValueError("queries need a non-empty dataset")
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(dataset), n)
    jitter = rng.normal(0.0, 30.0, (n, 2))
    category = np.array(CATEGORIES, dtype=object)[
        rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARES)
    ]
    category[rng.random(n) < any_share] = None
    return Queries(
        lat=dataset.lat[rows] + jitter[:, 1] / M_PER_DEG_LAT,
        lon=dataset.lon[rows] + jitter[:, 0] / M_PER_DEG_LON,
        category=category,
    )


def write_csv(dataset: Dataset, path: str | Path) -> None:
    """One header line then one post a line: id, lat, lon, category, kind, created_at."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "lat", "lon", "category", "kind", "created_at"])
        writer.writerows(zip(*(column.tolist() for column in dataset.columns()), strict=True))


def _district_centres(rng: np.random.Generator) -> np.ndarray:
    """Centres (metres) and spreads of the district clusters, 2 to 9 km from the core."""
    angle = rng.uniform(0.0, 2 * math.pi, DISTRICTS)
    distance = rng.uniform(2_000.0, 9_000.0, DISTRICTS)
    spread = rng.uniform(300.0, 800.0, DISTRICTS)
    return np.column_stack([distance * np.cos(angle), distance * np.sin(angle), spread])


def _places(rng: np.random.Generator, n: int, districts: np.ndarray) -> np.ndarray:
    """``n`` points (x east, y north, metres): core, district clusters or background."""
    place = rng.choice(3, size=n, p=PLACE_SHARES)
    xy = rng.uniform(-HALF_EXTENT_M, HALF_EXTENT_M, (n, 2))  # background
    core = place == 0
    xy[core] = rng.normal(0.0, CORE_SPREAD_M, (int(core.sum()), 2))
    district_rows = np.flatnonzero(place == 1)
    chosen = districts[rng.integers(0, len(districts), len(district_rows))]
    xy[district_rows] = (
        chosen[:, :2] + rng.normal(0.0, 1.0, (len(district_rows), 2)) * chosen[:, 2:]
    )
    return xy
