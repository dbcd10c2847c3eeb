"""Redis health per role: PING, INFO, SLOWLOG and the seed's alert thresholds (section 9.1).

Used by ``/readyz`` (PING only, cheap; pool statistics for staff) and ``manage.py redis_health`` (the
full report, which also shows the state of the role's circuit breaker and connection pool).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis

from core.redis.breaker import breaker_for
from core.redis.client import Role, get_client, is_redis_backed
from core.redis.errors import RedisUnavailable
from core.redis.pool import PoolStats, TrackeepConnectionPool

T = TypeVar("T")

MEMORY_ALERT_RATIO = 0.80  # used_memory above 80 % of maxmemory
HIT_RATE_ALERT = 0.80  # keyspace hit rate below 80 %
CLIENTS_ALERT_RATIO = 0.90  # connected clients above 90 % of maxclients
SLOW_QUERY_ALERT_MICROSECONDS = 10_000  # SLOWLOG entries slower than 10 ms
REPLICATION_LAG_ALERT_SECONDS = 1  # a replica more than 1 s behind
EVICTIONS_ALERT_PER_MINUTE = 100  # evicted keys per minute (needs two samples)

METRIC_NAMES = (
    "redis_version",
    "role",
    "used_memory_human",
    "maxmemory_human",
    "maxmemory_policy",
    "connected_clients",
    "keyspace_hits",
    "keyspace_misses",
    "evicted_keys",
    "aof_enabled",
)


@dataclass
class RoleHealth:
    role: str
    reachable: bool
    error: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    pool: PoolStats | None = None


def ping(role: Role) -> bool:
    """Is the role's Redis answering? (False also when the role has no Redis.)"""
    try:
        return bool(get_client(role).ping())
    except RedisUnavailable:
        return False


def pool_stats(role: Role) -> PoolStats | None:
    """This process's connection-pool numbers for ``role`` (None: no Redis here, or a Sentinel pool).

    Roles on the same URL share one pool (django-redis keeps one per URL), so they show the same numbers.
    """
    if not is_redis_backed(role):
        return None
    pool = get_client(role).connection_pool
    return pool.stats() if isinstance(pool, TrackeepConnectionPool) else None


def pool_report(roles: tuple[Role, ...] = ("cache", "state")) -> dict[str, dict[str, int]]:
    """Pool statistics of every Redis-backed role with a Trackeep pool, as plain numbers (JSON-ready)."""
    report: dict[str, dict[str, int]] = {}
    for role in roles:
        stats = pool_stats(role)
        if stats is not None:
            report[role] = stats.as_dict()
    return report


def evaluate(info: dict[str, Any], maxclients: int, slowlog: list[dict[str, Any]]) -> list[str]:
    """The alert lines the seed's thresholds raise for one INFO snapshot."""
    alerts: list[str] = []
    maxmemory = int(info.get("maxmemory", 0))
    used = int(info.get("used_memory", 0))
    if maxmemory and used > MEMORY_ALERT_RATIO * maxmemory:
        alerts.append(f"memory {used / maxmemory:.0%} of maxmemory")
    hits, misses = int(info.get("keyspace_hits", 0)), int(info.get("keyspace_misses", 0))
    if hits + misses and hits / (hits + misses) < HIT_RATE_ALERT:
        alerts.append(f"hit rate {hits / (hits + misses):.0%}")
    clients = int(info.get("connected_clients", 0))
    if maxclients and clients > CLIENTS_ALERT_RATIO * maxclients:
        alerts.append(f"{clients} clients of {maxclients}")
    slow = [e for e in slowlog if int(e.get("duration", 0)) > SLOW_QUERY_ALERT_MICROSECONDS]
    if slow:
        alerts.append(f"{len(slow)} slow commands over 10 ms in SLOWLOG")
    for name, value in info.items():
        lagging = isinstance(value, dict) and int(value.get("lag", 0)) > REPLICATION_LAG_ALERT_SECONDS
        if name.startswith("slave") and lagging:
            alerts.append(f"replica {value.get('ip')} lag {value['lag']} s")
    return alerts


def eviction_alert(evicted_before: int, evicted_after: int, seconds: float) -> str | None:
    """The evictions-per-minute alert between two INFO samples ``seconds`` apart, if over the limit."""
    if seconds <= 0:
        return None
    per_minute = (evicted_after - evicted_before) * 60.0 / seconds
    if per_minute > EVICTIONS_ALERT_PER_MINUTE:
        return f"{per_minute:.0f} evictions per minute"
    return None


def _optional(read: Callable[[], T], default: T) -> T:
    """Run one read that the ACL may deny (CONFIG, SLOWLOG in our production redis.conf)."""
    try:
        return read()
    except redis.ResponseError:
        return default


def _circuit_state(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    if "host" not in kwargs:  # Unix socket or Sentinel: no breaker on that pool
        return "n/a"
    return breaker_for(f"{kwargs['host']}:{kwargs.get('port', 6379)}").state


def role_health(role: Role, eviction_window: float = 0.0) -> RoleHealth:
    """The full report for one role.

    With ``eviction_window`` > 0, INFO is sampled a second time that many seconds later so the
    evictions-per-minute threshold can be checked (one sample only has the lifetime total).
    """
    if not is_redis_backed(role):
        return RoleHealth(role, reachable=False, error="not configured with Redis")
    client = get_client(role)
    try:
        info = client.info()
        config: dict[str, Any] = _optional(
            lambda: {str(k): v for k, v in client.config_get("maxclients").items()}, {}
        )
        maxclients = int(config.get("maxclients", 0))
        slowlog: list[dict[str, Any]] = _optional(lambda: list(client.slowlog_get(32)), [])
        alerts = evaluate(info, maxclients, slowlog)
        if eviction_window > 0:
            time.sleep(eviction_window)
            later = client.info("stats")
            rate = eviction_alert(
                int(info.get("evicted_keys", 0)), int(later.get("evicted_keys", 0)), eviction_window
            )
            alerts += [rate] if rate else []
    except RedisUnavailable as exc:
        down: dict[str, Any] = {"circuit": _circuit_state(client)}
        return RoleHealth(role, reachable=False, error=str(exc), metrics=down, pool=pool_stats(role))
    metrics: dict[str, Any] = {name: info.get(name) for name in METRIC_NAMES}
    metrics["maxclients"] = maxclients or None
    metrics["circuit"] = _circuit_state(client)
    return RoleHealth(role, reachable=True, metrics=metrics, alerts=alerts, pool=pool_stats(role))
