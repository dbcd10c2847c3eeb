"""Cache-aside under a per-user generation, with the hit path in ONE Redis round trip.

``core.redis.caching`` reads a generation counter, then the entry keyed by it: two round trips on
every hit. For hot, per-keystroke reads (search as you type) this module does both in one EVALSHA
(``lua/generational_get.lua``): the script reads the counter (seeding it from the clock when missing,
as ``caching.get_generation`` does), builds the entry's key from it and returns both. The counter is
the very key ``caching.bump_generation`` increments, so the usual invalidation applies unchanged.

Entries are written through Django's cache API (``caches['default']``), so the script reads exactly
what django-redis wrote and decodes it with the same serializer. Outages fail soft: any Redis error
(including the circuit breaker refusing a connection at once) means a fresh compute and no write.
When the cache role is not Redis (``REDIS_CACHE_ENABLED`` off) the same contract runs on the local
cache with ``caching.get_generation``.

Key functions passed here must put the user's hash tag (``{u:<uid>}``) in both keys, so the pair
lives in one Cluster slot (see the script's header for why the entry key is not declared in KEYS).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from redis.exceptions import RedisError

from core.redis import caching, keys, ttl
from core.redis.client import cache_for, get_client, is_redis_backed
from core.redis.scripts import LuaScript

logger = logging.getLogger("core.redis")

T = TypeVar("T")
KeyFor = Callable[[int | str], str]

GENERATIONAL_GET = LuaScript("generational_get")
# Stands in for the generation while splitting an entry key around it; no key function emits it.
_PLACEHOLDER = "\x00"
_MISSING = object()


@dataclass(frozen=True)
class Cached(Generic[T]):
    """A value and whether it came from the cache (``hit``) or was computed just now."""

    value: T
    hit: bool


def get_or_compute(
    family: str, user_id: int, key_for: KeyFor, compute: Callable[[], T], timeout: int
) -> Cached[T]:
    """The entry ``key_for(<current generation of family for user_id>)``, or ``compute()`` stored there.

    ``key_for`` builds a Django cache key (no prefix) from a generation; it must embed the
    generation as given and carry the user's hash tag. ``compute`` must return a value the cache
    serializer accepts (plain dicts, lists, numbers, strings, datetimes) and never ``None``.
    """
    if not is_redis_backed("cache"):
        return _local(family, user_id, key_for, compute, timeout)
    cache = cache_for("cache")
    head, _, tail = cache.make_key(key_for(_PLACEHOLDER)).partition(_PLACEHOLDER)
    counter = cache.make_key(keys.generation_cache_key(family, user_id))
    seed = int(time.time() * 1000)
    try:
        generation, raw = GENERATIONAL_GET(get_client("cache"), [counter], [head, tail, seed, ttl.GENERATION])
    except RedisError as error:
        logger.info("generational read of %s for user %s skipped Redis: %s", family, user_id, error)
        return Cached(compute(), hit=False)
    if raw is not None:
        try:
            return Cached(cache.client.decode(raw), hit=True)  # type: ignore[attr-defined]
        except Exception:
            # Unreadable (e.g. written by an older serializer): recompute and overwrite it.
            logger.warning("unreadable cache entry %s%s%s", head, int(generation), tail)
    value = compute()
    cache.set(key_for(int(generation)), value, timeout)
    return Cached(value, hit=False)


def _local(family: str, user_id: int, key_for: KeyFor, compute: Callable[[], T], timeout: int) -> Cached[T]:
    cache = cache_for("cache")
    key = key_for(caching.get_generation(family, user_id))
    value: Any = cache.get(key, _MISSING)
    if value is not _MISSING:
        return Cached(value, hit=True)
    value = compute()
    cache.set(key, value, timeout)
    return Cached(value, hit=False)
