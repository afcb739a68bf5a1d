"""A city's public posts as GeoJSON features, serialised once per post and kept beside
its index, so that ``/match`` assembles its answer from bytes instead of reading and
formatting its rows on every request.

A fragment is a post's feature (``web.http.answers.feature``: public point and public
fields only, never anything of an exact home point) without its two closing braces, so
that a request adds its own ``distance_m``, the last member of ``properties``.

The city's posts at build time sit in one ``bytes`` with their ends in a numpy array:
built before a fork (``--preload``), they are shared by the workers, since serving a
fragment touches no per-post Python object. A post the change log names afterwards
(edited, hidden, deleted, expired, its poster renamed) is forgotten by the index's
catch-up, in every worker at its next request, and read again from the store when a
search next finds it; the fragments read so are kept in a dict."""

import threading
import time
from collections.abc import Sequence
from typing import Final

import numpy as np
import orjson

from matcher import Match
from web.http.answers import feature, rounded_distance_m
from web.store import Store
from web.store.rows import PublicPost

_CLOSING: Final = b"}}"
_READ_PAGE: Final = 20_000  # posts read from the store at a time while building
Fragment = tuple[bytes, bool]  # the open feature, and whether its category is remote help


def _fragment(row: PublicPost, remote: frozenset[str]) -> Fragment:
    return orjson.dumps(feature(row, remote))[: -len(_CLOSING)], row["category"] in remote


class Fragments:
    """The fragments of one city's posts; thread-safe."""

    def __init__(self, store: Store, city_id: int, remote: frozenset[str], now: float) -> None:
        self._city_id = city_id
        self._remote = remote
        ids: list[int] = []
        ends: list[int] = []
        remote_flags: list[bool] = []
        blob = bytearray()  # grown in place: no list of a million bytes beside it
        after = 0
        while rows := store.public_posts_after(city_id, after, _READ_PAGE, now):
            for row in rows:
                text, is_remote = _fragment(row, remote)
                blob += text
                ids.append(row["id"])
                ends.append(len(blob))
                remote_flags.append(is_remote)
            after = rows[-1]["id"]
        self._ids = np.array(ids, dtype=np.int64)
        self._ends = np.array(ends, dtype=np.int64)
        self._starts = np.concatenate(([0], self._ends))[:-1].astype(np.int64)
        self._is_remote = np.array(remote_flags, dtype=np.bool_)
        self._blob = bytes(blob)
        self._lock = threading.Lock()
        # since the build: a post's fresh fragment, or None when it must be read again
        self._changed: dict[int, Fragment | None] = {}
        self._generation = 0  # forgets so far: a read that overlapped one is not kept

    def forget(self, post_id: int) -> None:
        """The post changed (the change log says so): read it again when next found."""
        with self._lock:
            self._changed[post_id] = None
            self._generation += 1

    def features(self, store: Store, matches: Sequence[Match]) -> list[bytes]:
        """The features of those ``matches`` still public, in their order, each with its
        rounded ``distance_m`` unless it is remote help."""
        # The store is the truth: a post expired behind the index's back is not shown.
        visible = store.visible_ids(self._city_id, [m.id for m in matches], time.time())
        matches = [m for m in matches if m.id in visible]
        found: dict[int, Fragment] = {}
        missing: list[int] = []
        with self._lock:
            generation = self._generation
            wanted = np.array([m.id for m in matches], dtype=np.int64)
            at = np.searchsorted(self._ids, wanted)
            for post_id, i in zip(wanted.tolist(), at.tolist(), strict=True):
                if post_id in self._changed:
                    fresh = self._changed[post_id]
                    if fresh is None:
                        missing.append(post_id)
                    else:
                        found[post_id] = fresh
                elif i < len(self._ids) and self._ids[i] == post_id:
                    text = self._blob[self._starts[i] : self._ends[i]]
                    found[post_id] = text, bool(self._is_remote[i])
                else:
                    missing.append(post_id)
        if missing:
            rows = store.visible_posts(self._city_id, missing, time.time())
            read = {post_id: _fragment(row, self._remote) for post_id, row in rows.items()}
            with self._lock:
                if generation == self._generation:
                    self._changed.update(read)
            found.update(read)
        return [_closed(found[m.id], m.distance_m) for m in matches if m.id in found]


def _closed(fragment: Fragment, distance_m: float) -> bytes:
    text, is_remote = fragment
    if is_remote:  # found city-wide: distance does not apply
        return text + _CLOSING
    return b'%b,"distance_m":%d%b' % (text, rounded_distance_m(distance_m), _CLOSING)
