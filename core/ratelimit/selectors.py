"""Read identities' rate-limit standing without spending anything (the operator command and admin page)."""

from __future__ import annotations

from collections.abc import Sequence

from core.ratelimit.backends import primary
from core.ratelimit.base import Check, Usage


def usage(checks: Sequence[Check]) -> list[Usage]:
    """One ``Usage`` per check, from the deployment's shared store (``redis.RedisError`` if it is down).

    With ``REDIS_RATELIMIT_ENABLED`` off the state lives in each server process, so this reads the
    calling process's own limiter.
    """
    return primary().peek(checks)
