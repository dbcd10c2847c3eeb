"""Cache-aside with generations and XFetch, on Redis, on the local fallback cache, and with Redis down."""

from __future__ import annotations

import copy
import random
import time

import pytest
from django.core.cache import caches

from core.redis import keys
from core.redis.caching import SEARCH, bump_generation, get_generation, get_or_compute
from tests.redis_support import point_roles_at
from tools.redis_process import free_port

USER = 42


class Counter:
    """A compute function that counts how often it ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"run": self.calls}


def cached_search(compute: Counter) -> dict[str, int]:
    key = keys.search_cache_key(USER, get_generation(SEARCH, USER), keys.digest("query"))
    return get_or_compute(key, compute, timeout=300)


def exercise_generations() -> None:
    compute = Counter()
    assert cached_search(compute) == {"run": 1}
    assert cached_search(compute) == {"run": 1}  # served from the cache
    bump_generation(SEARCH, USER)
    assert cached_search(compute) == {"run": 2}  # the old entry is unreachable
    assert cached_search(compute) == {"run": 2}
    assert compute.calls == 2


def test_generation_is_seeded_from_the_clock_and_stable() -> None:
    before = int(time.time() * 1000)
    generation = get_generation(SEARCH, USER)
    assert before <= generation <= int(time.time() * 1000)
    assert get_generation(SEARCH, USER) == generation


def test_bump_invalidates_the_family() -> None:
    exercise_generations()


def test_bump_of_a_missing_counter_creates_nothing_and_the_next_seed_is_newer() -> None:
    get_generation(SEARCH, USER)
    bump_generation(SEARCH, USER)
    caches["default"].delete(keys.generation_cache_key(SEARCH, USER))  # evicted or flushed
    bump_generation(SEARCH, USER)
    assert caches["default"].get(keys.generation_cache_key(SEARCH, USER)) is None  # no INCR from 0 to 1
    reseeded_after = int(time.time() * 1000)
    assert get_generation(SEARCH, USER) >= reseeded_after  # newer than any value seeded before


def store_entry(key: str, value: str, delta: float, expires_in: float) -> None:
    """An entry as get_or_compute stores it: value, compute seconds, absolute expiry."""
    caches["default"].set(key, [value, delta, time.time() + expires_in], 300)


def test_xfetch_recomputes_early_when_expiry_is_near_relative_to_compute_time() -> None:
    random.seed(1234)
    store_entry("near", "stale", delta=100.0, expires_in=1.0)
    assert get_or_compute("near", lambda: "fresh", timeout=300) == "fresh"
    assert get_or_compute("near", lambda: "again", timeout=300) == "fresh"  # refreshed entry is far


def test_xfetch_serves_the_entry_when_expiry_is_far() -> None:
    random.seed(1234)
    store_entry("far", "cached", delta=0.01, expires_in=3600)
    assert all(get_or_compute("far", lambda: "fresh", timeout=300) == "cached" for _ in range(50))


def test_xfetch_refreshes_a_fraction_of_readers_in_between() -> None:
    # time left = delta * ln 2, so each reader recomputes with probability 1/2 (beta = 1).
    random.seed(99)
    recomputed = 0
    for _ in range(200):
        store_entry("mid", "cached", delta=60.0, expires_in=60.0 * 0.6931)
        recomputed += get_or_compute("mid", lambda: "fresh", timeout=300) == "fresh"
    assert 70 <= recomputed <= 130


def test_helpers_work_on_the_local_fallback_cache(settings) -> None:  # type: ignore[no-untyped-def]
    local = copy.deepcopy(settings.CACHES)
    local["default"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "platform-test",
        "KEY_PREFIX": settings.REDIS_KEY_PREFIX,
    }
    settings.CACHES = local
    exercise_generations()
    caches["default"].delete(keys.generation_cache_key(SEARCH, USER))
    bump_generation(SEARCH, USER)  # LocMem raises ValueError on a missing key too: tolerated


def test_helpers_compute_every_time_when_the_cache_redis_is_down(settings) -> None:  # type: ignore[no-untyped-def]
    point_roles_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    compute = Counter()
    for n in range(1, 4):
        assert cached_search(compute) == {"run": n}
    bump_generation(SEARCH, USER)  # a silent no-op, never an error page


@pytest.mark.parametrize("family", ["search", "dashboard"])
def test_families_have_independent_generations(family: str) -> None:
    other = "dashboard" if family == "search" else "search"
    mine, theirs = get_generation(family, USER), get_generation(other, USER)
    bump_generation(family, USER)
    assert get_generation(family, USER) == mine + 1
    assert get_generation(other, USER) == theirs
