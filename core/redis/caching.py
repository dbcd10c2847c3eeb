"""Cache-aside reads with generation-based invalidation and stampede protection.

- Generations: a family of cached values for one user (search results, dashboards) embeds a counter
  in its keys. Invalidating the whole family is one INCR of the counter; the old entries are never
  read again and expire by TTL. A missing counter is seeded from the clock (milliseconds), so a
  counter lost to eviction or a flush can never come back to a value older entries still carry.
- XFetch (Vattani et al., VLDB 2015): each entry stores how long it took to compute; readers
  recompute a little before expiry with a probability that grows as expiry nears, so one caller
  refreshes a hot key while the others keep being served.

Everything goes through Django's cache API on the ``default`` alias, so it degrades to a miss (and a
database read) when Redis is down, and works unchanged with the local fallback cache.
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches

from core.redis import keys, ttl

T = TypeVar("T")
XFETCH_BETA = 1.0

# Generation families: pass these names to get_generation/bump_generation so that the maintenance
# commands (``manage.py cache_invalidate``) bump the counters the apps actually read.
SEARCH = "search"  # a user's cached search results
DASHBOARD = "dashboard"  # a user's cached dashboard aggregates
GENERATION_FAMILIES = (SEARCH, DASHBOARD)


def _cache():  # type: ignore[no-untyped-def]
    return caches["default"]


def get_generation(family: str, user_id: int) -> int:
    """Current generation of ``family`` for ``user_id`` (seeded from the clock when missing)."""
    key = keys.generation_cache_key(family, user_id)
    generation = _cache().get(key)
    if generation is None:
        _cache().add(key, int(time.time() * 1000), ttl.GENERATION)
        generation = _cache().get(key) or int(time.time() * 1000)
    return int(generation)


def bump_generation(family: str, user_id: int) -> None:
    """Invalidate every cached value of ``family`` for ``user_id`` (one INCR)."""
    # No counter yet (ValueError): the next read seeds a fresh one, newer than any old entry.
    with contextlib.suppress(ValueError):
        _cache().incr(keys.generation_cache_key(family, user_id))


def get_or_compute(key: str, compute: Callable[[], T], timeout: int, *, beta: float = XFETCH_BETA) -> T:
    """Return the cached value of ``key`` or compute, store and return it (XFetch early refresh)."""
    entry = _cache().get(key)
    now = time.time()
    if entry is not None:
        value, delta, expires_at = entry
        if now - delta * beta * math.log(1.0 - random.random()) < expires_at:
            return value  # type: ignore[no-any-return]
    started = time.perf_counter()
    value = compute()
    delta = time.perf_counter() - started
    _cache().set(key, [value, delta, now + timeout], timeout)
    return value
