"""Connection pools (seed 5.3) against real redis-servers: wait, timeout, age, health checks, stats."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.test import Client

from core.redis import pool as pool_module
from core.redis.breaker import CLOSED, breaker_for
from core.redis.client import get_client
from core.redis.health import pool_report
from core.redis.pool import PoolConnection, TrackeepConnectionPool
from tests.factories import make_user, signed_in
from tests.platform.conftest import FakeClock, wait_until
from tools.redis_process import RedisProcess

STAT_NAMES = {"size", "in_use", "idle", "created", "waits", "timeouts", "recycled"}


def make_pool(server: RedisProcess, **kwargs: Any) -> TrackeepConnectionPool:
    return TrackeepConnectionPool.from_url(server.url, **kwargs)


def ping_calls(server: RedisProcess) -> int:
    with redis.Redis(port=server.port) as admin:
        return int(admin.info("commandstats").get("cmdstat_ping", {}).get("calls", 0))


def test_settings_give_every_alias_the_pool_with_the_seed_values(private_redis_roles: RedisProcess) -> None:
    pool = get_client("state").connection_pool
    assert isinstance(pool, TrackeepConnectionPool)
    assert (pool.max_connections, pool.timeout, pool.max_connection_age) == (20, 5.0, 3600.0)
    connection = pool.get_connection()
    try:
        assert isinstance(connection, PoolConnection)  # breaker and age on every connection
        assert connection.health_check_interval == 30.0
    finally:
        pool.release(connection)


def test_a_borrower_waits_for_a_connection_to_come_back(private_redis: RedisProcess) -> None:
    pool = make_pool(private_redis, max_connections=1, timeout=30)
    client = redis.Redis(connection_pool=pool)
    held = pool.get_connection()
    result: dict[str, int] = {}
    borrower = threading.Thread(target=lambda: result.update(value=client.incr("counter")))
    borrower.start()
    wait_until(lambda: pool.stats().waits == 1)
    assert result == {}  # still waiting: the pool's only connection is lent out
    assert pool.stats().in_use == 1
    pool.release(held)
    borrower.join(timeout=10)
    assert result == {"value": 1}
    stats = pool.stats()
    assert (stats.waits, stats.timeouts, stats.created, stats.in_use, stats.idle) == (1, 0, 1, 0, 1)


def test_a_wait_that_runs_out_is_a_connection_error_not_an_outage(private_redis: RedisProcess) -> None:
    pool = make_pool(private_redis, max_connections=1, timeout=0.01)
    held = pool.get_connection()
    with pytest.raises(redis.ConnectionError, match="No connection available"):
        redis.Redis(connection_pool=pool).ping()
    pool.release(held)
    stats = pool.stats()
    assert (stats.waits, stats.timeouts) == (1, 1)
    assert breaker_for(f"127.0.0.1:{private_redis.port}").state == CLOSED  # a busy pool is not a dead Redis
    assert redis.Redis(connection_pool=pool).ping()


def test_a_connection_older_than_the_max_age_is_replaced(
    private_redis: RedisProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(pool_module, "monotonic", clock)
    pool = make_pool(private_redis, max_connection_age=60)
    client = redis.Redis(connection_pool=pool)
    first = client.client_id()
    clock.advance(59)
    assert client.client_id() == first
    clock.advance(2)
    assert client.client_id() == first  # still served by the old connection, closed when returned
    assert client.client_id() != first
    assert len(client.client_list()) == 1  # the server saw the old one go
    stats = pool.stats()
    assert (stats.recycled, stats.created, stats.idle) == (1, 2, 1)


def test_an_idle_connection_is_pinged_before_use_after_the_interval(private_redis: RedisProcess) -> None:
    for interval, pings in ((3600.0, 0), (0.2, 1)):
        client = redis.Redis(connection_pool=make_pool(private_redis, health_check_interval=interval))
        client.get("key")
        before = ping_calls(private_redis)
        time.sleep(0.3)  # idle for longer than the short interval
        client.get("key")
        assert ping_calls(private_redis) - before == pings


def test_pool_statistics_count_connections_of_this_process(private_redis_roles: RedisProcess) -> None:
    client = get_client("state")
    client.set("key", "value")
    held = client.connection_pool.get_connection()
    try:
        state = pool_report()["state"]
    finally:
        client.connection_pool.release(held)
    assert set(state) == STAT_NAMES
    assert (state["size"], state["in_use"], state["waits"], state["timeouts"]) == (20, 1, 0, 0)
    assert state["created"] == state["in_use"] + state["idle"]


def test_readyz_shows_pool_statistics_to_staff_only(private_redis_roles: RedisProcess, db: None) -> None:
    for visitor in (Client(), signed_in(make_user())):
        response = visitor.get("/readyz")
        assert response.status_code == 200
        assert set(response.json()) == {"database", "redis", "degraded"}
    body = signed_in(make_user(is_staff=True)).get("/readyz").json()
    assert body["redis"] == {"cache": True, "state": True}
    assert set(body["pools"]) == {"cache", "state"}
    assert set(body["pools"]["state"]) == STAT_NAMES
    assert body["pools"]["state"]["created"] >= 1  # the staff session was read through it


def test_round_trip_counts_leave_out_the_pools_health_check(
    private_redis: RedisProcess, round_trips: Callable[[], Any]
) -> None:
    client = redis.Redis(connection_pool=make_pool(private_redis, health_check_interval=0.2))
    client.get("key")
    before = ping_calls(private_redis)
    time.sleep(0.3)  # idle for longer than the interval: the next command is preceded by a PING
    with round_trips() as sent:
        client.get("key")
        client.ping()  # a PING the code asks for is a round trip
    assert ping_calls(private_redis) - before == 2
    assert len(sent) == 2
