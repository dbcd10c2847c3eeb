"""Alert thresholds on crafted INFO snapshots, and the full report from real servers."""

from __future__ import annotations

import copy

from core.redis.health import (
    EVICTIONS_ALERT_PER_MINUTE,
    evaluate,
    eviction_alert,
    ping,
    role_health,
)
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess, free_port

HEALTHY = {
    "used_memory": 50,
    "maxmemory": 100,
    "keyspace_hits": 90,
    "keyspace_misses": 10,
    "connected_clients": 10,
}


def test_a_healthy_snapshot_raises_no_alert() -> None:
    assert evaluate(HEALTHY, maxclients=100, slowlog=[{"duration": 9_000}]) == []


def test_each_threshold_raises_its_alert() -> None:
    info = {
        **HEALTHY,
        "used_memory": 81,
        "keyspace_hits": 79,
        "keyspace_misses": 21,
        "connected_clients": 91,
        "slave0": {"ip": "10.0.0.2", "port": 6379, "lag": 2},
        "slave1": {"ip": "10.0.0.3", "port": 6379, "lag": 0},
    }
    alerts = evaluate(info, maxclients=100, slowlog=[{"duration": 12_000}, {"duration": 10}])
    assert alerts == [
        "memory 81% of maxmemory",
        "hit rate 79%",
        "91 clients of 100",
        "1 slow commands over 10 ms in SLOWLOG",
        "replica 10.0.0.2 lag 2 s",
    ]


def test_thresholds_are_not_raised_without_their_inputs() -> None:
    # No maxmemory, no traffic yet, maxclients unknown (CONFIG denied by the ACL).
    info = {"used_memory": 10**9, "maxmemory": 0, "connected_clients": 10_000}
    assert evaluate(info, maxclients=0, slowlog=[]) == []


def test_eviction_rate_alert_needs_two_samples_over_the_threshold() -> None:
    assert eviction_alert(0, EVICTIONS_ALERT_PER_MINUTE, seconds=60) is None
    assert eviction_alert(0, 2 * EVICTIONS_ALERT_PER_MINUTE, seconds=60) == "200 evictions per minute"
    assert eviction_alert(0, 10, seconds=1) == "600 evictions per minute"
    assert eviction_alert(0, 10**6, seconds=0) is None


def test_role_health_of_a_real_server() -> None:
    report = role_health("state")
    assert report.reachable and report.error == ""
    assert report.metrics["redis_version"].startswith(("6.", "7.", "8."))
    assert report.metrics["circuit"] == "closed"
    assert report.metrics["maxclients"] > 0
    assert ping("cache") and ping("state")


def test_role_health_reports_memory_pressure_and_evictions(settings) -> None:  # type: ignore[no-untyped-def]
    with checked_redis(
        RedisProcess(extra_args=("--maxmemory", "1mb", "--maxmemory-policy", "allkeys-lru"))
    ) as server:
        point_roles_at(settings, server.url)
        from core.redis.client import get_client

        client = get_client("cache")
        for n in range(2_000):
            client.set(f"{settings.REDIS_KEY_PREFIX}:fill:{n}", "x" * 1_000)
        report = role_health("cache", eviction_window=0.01)
    assert report.reachable
    assert report.metrics["maxmemory_policy"] == "allkeys-lru"
    assert int(report.metrics["evicted_keys"]) > 0
    assert any(alert.startswith("memory ") for alert in report.alerts)


def test_role_health_of_unreachable_and_unconfigured_roles(settings) -> None:  # type: ignore[no-untyped-def]
    point_roles_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    report = role_health("state")
    assert not report.reachable and "Connection refused" in report.error
    assert not ping("state")
    local = copy.deepcopy(settings.CACHES)
    local["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = local
    assert role_health("cache").error == "not configured with Redis"
