"""Checks shared by every public entry point: each returns the clean value or raises
InvalidQuery naming the parameter and the domain it must be in."""

import math
from collections.abc import Collection
from numbers import Real

from matcher.errors import InvalidQuery
from matcher.post import KINDS, Kind

MAX_RADIUS_M = 50_000.0
MAX_LIMIT = 1000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def number(value: object, name: str) -> float:
    """A finite real number (bool is refused: ``True`` is no coordinate)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InvalidQuery(f"{name} must be a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise InvalidQuery(f"{name} must be finite, got {value!r}")
    return result


def latitude(value: object, name: str = "lat") -> float:
    result = number(value, name)
    if not -90.0 <= result <= 90.0:
        raise InvalidQuery(f"{name} must be in [-90, 90], got {value!r}")
    return result


def longitude(value: object, name: str = "lon") -> float:
    result = number(value, name)
    if not -180.0 <= result <= 180.0:
        raise InvalidQuery(f"{name} must be in [-180, 180], got {value!r}")
    return result


def radius(value: object, name: str = "radius_m") -> float:
    result = number(value, name)
    if not 0.0 < result <= MAX_RADIUS_M:
        raise InvalidQuery(f"{name} must be in (0, {MAX_RADIUS_M:.0f}], got {value!r}")
    return result


def limit(value: object, maximum: int = MAX_LIMIT, name: str = "limit") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidQuery(f"{name} must be an integer in 1..{maximum}, got {value!r}")
    return value


def post_id(value: object, name: str = "id") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not INT64_MIN <= value <= INT64_MAX:
        raise InvalidQuery(f"{name} must be a signed 64-bit integer, got {value!r}")
    return value


def kind(value: object, name: str = "kind") -> Kind | None:
    if value is None:
        return None
    if value not in KINDS:
        raise InvalidQuery(f"{name} must be one of {', '.join(KINDS)} or None, got {value!r}")
    return value  # narrowed to Kind by the membership test


def category(value: object, name: str = "category") -> str:
    if not isinstance(value, str) or not value:
        raise InvalidQuery(f"{name} must be a non-empty string, got {value!r}")
    return value


def categories(value: object, name: str = "category") -> frozenset[str] | None:
    """None (any), one category, or a collection of them."""
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset([category(value, name)])
    if not isinstance(value, Collection):
        raise InvalidQuery(
            f"{name} must be a string, a collection of strings or None, got {value!r}"
        )
    return frozenset(category(item, name) for item in value)


def before(value: object, name: str = "before") -> tuple[float, int] | None:
    """The keyset ``(created_at, id)`` of the last match of the previous page."""
    if value is None:
        return None
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise InvalidQuery(f"{name} must be a (created_at, id) pair or None, got {value!r}")
    return number(value[0], f"{name}[0]"), post_id(value[1], f"{name}[1]")
