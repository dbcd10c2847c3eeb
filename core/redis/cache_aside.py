"""The one cache-aside read: a family's generation, its entry and, on a miss, a single-flight lock,
in one Redis round trip (``lua/cache_aside_get.lua``).

- Generations: every entry of a family embeds the family's counter (per user, or global), so
  invalidating the whole family is one INCR; old entries are never read again and expire by TTL. A
  missing counter is seeded from the clock (milliseconds), so a counter lost to eviction or a flush
  can never come back to a value older entries still carry.
- Stampede protection: a caller that misses takes the entry's fill lock in the same script. Only the
  lock holder computes; the others poll for the entry for up to ``FILL_WAIT_SECONDS`` and compute
  themselves only if it never comes (the holder died or is slower than that). Two concurrent cold
  requests therefore compute once.
- Outages fail soft: any ``RedisUnavailable`` (breaker refusal included) means a fresh compute and
  no write. When the cache role is not Redis (``REDIS_CACHE_ENABLED`` off) the same contract runs
  on the local cache, without the lock (one process, nothing to share).
- A bump that cannot reach Redis is remembered in this process and replayed as soon as Redis
  answers again (``PendingBumps``), so a write made during an outage still invalidates what was
  cached before it.

Entries are written through django-redis's own encoder, so the script returns exactly what Django's
cache API would decode.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from core.redis import keys, ttl
from core.redis.client import cache_for, get_client, is_redis_backed
from core.redis.errors import RedisUnavailable
from core.redis.scripts import LuaScript, run_batch

logger = logging.getLogger("core.redis")

T = TypeVar("T")

CACHE_ASIDE_GET = LuaScript("cache_aside_get")
INCR_EXISTING = LuaScript("incr_existing")
FILL_WAIT_SECONDS = 2.0  # how long a caller waits for another caller's computation
FILL_POLL_SECONDS = 0.02
# Stands in for the generation while splitting an entry key around it; no key part contains it.
_PLACEHOLDER = "\x00"
_MISSING = object()


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A value and whether it came from the cache (``hit``) or was computed by this call."""

    value: T
    hit: bool


def _now_ms() -> int:
    return int(time.time() * 1000)


class PendingBumps:
    """Generation bumps that could not reach Redis, replayed by a background thread until they do."""

    RETRY_SECONDS = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: set[tuple[str, int | None]] = set()
        self._thread: threading.Thread | None = None

    def add(self, family: str, user_id: int | None) -> None:
        with self._lock:
            self._pending.add((family, user_id))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._retry, name="cache-bumps", daemon=True)
                self._thread.start()

    def __len__(self) -> int:
        return len(self._pending)

    def replay(self) -> bool:
        """Apply what is pending; True when nothing is left."""
        with self._lock:
            pending = list(self._pending)
        for family, user_id in pending:
            try:
                _incr(family, user_id)
            except RedisUnavailable:
                return False
            with self._lock:
                self._pending.discard((family, user_id))
        return True

    def _retry(self) -> None:
        while not self.replay():
            time.sleep(self.RETRY_SECONDS)
        with self._lock:
            self._thread = None


pending_bumps = PendingBumps()


def _incr(family: str, user_id: int | None) -> None:
    counter = cache_for("cache").make_key(keys.generation_cache_key(family, user_id))
    INCR_EXISTING(get_client("cache"), [counter])


def bump(family: str, user_id: int | None) -> None:
    """Invalidate every cached value of ``family`` (for ``user_id``, or globally): one INCR."""
    if not is_redis_backed("cache"):
        cache = cache_for("cache")
        key = keys.generation_cache_key(family, user_id)
        cache.set(key, max(int(cache.get(key) or 0) + 1, _now_ms()), ttl.GENERATION)
        return
    try:
        _incr(family, user_id)
    except RedisUnavailable as error:
        logger.warning("generation bump of %s (user %s) deferred: %s", family, user_id, error)
        pending_bumps.add(family, user_id)


