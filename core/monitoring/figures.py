"""One reading of a Redis server's figures, through the read-only monitoring user.

The shipped ``monitor`` ACL user may run INFO, SLOWLOG GET/LEN and LATENCY LATEST/HISTORY only, so
everything here is read from those: maxclients from ``INFO clients`` (Redis >= 7.0; CONFIG GET cannot
be limited to one parameter and would reveal masterauth). Rates (evictions and expirations per minute)
and "new slow commands" need the previous reading, so they are worked out against it.
"""

from __future__ import annotations

from typing import Any

import redis

from core.redis.health import SLOW_QUERY_ALERT_MICROSECONDS

SLOWLOG_ENTRIES = 128  # SLOWLOG GET reads at most this many of the newest entries
Figures = dict[str, Any]


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _per_minute(now: int, before: int | None, seconds: float) -> float | None:
    """Counter growth per minute; None without a previous reading or after a restart reset it."""
    if before is None or seconds <= 0 or now < before:
        return None
    return (now - before) * 60.0 / seconds


def _replication_lag(info: dict[str, Any]) -> float | None:
    """Seconds: the slowest replica's lag on a primary, the link's silence on a replica."""
    if info.get("role") == "slave":
        return float(info.get("master_last_io_seconds_ago", -1))
    lags = [float(v["lag"]) for k, v in info.items() if k.startswith("slave") and isinstance(v, dict)]
    return max(lags) if lags else None


def _latest_latency_ms(client: redis.Redis) -> int:
    """The highest latest spike LATENCY LATEST reports (0 when latency monitoring is off or quiet)."""
    events = client.execute_command("LATENCY", "LATEST")
    return max((int(event[2]) for event in events), default=0)


def read_figures(client: redis.Redis, previous: Figures | None, seconds_since: float) -> Figures:
    """The figures of the server behind ``client``; ``previous`` is the last reading, ``seconds_since``
    the time between the two (for the rates)."""
    info = client.info()
    slowlog = client.slowlog_get(SLOWLOG_ENTRIES)
    last_seen = int(previous["slowlog_last_id"]) if previous else -1
    new_slow = [e for e in slowlog if int(e["id"]) > last_seen]
    slow = [e for e in new_slow if int(e["duration"]) > SLOW_QUERY_ALERT_MICROSECONDS]
    used, maxmemory = int(info["used_memory"]), int(info["maxmemory"])
    hits, misses = int(info["keyspace_hits"]), int(info["keyspace_misses"])
    clients, maxclients = int(info["connected_clients"]), int(info.get("maxclients", 0))
    evicted, expired = int(info["evicted_keys"]), int(info["expired_keys"])
    return {
        "used_memory": used,
        "maxmemory": maxmemory,
        "memory_ratio": _ratio(used, maxmemory),
        "mem_fragmentation_ratio": float(info["mem_fragmentation_ratio"]),
        "keyspace_hits": hits,
        "keyspace_misses": misses,
        "hit_rate": _ratio(hits, hits + misses),
        "evicted_keys": evicted,
        "evictions_per_minute": _per_minute(
            evicted, previous["evicted_keys"] if previous else None, seconds_since
        ),
        "expired_keys": expired,
        "expired_per_minute": _per_minute(
            expired, previous["expired_keys"] if previous else None, seconds_since
        ),
        "connected_clients": clients,
        "maxclients": maxclients,
        "clients_ratio": _ratio(clients, maxclients),
        "ops_per_sec": int(info["instantaneous_ops_per_sec"]),
        "slow_commands": len(slow),
        "slowest_ms": max((int(e["duration"]) for e in new_slow), default=0) / 1000.0,
        "slowlog_last_id": max((int(e["id"]) for e in slowlog), default=last_seen),
        "replication_role": str(info["role"]),
        "connected_replicas": int(info.get("connected_slaves", 0)),
        "replication_lag": _replication_lag(info),
        "aof_enabled": int(info["aof_enabled"]),
        "aof_last_write_status": str(info.get("aof_last_write_status", "ok")),
        "rdb_last_bgsave_status": str(info["rdb_last_bgsave_status"]),
        "rdb_changes_since_last_save": int(info["rdb_changes_since_last_save"]),
        "latency_latest_ms": _latest_latency_ms(client),
    }
