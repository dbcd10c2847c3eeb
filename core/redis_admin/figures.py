"""One sample's figures as the page's rows: a label, the value as text, and OK/WARN.

The status comes from the sample's own alerts (``core.monitoring.alerts.alerts_for``, run by the
sampler's code on this very reading), and the threshold texts from the constants it compares with,
so a threshold exists in one place only. A figure without a threshold is shown without a status; one
that cannot be worked out yet (a rate before the second sample, a hit rate with no lookups) is "n/a".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.monitoring.series import Sample
from core.redis.health import (
    CLIENTS_ALERT_RATIO,
    EVICTIONS_ALERT_PER_MINUTE,
    HIT_RATE_ALERT,
    MEMORY_ALERT_RATIO,
    REPLICATION_LAG_ALERT_SECONDS,
    SLOW_QUERY_ALERT_MICROSECONDS,
)

OK, WARN, NOT_YET = "OK", "WARN", "n/a"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    status: str = ""  # OK, WARN, n/a, or "" for a figure without a threshold
    threshold: str = ""


def _mib(value: int) -> str:
    return f"{value / MIB:.1f} MiB"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}/min"


def _memory(f: dict[str, Any]) -> str:
    if not f["maxmemory"]:
        return f"{_mib(f['used_memory'])} (no maxmemory)"
    return f"{_mib(f['used_memory'])} of {_mib(f['maxmemory'])} ({_percent(f['memory_ratio'])})"


def _clients(f: dict[str, Any]) -> str:
    if not f["maxclients"]:
        return str(f["connected_clients"])
    return f"{f['connected_clients']} of {f['maxclients']} ({_percent(f['clients_ratio'])})"


def _replication(f: dict[str, Any]) -> str:
    lag = "" if f["replication_lag"] is None else f", lag {f['replication_lag']:g} s"
    return f"{f['replication_role']}, {f['connected_replicas']} replica(s){lag}"


def _persistence(f: dict[str, Any]) -> str:
    aof = f"AOF {f['aof_last_write_status']}" if f["aof_enabled"] else "AOF off"
    return (
        f"{aof}, last RDB save {f['rdb_last_bgsave_status']}, "
        f"{f['rdb_changes_since_last_save']} change(s) since"
    )


def _slow(f: dict[str, Any]) -> str:
    return f"{f['slow_commands']} new over 10 ms (slowest new entry {f['slowest_ms']:g} ms)"


# (label, alert name or "", the figure deciding n/a, how to show it, the threshold as text)
_ROWS: tuple[tuple[str, str, str, Callable[[dict[str, Any]], str], str], ...] = (
    ("Memory", "memory", "memory_ratio", _memory, f"above {MEMORY_ALERT_RATIO:.0%} of maxmemory"),
    ("Fragmentation", "", "mem_fragmentation_ratio", lambda f: f"{f['mem_fragmentation_ratio']:.2f}", ""),
    (
        "Hit rate (since start)",
        "hit_rate",
        "hit_rate",
        lambda f: f"{_percent(f['hit_rate'])} of {f['keyspace_hits'] + f['keyspace_misses']} lookups",
        f"below {HIT_RATE_ALERT:.0%}",
    ),
    (
        "Evictions",
        "evictions",
        "evictions_per_minute",
        lambda f: _rate(f["evictions_per_minute"]),
        f"above {EVICTIONS_ALERT_PER_MINUTE}/min",
    ),
    ("Expired keys", "", "expired_per_minute", lambda f: _rate(f["expired_per_minute"]), ""),
    ("Clients", "clients", "clients_ratio", _clients, f"above {CLIENTS_ALERT_RATIO:.0%} of maxclients"),
    ("Operations", "", "ops_per_sec", lambda f: f"{f['ops_per_sec']}/s", ""),
    (
        "Slow log (since the last sample)",
        "slow_commands",
        "slow_commands",
        _slow,
        f"any command over {SLOW_QUERY_ALERT_MICROSECONDS // 1000} ms",
    ),
    ("Latency spike (LATENCY LATEST)", "", "latency_latest_ms", lambda f: f"{f['latency_latest_ms']} ms", ""),
    (
        "Replication",
        "replication_lag",
        "replication_lag",
        _replication,
        f"lag above {REPLICATION_LAG_ALERT_SECONDS} s",
    ),
    ("Persistence", "persistence", "aof_enabled", _persistence, "a failed AOF write or RDB save"),
)


def _pool(pool: dict[str, int]) -> str:
    return (
        f"{pool['in_use']} in use, {pool['idle']} idle of {pool['size']}; {pool['created']} opened, "
        f"{pool['waits']} waits, {pool['timeouts']} timeouts, {pool['recycled']} recycled"
    )


def rows(sample: Sample, stored: Sample | None = None) -> list[Row]:
    """The rows of a reachable sample, in the page's order, each with its status; ``stored`` (the
    sampler's last sample) adds the pool of the worker that took it."""
    f = sample.figures
    shown = []
    for label, alert, decides, show, threshold in _ROWS:
        if not alert:
            status = ""
        elif alert != "persistence" and f[decides] is None:
            status = NOT_YET
        else:
            status = WARN if alert in sample.alerts else OK
        shown.append(Row(label, show(f), status, threshold))
    if sample.pool is not None:
        shown.append(Row("Connection pool (this web process)", _pool(sample.pool)))
    if stored is not None and stored.pool is not None:
        shown.append(Row("Connection pool (the worker, last sample)", _pool(stored.pool)))
    return shown
