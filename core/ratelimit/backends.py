"""The process's two limiters, and which one holds the shared state in this deployment."""

from __future__ import annotations

from django.conf import settings

from core.ratelimit.local_limiter import LocalLimiter
from core.ratelimit.redis_limiter import RedisLimiter

redis_limiter = RedisLimiter()
local_limiter = LocalLimiter()


def primary() -> RedisLimiter | LocalLimiter:
    """Redis unless ``REDIS_RATELIMIT_ENABLED`` is off (then this process's own limiter)."""
    return redis_limiter if settings.REDIS_RATELIMIT_ENABLED else local_limiter
