"""The records the engine takes in and gives back."""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["offer", "request"]
KINDS: tuple[Kind, ...] = ("offer", "request")


@dataclass(frozen=True, slots=True)
class Post:
    """A post as the engine sees it: a public point, a category, a kind and a time.

    ``lat``/``lon`` are the *public* point (see ``matcher.privacy``), never a home."""

    id: int
    lat: float
    lon: float
    category: str
    kind: Kind
    created_at: float


@dataclass(frozen=True, slots=True)
class Match:
    """One search result: the post id, its WGS84 geodesic distance, its time."""

    id: int
    distance_m: float
    created_at: float
