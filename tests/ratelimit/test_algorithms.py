"""The algorithms, as Lua on the real Redis and as the in-process limiter: one contract for both.

Time is a clock the test moves (passed into the scripts), except for the fixed window, whose clock is
its counter's expiry in Redis: there the window is short and the test waits it out.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.ratelimit.algorithms import sliding_window
from core.ratelimit.base import Check, Decision
from core.ratelimit.local_limiter import LocalLimiter
from core.ratelimit.redis_limiter import RedisLimiter
from core.redis import keys
from core.redis.client import get_client
from tests.ratelimit.conftest import FakeClock, policy


@dataclass
class Harness:
    backend: str
    clock: FakeClock
    limiter: RedisLimiter | LocalLimiter

    def hit(self, check: Check, times: int = 1) -> list[Decision]:
        return [self.limiter.hit([check])[0] for _ in range(times)]

    def advance(self, seconds: float, *, real: bool = False) -> None:
        self.clock.advance(seconds)
        if real and self.backend == "redis":
            time.sleep(seconds)  # Redis' own key expiry is the fixed window's clock


@pytest.fixture(params=["redis", "local"])
def harness(request: pytest.FixtureRequest) -> Harness:
    clock = FakeClock()
    limiter = RedisLimiter(clock) if request.param == "redis" else LocalLimiter(clock)
    return Harness(request.param, clock, limiter)


def allowed(decisions: list[Decision]) -> list[bool]:
    return [d.allowed for d in decisions]


@pytest.mark.parametrize("algorithm", ["sliding_window", "token_bucket"])
def test_limit_plus_one_is_denied_once_and_passes_after_the_window(harness: Harness, algorithm: str) -> None:
    check = Check(policy(algorithm=algorithm, limit=5, window=60), "ip:192.0.2.1")
    decisions = harness.hit(check, 6)
    assert allowed(decisions) == [True] * 5 + [False]
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0]
    interval = 12_000 if algorithm == "token_bucket" else 60_000  # the bucket gains a token every 12 s
    assert decisions[0].reset_ms == interval
    assert decisions[5].reset_ms == 60_000
    assert decisions[5].retry_after_ms == interval
    harness.advance(60)
    assert allowed(harness.hit(check, 6)) == [True] * 5 + [False]


def test_fixed_window_denies_over_the_limit_and_resets_when_the_counter_expires(harness: Harness) -> None:
    check = Check(policy(algorithm="fixed_window", limit=3, window=0.4), "ip:192.0.2.1")
    decisions = harness.hit(check, 4)
    assert allowed(decisions) == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert 0 < decisions[3].retry_after_ms <= 400
    harness.advance(0.45, real=True)
    assert allowed(harness.hit(check, 4)) == [True, True, True, False]


def test_sliding_window_admits_again_exactly_when_the_oldest_request_ages_out(harness: Harness) -> None:
    check = Check(policy(limit=3, window=10), "user:7")
    for _ in range(3):
        assert harness.hit(check)[0].allowed
        harness.advance(4)  # requests at 0 s, 4 s and 8 s
    harness.clock.now -= 3_000_000  # now 9 s
    denied = harness.hit(check)[0]
    assert not denied.allowed
    assert denied.retry_after_ms == 1_000  # the request at 0 s leaves at 10 s
    harness.advance(1)  # 10 s: the request at 0 s is out
    assert allowed(harness.hit(check, 2)) == [True, False]


def test_token_bucket_refills_at_its_rate_up_to_its_size(harness: Harness) -> None:
    check = Check(policy(algorithm="token_bucket", limit=5, window=60), "user:7")  # a token every 12 s
    assert allowed(harness.hit(check, 6)) == [True] * 5 + [False]
    harness.advance(12)
    assert allowed(harness.hit(check, 2)) == [True, False]
    harness.advance(36)
    refilled = harness.hit(check, 4)
    assert allowed(refilled) == [True, True, True, False]
    assert [d.remaining for d in refilled[:3]] == [2, 1, 0]
    harness.advance(600)  # a long pause fills the bucket, never beyond its size
    assert allowed(harness.hit(check, 6)) == [True] * 5 + [False]


def test_identities_and_policies_have_separate_budgets(harness: Harness) -> None:
    one, other = policy(name="one", limit=1), policy(name="other", limit=1)
    assert harness.limiter.hit([Check(one, "user:1"), Check(one, "user:2"), Check(other, "user:1")]) == [
        Decision(one, True, 0, 60_000),
        Decision(one, True, 0, 60_000),
        Decision(other, True, 0, 60_000),
    ]
    assert not harness.hit(Check(one, "user:1"))[0].allowed


@pytest.mark.parametrize("algorithm", ["sliding_window", "fixed_window", "token_bucket"])
def test_peek_reports_usage_without_spending(harness: Harness, algorithm: str) -> None:
    check = Check(policy(algorithm=algorithm, limit=5, window=60), "user:3")
    harness.hit(check, 2)
    for _ in range(2):
        (usage,) = harness.limiter.peek([check])
        assert (usage.used, usage.remaining) == (2, 3)
        assert 0 < usage.reset_ms <= 60_000
    assert harness.limiter.reset([check]) == 1
    assert harness.limiter.peek([check])[0].used == 0


@pytest.mark.parametrize(
    "algorithm", ["sliding_window", "sliding_window_counter", "fixed_window", "token_bucket"]
)
@pytest.mark.parametrize("backend", ["redis", "local"])
def test_eight_racing_threads_against_a_limit_of_five_admit_exactly_five(
    backend: str, algorithm: str
) -> None:
    limiter: Callable[[list[Check]], list[Decision]] = (
        RedisLimiter() if backend == "redis" else LocalLimiter()
    ).hit
    check = Check(policy(algorithm=algorithm, limit=5, window=60), "ip:198.51.100.8")
    start = threading.Barrier(8)
    results: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        start.wait()
        decision = limiter([check])[0]
        with lock:
            results.append(decision.allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 3 + [True] * 5


def test_every_key_has_an_expiry_after_a_burst(redis_key_prefix: str) -> None:
    limiter = RedisLimiter()  # production path: the Redis clock
    checks = [
        Check(policy(name=algorithm, algorithm=algorithm, limit=3, window=30), f"ip:203.0.113.{n}")
        for algorithm in ("sliding_window", "fixed_window", "token_bucket")
        for n in range(4)
    ]
    for _ in range(5):  # past every limit
        limiter.hit(checks)
    state = get_client("state")
    found = list(state.scan_iter(match=f"{redis_key_prefix}:rl:*", count=1000))
    assert len(found) == len(checks)
    assert all(0 < state.pttl(key) <= 30_000 for key in found)


def test_keys_are_hash_tagged_per_policy_and_identity() -> None:
    key = keys.rate_limit("general", "user:42", "log")
    tag = key[key.index("{") + 1 : key.index("}")]
    assert tag.startswith("general:")
    assert "42" not in tag  # identities are hashed, never embedded


def test_forked_workers_tag_their_sliding_log_members_apart() -> None:
    """Workers forked after import (gunicorn --preload) must not repeat their parent's members."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report one member and leave at once
        os.write(write, sliding_window._member().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    os.close(write)
    parent = sliding_window._member()
    assert child[:8] != parent[:8]  # different process tags, whatever the counters say


# --- sliding-window counter: the constant-memory approximation of the log ---------------------------


def counter(limit: int = 5, window: float = 60) -> Check:
    return Check(policy(algorithm="sliding_window_counter", limit=limit, window=window), "ip:192.0.2.5")


def test_counter_admits_exactly_the_limit_from_idle_then_as_the_old_window_slides_out(
    harness: Harness,
) -> None:
    check = counter()  # 5 per minute
    burst = harness.hit(check, 6)
    assert allowed(burst) == [True] * 5 + [False]
    assert [d.remaining for d in burst] == [4, 3, 2, 1, 0, 0]
    assert burst[0].reset_ms == 120_000  # counted in this window, then sliding out over the next
    # At 60 s the five count whole again (taken as spread over their window); a fifth of the next
    # window later, one of them has slid out.
    assert burst[5].retry_after_ms == 72_000
    harness.advance(71.999)
    assert allowed(harness.hit(check)) == [False]
    harness.advance(0.001)
    trickle = harness.hit(check, 2)
    assert allowed(trickle) == [True, False]
    assert trickle[1].retry_after_ms == 12_000  # one more slides out every 12 s
    harness.advance(12)
    assert allowed(harness.hit(check, 2)) == [True, False]
    harness.advance(600)  # a long pause: the budget is whole again
    assert allowed(harness.hit(check, 6)) == [True] * 5 + [False]


def test_counter_refuses_the_double_burst_a_fixed_window_lets_through(harness: Harness) -> None:
    check = counter()
    assert allowed(harness.hit(check)) == [True]  # the window starts at 0 s
    harness.advance(59.9)
    assert allowed(harness.hit(check, 4)) == [True] * 4  # the rest of the budget, at its very end
    harness.advance(0.2)  # 100 ms into the next window
    assert allowed(harness.hit(check, 5)) == [False] * 5


def test_counter_peek_weighs_the_previous_window(harness: Harness) -> None:
    check = counter()

    def standing() -> tuple[int, int, int]:
        (usage,) = harness.limiter.peek([check])
        return usage.used, usage.remaining, usage.reset_ms

    harness.hit(check, 2)
    assert standing() == (2, 3, 120_000)
    harness.advance(90)  # half of the previous window is still inside the sliding one: one request
    assert standing() == (1, 4, 30_000)
    harness.advance(30)
    assert standing() == (0, 5, 0)


def test_counter_limits_every_span_and_the_two_backends_decide_alike() -> None:
    """Random arrivals: Lua and Python agree on every decision, and no span of d seconds admits more
    than limit * (1 + d / window), the documented bound (the log's bound is the limit itself)."""
    limit, window = 10, 10.0
    check = counter(limit, window)
    clocks = [FakeClock(), FakeClock()]
    limiters = [RedisLimiter(clocks[0]), LocalLimiter(clocks[1])]
    rng = random.Random(20240611)
    admitted: list[float] = []
    at = 0.0
    for _ in range(400):
        step = rng.choice([0.0, 0.01, 0.1, 0.5, 1.0, 3.0])
        at += step
        for clock in clocks:
            clock.advance(step)
        on_redis, in_process = (limiter.hit([check])[0] for limiter in limiters)
        assert on_redis == in_process, at
        if on_redis.allowed:
            admitted.append(at)
    assert 0 < len(admitted) < 400
    for first, start in enumerate(admitted):
        for last in range(first, len(admitted)):
            span = admitted[last] - start
            assert last - first + 1 <= limit * (1 + span / window) + 1e-9
    assert len(admitted) <= limit * (1 + at / window)


def test_counter_key_expires_when_both_windows_have_slid_out(redis_key_prefix: str) -> None:
    limiter = RedisLimiter()  # production path: the Redis clock
    check = counter(limit=3, window=30)
    limiter.hit([check] * 4)
    assert 30_000 < get_client("state").pttl(check.key) <= 60_000


@pytest.mark.parametrize(("limit", "window"), [(2**24, 60), (10**6, 10**6)])
def test_counter_refuses_figures_it_cannot_store_or_compute_exactly(limit: int, window: int) -> None:
    with pytest.raises(ImproperlyConfigured, match="sliding_window_counter"):
        policy(algorithm="sliding_window_counter", limit=limit, window=window)
