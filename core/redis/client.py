"""The only way to get a raw Redis client for a role.

Clients come from django-redis's connection pools (so they share pools, timeouts and the circuit
breaker with the cache aliases) and are created lazily on first use, never at import time.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django_redis import get_redis_connection
from redis import Redis

from core.redis.errors import RedisDisabled

__all__ = ["RedisDisabled", "Role", "cache_for", "get_client", "is_redis_backed", "role_alias"]

Role = Literal["cache", "state"]

_ROLE_ALIASES: dict[str, str] = {"cache": "default", "state": "state"}


def role_alias(role: Role) -> str:
    """The Django cache alias that carries ``role``."""
    return _ROLE_ALIASES[role]


def is_redis_backed(role: Role) -> bool:
    """Does ``role`` talk to Redis here (as opposed to a local in-process fallback)?"""
    backend = str(settings.CACHES[role_alias(role)]["BACKEND"])
    return backend.startswith("django_redis.")


def get_client(role: Role) -> Redis:
    """A raw redis-py client for ``role``; raises RedisDisabled if that role has no Redis."""
    if not is_redis_backed(role):
        raise RedisDisabled(f"the {role} role is not configured with Redis")
    return get_redis_connection(role_alias(role))


def cache_for(role: Role) -> BaseCache:
    """The Django cache object of ``role`` (Redis or its local fallback)."""
    return caches[role_alias(role)]
