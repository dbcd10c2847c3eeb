"""Redis health per role: PING, INFO, SLOWLOG and the seed's alert thresholds (section 9.1).

Used by ``/readyz`` (PING only, cheap) and ``manage.py redis_health`` (the full report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import redis

from core.redis.client import Role, get_client, is_redis_backed

MEMORY_ALERT_RATIO = 0.80  # used_memory above 80 % of maxmemory
HIT_RATE_ALERT = 0.80  # keyspace hit rate below 80 %
CLIENTS_ALERT_RATIO = 0.90  # connected clients above 90 % of maxclients
SLOW_QUERY_ALERT_MICROSECONDS = 10_000  # SLOWLOG entries slower than 10 ms
REPLICATION_LAG_ALERT_SECONDS = 1  # a replica more than 1 s behind
EVICTIONS_ALERT_PER_MINUTE = 100  # evicted keys per minute (needs two samples)


@dataclass
class RoleHealth:
    role: str
    reachable: bool
    error: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)


def ping(role: Role) -> bool:
    """Is the role's Redis answering? (False also when the role has no Redis.)"""
    try:
        return bool(get_client(role).ping())
    except (redis.RedisError, RuntimeError):
        return False


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


def role_health(role: Role) -> RoleHealth:
    """The full report for one role."""
    if not is_redis_backed(role):
        return RoleHealth(role, reachable=False, error="not configured with Redis")
    try:
        client = get_client(role)
        info = client.info()
        maxclients = int(client.config_get("maxclients").get("maxclients", 0))
        slowlog = client.slowlog_get(32)
    except redis.ResponseError:
        # CONFIG may be denied by the ACL (as in our production redis.conf): report without it.
        client = get_client(role)
        info, maxclients, slowlog = client.info(), 0, []
    except redis.RedisError as exc:
        return RoleHealth(role, reachable=False, error=str(exc))
    metrics = {
        name: info.get(name)
        for name in (
            "redis_version",
            "used_memory_human",
            "maxmemory_human",
            "maxmemory_policy",
            "connected_clients",
            "keyspace_hits",
            "keyspace_misses",
            "evicted_keys",
            "role",
            "aof_enabled",
        )
    }
    return RoleHealth(role, reachable=True, metrics=metrics, alerts=evaluate(info, maxclients, slowlog))