def bump_many(family: str, user_ids: Iterable[int]) -> None:
    """``bump`` for each of ``user_ids`` (a per-user family), all in one round trip."""
    owners = sorted(set(user_ids))
    if not owners:
        return
    if not is_redis_backed("cache"):
        for user_id in owners:
            bump(family, user_id)
        return
    cache = cache_for("cache")
    calls: list[tuple[LuaScript, Sequence[str], Sequence[Any]]] = [
        (INCR_EXISTING, [cache.make_key(keys.generation_cache_key(family, uid))], []) for uid in owners
    ]
    try:
        replies: list[Any] = run_batch(get_client("cache"), calls)
    except RedisUnavailable as error:
        logger.warning("generation bumps of %s (%d users) deferred: %s", family, len(owners), error)
        replies = [error] * len(owners)
    for user_id, reply in zip(owners, replies, strict=True):
        if isinstance(reply, Exception):
            pending_bumps.add(family, user_id)


def generation(family: str, user_id: int | None) -> int:
    """The current generation of ``family`` (seeded from the clock when missing)."""
    cache = cache_for("cache")
    key = keys.generation_cache_key(family, user_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, _now_ms(), ttl.GENERATION)
        value = cache.get(key) or _now_ms()
    return int(value)


def get_or_compute(
    family: str,
    user_id: int | None,
    parts: Sequence[str],
    compute: Callable[[], T],
    timeout: int,
) -> Cached[T]:
    """The entry ``parts`` of ``family`` at its current generation, or ``compute()`` stored there.

    ``compute`` must return a value the cache serializer accepts and never ``None``.
    """
    if not is_redis_backed("cache"):
        return _local(family, user_id, parts, compute, timeout)
    if len(pending_bumps) and not pending_bumps.replay():
        return Cached(compute(), hit=False)  # Redis still away: its entries may predate a write
    cache = cache_for("cache")
    head, _, tail = cache.make_key(
        keys.family_entry_cache_key(family, user_id, _PLACEHOLDER, parts)
    ).partition(_PLACEHOLDER)
    counter = cache.make_key(keys.generation_cache_key(family, user_id))
    client = get_client("cache")
    try:
        generation_value, raw, locked = CACHE_ASIDE_GET(
            client, [counter], [head, tail, _now_ms(), ttl.GENERATION, ttl.CACHE_FILL_LOCK * 1000]
        )
    except RedisUnavailable as error:
        logger.info("cache read of %s (user %s) skipped Redis: %s", family, user_id, error)
        return Cached(compute(), hit=False)
    entry_key = f"{head}{int(generation_value)}{tail}"
    if raw:
        decoded = _decode(cache, raw, entry_key)
        if decoded is not _MISSING:
            return Cached(decoded, hit=True)
    elif not locked:
        waited = _wait_for_fill(cache, client, entry_key)
        if waited is not _MISSING:
            return Cached(waited, hit=True)
    value = compute()
    try:
        pipe = client.pipeline(transaction=False)
        pipe.set(entry_key, cache.client.encode(value), ex=timeout)  # type: ignore[attr-defined]
        pipe.delete(f"{entry_key}:lock")
        pipe.execute()
    except RedisUnavailable as error:
        logger.info("cache write of %s (user %s) skipped: %s", family, user_id, error)
    return Cached(value, hit=False)


def _decode(cache: Any, raw: bytes, entry_key: str) -> Any:
    try:
        return cache.client.decode(raw)
    except Exception:
        # Unreadable (an older serializer, a forged value): a miss, recomputed and overwritten.
        logger.warning("unreadable cache entry %s", entry_key)
        return _MISSING


def _wait_for_fill(cache: Any, client: Any, entry_key: str) -> Any:
    """Another caller holds the fill lock: poll for its entry, or give up after the wait."""
    deadline = time.monotonic() + FILL_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(FILL_POLL_SECONDS)
        try:
            raw = client.get(entry_key)
        except RedisUnavailable:
            return _MISSING
        if raw is not None:
            return _decode(cache, raw, entry_key)
    return _MISSING


def _local(
    family: str, user_id: int | None, parts: Sequence[str], compute: Callable[[], T], timeout: int
) -> Cached[T]:
    cache = cache_for("cache")
    key = keys.family_entry_cache_key(family, user_id, generation(family, user_id), parts)
    value: Any = cache.get(key, _MISSING)
    if value is not _MISSING:
        return Cached(value, hit=True)
    value = compute()
    cache.set(key, value, timeout)
    return Cached(value, hit=False)
