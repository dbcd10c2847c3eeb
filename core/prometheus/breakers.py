"""The breaker-state gauge per Redis role: each breaker change (core.redis.breaker) sets the gauge of
every role served by that breaker.

Cache and state connections have one breaker per server (``host:port`` of the role's cache alias; two
roles on one server share it); the channels role is the channel layer's own breaker
(``core.redis.channels.LAYER_BREAKER``). A Unix socket or Sentinel role has no breaker and no series.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from core.prometheus.instruments import BREAKER_STATE
from core.redis import breaker
from core.redis.channels import LAYER_BREAKER
from core.redis.client import Role, is_redis_backed, role_alias

STATE_VALUES = {breaker.CLOSED: 0, breaker.HALF_OPEN: 1, breaker.OPEN: 2}
SERVER_ROLES: tuple[Role, ...] = ("cache", "state")


def _server(role: Role) -> str | None:
    """``host:port`` of the breaker of ``role``'s connections (None: no TCP Redis)."""
    if not is_redis_backed(role):
        return None
    location = settings.CACHES[role_alias(role)]["LOCATION"]
    url = urlsplit(str(location[0] if isinstance(location, list | tuple) else location))
    if url.scheme not in ("redis", "rediss") or not url.hostname:
        return None
    return f"{url.hostname}:{url.port or 6379}"


def roles_of(name: str) -> list[str]:
    """The roles whose connections go through the breaker called ``name``."""
    if name == LAYER_BREAKER:
        return ["channels"]
    return [role for role in SERVER_ROLES if _server(role) == name]


def record(name: str, state: str) -> None:
    for role in roles_of(name):
        BREAKER_STATE.labels(role).set(STATE_VALUES[state])


def connect() -> None:
    """Follow every breaker of this process (CoreConfig.ready)."""
    breaker.add_listener(record)
