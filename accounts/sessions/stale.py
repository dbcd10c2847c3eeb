"""Session copies in Redis that may be older than the database row, until Redis answers again.

When a session is saved or deleted while the state Redis is unreachable, only the database sees the
change. If that Redis then comes back *with* its data (AOF or RDB reload, a promoted replica), its
old copy would be served again: a session revoked during the outage (logout, "sign out everywhere",
password change) would be valid once more, and a changed user snapshot (a demoted admin) would be
undone. So each missed write is remembered here: those keys are read from the database, and their
Redis copies are deleted by the first session operation that finds Redis answering.

The memory is per process: another app process could serve such a copy until this one next touches
a session (normally within its next request). The bound keeps a very long outage from growing the
set without limit; past it, new misses are only logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.core.cache.backends.base import BaseCache

logger = logging.getLogger("django.contrib.sessions")

LIMIT = 100_000
DELETE_BATCH = 1_000


class StaleCopies:
    """Cache keys of sessions whose Redis copy may be out of date. Thread-safe."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._lock = threading.Lock()

    def add(self, cache_key: str) -> None:
        with self._lock:
            if len(self._keys) >= LIMIT:
                # Never the key itself: a session key in a log line is a usable cookie.
                logger.error("too many session writes missed by Redis; one more session may come back stale")
                return
            self._keys.add(cache_key)

    def __contains__(self, cache_key: str) -> bool:
        return cache_key in self._keys

    def settle(self, cache: BaseCache) -> None:
        """Delete the remembered copies from Redis if it answers; keep them for later if not."""
        if not self._keys:
            return  # the normal case, on every session operation: no lock, no round trip
        with self._lock:
            pending = list(self._keys)
        for batch in _batches(pending):
            try:
                cache.delete_many(batch)
            except Exception:
                return  # still unreachable: try again on the next session operation
            with self._lock:
                self._keys.difference_update(batch)
        logger.warning("deleted %d session copies that Redis missed updates to", len(pending))


def _batches(keys: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(keys), DELETE_BATCH):
        yield keys[start : start + DELETE_BATCH]


stale_copies = StaleCopies()
