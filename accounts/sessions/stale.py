"""Session copies in Redis that may be older than the database row, shared by every app process.

When a session is saved or deleted while the state Redis does not take writes (unreachable, paused,
out of memory), only the database sees the change. If that Redis then serves its old copy again (a
pause ends, an AOF or RDB reload, a promoted replica), a session revoked during the outage (logout,
"sign out everywhere", password change) would be valid once more, and a changed user snapshot (a
demoted admin) would be undone. So each missed write is recorded, in this process and in the
database (``accounts.StaleSessionCopy``): those keys are read from the database, and their Redis
copies are deleted by the first session operation, in any process, that finds Redis answering.

Every process keeps its own copy of the table and reads it again at most every
``SESSION_REVOCATIONS_REFRESH_SECONDS`` (one indexed query on a table that is empty outside
outages), during a session operation. Another process therefore stops serving a copy within that
interval of the miss, even while Redis still answers its reads (``CLIENT PAUSE WRITE``, a read-only
replica). The bound keeps a very long outage from growing the set without limit; past it, new misses
are only logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.db import DatabaseError

logger = logging.getLogger("django.contrib.sessions")

LIMIT = 100_000
DELETE_BATCH = 1_000


class RefreshInterval:
    """Says "due" at most once per ``SESSION_REVOCATIONS_REFRESH_SECONDS`` (thread-safe)."""

    def __init__(self) -> None:
        self._last = float("-inf")
        self._lock = threading.Lock()

    def due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last < settings.SESSION_REVOCATIONS_REFRESH_SECONDS:
                return False
            self._last = now
            return True


class StaleCopies:
    """Cache keys of sessions whose Redis copy may be out of date. Thread-safe."""

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._lock = threading.Lock()
        self._refresh = RefreshInterval()

    def add(self, cache_key: str) -> None:
        from accounts.models import StaleSessionCopy

        with self._lock:
            if len(self._keys) >= LIMIT:
                # Never the key itself: a session key in a log line is a usable cookie.
                logger.error("too many session writes missed by Redis; one more session may come back stale")
                return
            self._keys.add(cache_key)
        try:
            StaleSessionCopy.objects.bulk_create(
                [StaleSessionCopy(cache_key=cache_key)], ignore_conflicts=True
            )
        except DatabaseError:
            logger.exception("could not share a stale session copy; only this process avoids it")

    def __contains__(self, cache_key: str) -> bool:
        return cache_key in self._keys

    def refresh(self) -> None:
        """Learn the copies other processes recorded (when the interval is due)."""
        from accounts.models import StaleSessionCopy

        if not self._refresh.due():
            return
        try:
            shared = list(StaleSessionCopy.objects.values_list("cache_key", flat=True)[:LIMIT])
        except DatabaseError:
            logger.warning("could not read the shared stale session copies")
            return
        if shared:
            with self._lock:
                self._keys.update(shared[: max(0, LIMIT - len(self._keys))])

    def settle(self, cache: BaseCache) -> None:
        """Delete the remembered copies from Redis if it answers; keep them for later if not."""
        from accounts.models import StaleSessionCopy

        self.refresh()
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
            try:
                StaleSessionCopy.objects.filter(cache_key__in=batch).delete()
            except DatabaseError:
                logger.warning("could not clear settled stale session copies; they are settled again")
        logger.warning("deleted %d session copies that Redis missed updates to", len(pending))


def _batches(keys: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(keys), DELETE_BATCH):
        yield keys[start : start + DELETE_BATCH]


stale_copies = StaleCopies()
