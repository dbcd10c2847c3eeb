"""The one cache-aside read (core.redis.cache_aside) through a registered family: generations, one
round trip on a hit, single-flight fills, the local fallback, outages and replayed bumps."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches

from core.redis import cache_aside, keys
from core.redis.breaker import reset_all_breakers
from core.redis.client import get_client
from core.redis.families import GLOBAL, CacheFamily, register, unregister
from tests.redis_support import point_roles_at
from tools.redis_process import RedisProcess, free_port

USER = 42


class Counter:
    """A compute function that counts how often it ran (optionally slowly, to overlap callers)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self) -> dict[str, int]:
        with self._lock:
            self.calls += 1
            run = self.calls
        time.sleep(self.delay)
        return {"run": run}


@pytest.fixture
def family() -> Iterator[CacheFamily]:
    declared = register(CacheFamily(name="tfam", ttl=300, invalidated_by=("test",)))
    yield declared
    unregister(declared.name)


def read(family: CacheFamily, compute: Counter, *parts: str, user_id: int | None = USER) -> Any:
    return family.get_or_compute(compute, *parts, user_id=user_id)


def exercise_generations(family: CacheFamily) -> None:
    compute = Counter()
    assert read(family, compute, "q").value == {"run": 1}
    hit = read(family, compute, "q")
    assert hit.value == {"run": 1} and hit.hit
    family.invalidate(USER)
    assert read(family, compute, "q").value == {"run": 2}  # the old entry is unreachable
    assert read(family, compute, "q").value == {"run": 2}
    assert compute.calls == 2


def test_generation_is_seeded_from_the_clock_and_stable(family: CacheFamily) -> None:
    before = int(time.time() * 1000)
    generation = family.generation(USER)
    assert before <= generation <= int(time.time() * 1000)
    assert family.generation(USER) == generation


def test_invalidate_makes_the_family_unreachable(family: CacheFamily) -> None:
    exercise_generations(family)


def test_a_hit_is_one_round_trip(family: CacheFamily, round_trips: Any) -> None:
    read(family, Counter(), "q")
    with round_trips() as sent:
        assert read(family, Counter(), "q").hit
    assert len(sent) == 1


def test_bump_of_a_missing_counter_creates_nothing_and_the_next_seed_is_newer(family: CacheFamily) -> None:
    family.generation(USER)
    caches["default"].delete(keys.generation_cache_key(family.name, USER))  # evicted or flushed
    family.invalidate(USER)
    assert caches["default"].get(keys.generation_cache_key(family.name, USER)) is None  # no INCR to 1
    reseeded_after = int(time.time() * 1000)
    assert family.generation(USER) >= reseeded_after


def test_users_and_parts_are_separate_entries(family: CacheFamily) -> None:
    compute = Counter()
    read(family, compute, "a")
    read(family, compute, "b")
    read(family, compute, "a", user_id=USER + 1)
    assert compute.calls == 3
    family.invalidate(USER + 1)
    assert read(family, compute, "a").hit  # another user's invalidation leaves mine alone


def test_user_input_never_enters_a_key_raw() -> None:
    key = keys.family_entry_cache_key("search", 1, 5, ["today", "a query with spaces {u:2}"])
    assert key.startswith("search:{u:1}:g5:today:") and " " not in key and "{u:2}" not in key


def test_a_global_family_is_shared_by_everyone() -> None:
    popular = register(CacheFamily(name="tglobal", ttl=300, scope=GLOBAL))
    try:
        compute = Counter()
        assert read(popular, compute, "top", user_id=None).value == {"run": 1}
        assert read(popular, compute, "top", user_id=None).hit
        popular.invalidate()
        assert read(popular, compute, "top", user_id=None).value == {"run": 2}
        with pytest.raises(ValueError, match="global"):
            popular.invalidate(USER)
    finally:
        unregister(popular.name)


def test_two_concurrent_cold_reads_compute_once(family: CacheFamily) -> None:
    compute = Counter(delay=0.3)
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def cold_read() -> None:
        barrier.wait()
        results.append(read(family, compute, "cold").value)

    threads = [threading.Thread(target=cold_read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert compute.calls == 1
    assert results == [{"run": 1}, {"run": 1}]


def test_a_waiter_computes_itself_when_the_lock_holder_never_fills(
    family: CacheFamily, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_aside, "FILL_WAIT_SECONDS", 0.1)
    generation = family.generation(USER)
    entry = caches["default"].make_key(keys.family_entry_cache_key(family.name, USER, generation, ["x"]))
    get_client("cache").set(f"{entry}:lock", "1", px=5000)  # a holder that died mid-compute
    compute = Counter()
    assert read(family, compute, "x").value == {"run": 1}
    assert read(family, compute, "x").hit  # and its value was stored


def test_an_unreadable_entry_is_a_miss_and_is_overwritten(family: CacheFamily) -> None:
    generation = family.generation(USER)
    entry = caches["default"].make_key(keys.family_entry_cache_key(family.name, USER, generation, ["x"]))
    get_client("cache").set(entry, b"\xc1 not a serialized value")
    compute = Counter()
    assert read(family, compute, "x").value == {"run": 1}
    assert read(family, compute, "x").hit


def test_the_local_fallback_cache_keeps_the_contract(settings: Any, family: CacheFamily) -> None:
    local = copy.deepcopy(settings.CACHES)
    local["default"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "platform-test",
        "KEY_PREFIX": settings.REDIS_KEY_PREFIX,
    }
    settings.CACHES = local
    exercise_generations(family)


def test_reads_compute_every_time_when_the_cache_redis_is_down(settings: Any, family: CacheFamily) -> None:
    point_roles_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    compute = Counter()
    for n in range(1, 4):
        assert read(family, compute, "q").value == {"run": n}


def test_a_bump_made_during_an_outage_is_applied_when_redis_returns(
    settings: Any, family: CacheFamily, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_aside.PendingBumps, "RETRY_SECONDS", 0.05)
    server = RedisProcess(data_dir=tmp_path / "redis").start()
    try:
        point_roles_at(settings, server.url, SOCKET_CONNECT_TIMEOUT=0.2, SOCKET_TIMEOUT=0.2)
        compute = Counter()
        read(family, compute, "q")
        redis.Redis.from_url(server.url).client_pause(1500)  # every client waits: the bump times out
        family.invalidate(USER)
        assert len(cache_aside.pending_bumps) == 1
        deadline = time.monotonic() + 10
        while len(cache_aside.pending_bumps) and time.monotonic() < deadline:
            reset_all_breakers()  # the timeouts opened it; this test is about the replay
            time.sleep(0.05)
        assert len(cache_aside.pending_bumps) == 0
        assert read(family, compute, "q").value == {"run": 2}  # the write's bump was not lost
    finally:
        server.stop()
