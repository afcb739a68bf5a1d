"""voisinage's matching engine: nearest and newest posts, exact WGS84 geodesic distances."""

from matcher.errors import InvalidQuery
from matcher.index import Index
from matcher.post import KINDS, Kind, Match, Post
from matcher.privacy import PRECISIONS, Precision, public_point
from matcher.regions import Region
from matcher.subscriptions import Subscription, Subscriptions

__all__ = [
    "KINDS",
    "PRECISIONS",
    "Index",
    "InvalidQuery",
    "Kind",
    "Match",
    "Post",
    "Precision",
    "Region",
    "Subscription",
    "Subscriptions",
    "public_point",
]
