"""The records the engine takes in and gives back."""

from dataclasses import dataclass
from typing import Literal, NamedTuple

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


class Match(NamedTuple):
    """One search result: the post id, its WGS84 geodesic distance, its time. A named
    tuple rather than a frozen dataclass: a search makes twenty of them, and a tuple is
    made in half the time."""

    id: int
    distance_m: float
    created_at: float
