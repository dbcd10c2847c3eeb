"""The fixed-window and release Lua scripts, and EVALSHA recovery after the script cache is emptied."""

from __future__ import annotations

import pytest
import redis

from core.ratelimit.algorithms.fixed_window import FixedWindow
from core.redis import keys
from core.redis.client import get_client
from tests.redis_support import point_roles_at
from tools.redis_process import RedisProcess

WINDOW_MS = 60_000
FIXED_WINDOW, COUNTER_RELEASE = FixedWindow.script, FixedWindow.release_script


@pytest.fixture
def state() -> redis.Redis:
    return get_client("state")


def test_fixed_window_counts_and_sets_the_expiry_once(state: redis.Redis) -> None:
    key = keys.rate_limit("test", "user:1")
    first = FIXED_WINDOW(state, [key], [WINDOW_MS, 1])
    assert first[0] == 1 and 0 < first[1] <= WINDOW_MS
    state.pexpire(key, 5_000)  # a later hit must not push the window's end back out
    second = FIXED_WINDOW(state, [key], [WINDOW_MS, 2])
    assert second[0] == 3
    assert 0 < second[1] <= 5_000
    assert 0 < state.pttl(key) <= 5_000


def test_fixed_window_repairs_a_counter_that_lost_its_expiry(state: redis.Redis) -> None:
    key = keys.rate_limit("test", "user:2")
    state.set(key, 7)  # e.g. written by a non-atomic INCR then a failed EXPIRE
    assert state.pttl(key) == -1
    count, ttl_ms = FIXED_WINDOW(state, [key], [WINDOW_MS, 1])
    assert count == 8 and ttl_ms == WINDOW_MS
    assert 0 < state.pttl(key) <= WINDOW_MS


def test_release_gives_back_without_going_below_zero_and_keeps_the_window(state: redis.Redis) -> None:
    key = keys.rate_limit("test", "user:3")
    FIXED_WINDOW(state, [key], [WINDOW_MS, 2])
    assert COUNTER_RELEASE(state, [key], [1]) == 1
    assert COUNTER_RELEASE(state, [key], [5]) == 0
    assert int(state.get(key)) == 0
    assert 0 < state.pttl(key) <= WINDOW_MS


def test_release_never_creates_a_key(state: redis.Redis) -> None:
    key = keys.rate_limit("test", "user:4")
    assert COUNTER_RELEASE(state, [key], [1]) == -1
    assert not state.exists(key)


def test_scripts_reload_after_script_flush_direct_and_in_a_pipeline(
    settings, private_redis: RedisProcess
) -> None:  # type: ignore[no-untyped-def]
    point_roles_at(settings, private_redis.url)  # SCRIPT FLUSH only on a server of our own
    client = get_client("state")
    key = keys.rate_limit("test", "user:5")
    assert FIXED_WINDOW(client, [key], [WINDOW_MS, 1])[0] == 1
    assert client.script_exists(FIXED_WINDOW.sha) == [True]

    client.script_flush()
    assert client.script_exists(FIXED_WINDOW.sha) == [False]
    assert FIXED_WINDOW(client, [key], [WINDOW_MS, 1])[0] == 2  # NOSCRIPT, reloaded, retried once
    assert client.script_exists(FIXED_WINDOW.sha) == [True]

    client.script_flush()
    pipe = client.pipeline(transaction=False)
    FIXED_WINDOW(pipe, [key], [WINDOW_MS, 1])
    COUNTER_RELEASE(pipe, [key], [1])
    assert [reply if isinstance(reply, int) else reply[0] for reply in pipe.execute()] == [3, 2]
    stats = client.info("commandstats")
    # Each script body ran exactly once per call, whatever NOSCRIPT replies came first.
    assert stats["cmdstat_incrby"]["calls"] == 3
    assert stats["cmdstat_decrby"]["calls"] == 1
