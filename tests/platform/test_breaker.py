"""The circuit breaker: its state machine (injected clock), and inside real django-redis connections.

Integration tests point the cache and state aliases at a port where nothing listens and at a socket
that accepts but never answers, and count connection attempts: N cache calls must cost about one
attempt per breaker period, not N, and the breaker must close by itself when Redis is back.
"""

from __future__ import annotations

import copy

import pytest
import redis
from django.core.cache import caches

from core.redis.breaker import CLOSED, HALF_OPEN, OPEN, BreakerConnection, CircuitBreaker, breaker_for
from core.redis.client import get_client
from tests.platform.conftest import Blackhole, FakeClock, wait_until
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess, free_port

CALLS = 50


def make_breaker(clock: FakeClock, failures: int = 3, period: float = 10.0) -> CircuitBreaker:
    return CircuitBreaker("test", failure_threshold=failures, reset_seconds=period, clock=clock)


def test_opens_after_the_threshold_of_consecutive_failures() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state == CLOSED and breaker.allow()
    breaker.record_failure()
    assert breaker.state == OPEN
    assert not breaker.allow()
    assert breaker.times_opened == 1


def test_a_success_resets_the_failure_count() -> None:
    breaker = make_breaker(FakeClock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == CLOSED


def test_half_open_lets_exactly_one_trial_through_after_the_period() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    for _ in range(3):
        breaker.record_failure()
    clock.advance(9.9)
    assert not breaker.allow()
    clock.advance(0.1)
    assert breaker.state == HALF_OPEN
    assert breaker.allow()  # the trial
    assert [breaker.allow() for _ in range(5)] == [False] * 5  # everyone else still skips


def test_a_successful_trial_closes_and_a_failed_one_reopens_for_a_full_period() -> None:
    clock = FakeClock()
    breaker = make_breaker(clock)
    for _ in range(3):
        breaker.record_failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.record_failure()  # the trial failed: open again, one failure is enough
    assert breaker.state == OPEN and breaker.times_opened == 2
    clock.advance(9.9)
    assert not breaker.allow()
    clock.advance(0.1)
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == CLOSED
    assert all(breaker.allow() for _ in range(5))


@pytest.fixture
def dead_port(settings, breaker_clock: FakeClock) -> int:  # type: ignore[no-untyped-def]
    port = free_port()  # nothing listens there
    point_roles_at(settings, f"redis://127.0.0.1:{port}/0", SOCKET_TIMEOUT=0.2, SOCKET_CONNECT_TIMEOUT=0.2)
    return port


@pytest.fixture
def connect_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every TCP connect the breaker lets through (the real connect still happens)."""
    attempts: list[str] = []
    real_connect = BreakerConnection._connect

    def counting_connect(self: BreakerConnection):  # type: ignore[no-untyped-def]
        attempts.append(f"{self.host}:{self.port}")
        return real_connect(self)

    monkeypatch.setattr(BreakerConnection, "_connect", counting_connect)
    return attempts


def test_dead_port_costs_threshold_attempts_then_one_per_period(
    settings, dead_port: int, breaker_clock: FakeClock, connect_attempts: list[str]
) -> None:
    cache = caches["default"]
    assert [cache.get(f"k{n}") for n in range(CALLS)] == [None] * CALLS  # a miss, never an error
    assert len(connect_attempts) == settings.REDIS_BREAKER_FAILURES
    with pytest.raises(redis.ConnectionError):  # the state role raises, so callers apply their policy
        caches["state"].get("k")
    assert len(connect_attempts) == settings.REDIS_BREAKER_FAILURES

    breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
    for n in range(CALLS):
        cache.get(f"k{n}")
    assert len(connect_attempts) == settings.REDIS_BREAKER_FAILURES + 1  # one half-open trial

    with checked_redis(RedisProcess(port=dead_port)):
        for n in range(CALLS):
            cache.get(f"k{n}")
        assert len(connect_attempts) == settings.REDIS_BREAKER_FAILURES + 1  # still within the period
        breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
        cache.set("back", "yes")
        assert cache.get("back") == "yes"
        assert breaker_for(f"127.0.0.1:{dead_port}").state == CLOSED
        assert caches["state"].get("back") == "yes"  # same server, same breaker: closed for both


def test_silent_server_costs_one_timeout_per_attempt_and_one_attempt_per_period(
    settings, breaker_clock: FakeClock, blackhole: Blackhole
) -> None:
    point_roles_at(settings, blackhole.url, SOCKET_TIMEOUT=0.2, SOCKET_CONNECT_TIMEOUT=0.2)
    cache = caches["default"]
    for n in range(CALLS):
        assert cache.get(f"k{n}") is None
    # Each attempt is accepted by the kernel, then times out on the handshake: counted once each.
    wait_until(lambda: blackhole.accepted == settings.REDIS_BREAKER_FAILURES)
    assert breaker_for(f"127.0.0.1:{blackhole.port}").state == OPEN

    breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
    for n in range(CALLS):
        cache.set(f"k{n}", n)
    wait_until(lambda: blackhole.accepted == settings.REDIS_BREAKER_FAILURES + 1)
    assert breaker_for(f"127.0.0.1:{blackhole.port}").times_opened == 2
    assert blackhole.accepted == settings.REDIS_BREAKER_FAILURES + 1


def test_a_half_open_trial_that_fails_in_any_way_is_settled(
    settings, breaker_clock: FakeClock, private_redis: RedisProcess
) -> None:
    # The cache alias names a database that does not exist: its connect() fails with a
    # ResponseError from SELECT, not a connection error. Such a trial must still be settled, or the
    # breaker would refuse every later connection to this server, the state role's included.
    point_roles_at(settings, private_redis.url)
    broken = copy.deepcopy(settings.CACHES)
    broken["default"]["LOCATION"] = f"redis://127.0.0.1:{private_redis.port}/999"
    broken["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = False
    settings.CACHES = broken
    breaker = breaker_for(f"127.0.0.1:{private_redis.port}")
    for _ in range(settings.REDIS_BREAKER_FAILURES):
        breaker.record_failure()
    breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
    with pytest.raises(redis.ResponseError):
        get_client("cache").ping()  # the half-open trial
    assert get_client("state").ping()  # no wait for another period: the server did answer


def test_replies_reset_the_failure_count_of_pooled_connections(
    settings, breaker_clock: FakeClock, private_redis: RedisProcess
) -> None:
    point_roles_at(settings, private_redis.url)
    client = get_client("state")
    client.ping()  # connected and pooled
    breaker = breaker_for(f"127.0.0.1:{private_redis.port}")
    for _ in range(settings.REDIS_BREAKER_FAILURES - 1):
        breaker.record_failure()  # e.g. two read timeouts, hours apart
        client.ping()  # ...each followed by normal traffic on the pooled connection
    breaker.record_failure()
    assert breaker.state == CLOSED  # failures were not consecutive
