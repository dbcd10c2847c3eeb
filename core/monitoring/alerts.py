"""The seed's alert thresholds (section 9.1) applied to one reading of ``core.monitoring.figures``.

The thresholds themselves live in core.redis.health, which the on-demand ``redis_health`` report uses
too; persistence failures are added because a state Redis that cannot write its AOF loses data.
"""

from __future__ import annotations

from core.monitoring.figures import Figures
from core.redis.health import (
    CLIENTS_ALERT_RATIO,
    EVICTIONS_ALERT_PER_MINUTE,
    HIT_RATE_ALERT,
    MEMORY_ALERT_RATIO,
    REPLICATION_LAG_ALERT_SECONDS,
)

UNREACHABLE = "unreachable"


def alerts_for(figures: Figures) -> list[str]:
    """The alert names a reading raises: ``memory``, ``hit_rate``, ``clients``, ``slow_commands``,
    ``replication_lag``, ``evictions``, ``persistence`` (``unreachable`` comes from the sampler)."""
    checks = {
        "memory": (figures["memory_ratio"], lambda v: v > MEMORY_ALERT_RATIO),
        "hit_rate": (figures["hit_rate"], lambda v: v < HIT_RATE_ALERT),
        "clients": (figures["clients_ratio"], lambda v: v > CLIENTS_ALERT_RATIO),
        "slow_commands": (figures["slow_commands"], lambda v: v > 0),
        "replication_lag": (figures["replication_lag"], lambda v: v > REPLICATION_LAG_ALERT_SECONDS),
        "evictions": (figures["evictions_per_minute"], lambda v: v > EVICTIONS_ALERT_PER_MINUTE),
    }
    alerts = [name for name, (value, fires) in checks.items() if value is not None and fires(value)]
    if figures["aof_last_write_status"] != "ok" or figures["rdb_last_bgsave_status"] != "ok":
        alerts.append("persistence")
    return alerts
