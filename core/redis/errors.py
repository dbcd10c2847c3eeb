"""The one exception family for "Redis cannot serve this now".

Every way Redis can fail a caller (refused or dropped connection, timeout, the circuit breaker
refusing at once, an error reply, or a role that has no Redis in this deployment) is a
``RedisUnavailable``, so an outage policy is one ``except RedisUnavailable:`` wherever it is applied.
"""

from __future__ import annotations

from redis.exceptions import RedisError

RedisUnavailable = RedisError


class RedisDisabled(RedisUnavailable):
    """The role is not backed by Redis in this deployment (its feature flag is off)."""
