"""Sample every monitored Redis role once: read, check thresholds, store, log what fires.

Each role is read through its own short-lived connection as ``settings.REDIS_MONITOR_URLS[role]``
(the read-only ``monitor`` ACL user in production; over TLS with the role's files when it is a
``rediss://`` URL), so the sampler never borrows from the app's pools
and a slow or dead server costs one connect timeout. Pool statistics are this process's own
(core.redis.health.pool_stats): in the worker that runs the job they show the worker's pools.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from django.conf import settings

from core.monitoring import series
from core.monitoring.alerts import UNREACHABLE, alerts_for
from core.monitoring.figures import read_figures
from core.redis.health import pool_stats

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 2.0


def _pool(role: str) -> dict[str, int] | None:
    if role not in ("cache", "state"):
        return None
    stats = pool_stats(role)  # type: ignore[arg-type]
    return stats.as_dict() if stats else None


def monitor_client(role: str, url: str) -> redis.Redis:
    """A short-lived client of ``role``'s server at ``url`` (close it after use): never one of the app's
    pools. With ``rediss://`` it carries the role's CA and client certificate."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=READ_TIMEOUT_SECONDS,
        **settings.REDIS_ROLES[role].tls_kwargs(url),
    )


def take_sample(role: str, url: str, now: float, previous: series.Sample | None) -> series.Sample:
    """Read ``role``'s server at ``url`` and check it against the thresholds; ``previous`` (the role's
    last stored sample) gives the rates. Stores nothing (the admin's Redis page reads this way too)."""
    before = previous.figures if previous and previous.reachable else None
    elapsed = now - previous.at if previous else 0.0
    client = monitor_client(role, url)
    try:
        figures = read_figures(client, before, elapsed)
    except redis.RedisError as exc:
        return series.Sample(role, now, reachable=False, alerts=(UNREACHABLE,), error=type(exc).__name__)
    finally:
        client.close()
    return series.Sample(role, now, True, figures, tuple(alerts_for(figures)), pool=_pool(role))


def sample_role(role: str, url: str, now: float) -> series.Sample:
    """Read ``role``'s server at ``url``, compare with its previous sample, store and return the sample."""
    sample = take_sample(role, url, now, series.latest(role))
    series.append(sample)
    for alert in sample.alerts:
        logger.warning("redis alert role=%s alert=%s", role, alert)
    return sample


def sample_all(clock: Callable[[], float] = time.time) -> list[series.Sample]:
    """One sample of every role in ``settings.REDIS_MONITOR_URLS``."""
    now = clock()
    return [sample_role(role, url, now) for role, url in settings.REDIS_MONITOR_URLS.items()]
