"""Login attempt limits: per client IP and per account, on the state Redis, failing closed.

Each attempt is counted atomically (``fixed_window.lua``) for both identities in one round trip;
a successful login gives its attempt back, so only failures accumulate. When Redis is unreachable
(or ``REDIS_RATELIMIT_ENABLED`` is off) a per-process limiter with the same rule takes over: an
outage narrows the limit to one process's view, it never removes it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings

from core.redis import keys
from core.redis.client import RedisDisabled, get_client
from core.redis.scripts import COUNTER_RELEASE, FIXED_WINDOW

logger = logging.getLogger(__name__)
POLICY = "login"


@dataclass(frozen=True)
class ThrottleResult:
    allowed: bool
    retry_after: int  # seconds until the fullest window resets


class LocalWindowCounter:
    """In-process fixed windows (the outage fallback). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window: float, amount: int = 1) -> tuple[int, float]:
        now = time.monotonic()
        with self._lock:
            reset_at, count = self._windows.get(key, (now + window, 0))
            if reset_at <= now:
                reset_at, count = now + window, 0
            count = max(0, count + amount)
            self._windows[key] = (reset_at, count)
            if len(self._windows) > 10_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            return count, reset_at - now


local_counter = LocalWindowCounter()


def _identities(ip: str, account: str) -> list[str]:
    ids = [keys.rate_limit(POLICY, f"ip:{ip}")]
    if account:
        ids.append(keys.rate_limit(POLICY, f"account:{account.strip().lower()}"))
    return ids


def consume(ip: str, account: str) -> ThrottleResult:
    """Count one login attempt; ``allowed`` is False once either identity is over the limit."""
    limit = settings.LOGIN_ATTEMPTS_LIMIT
    window = settings.LOGIN_ATTEMPTS_WINDOW_SECONDS
    buckets = _identities(ip, account)
    try:
        if not settings.REDIS_RATELIMIT_ENABLED:
            raise RedisDisabled("rate limiting without Redis")
        pipe = get_client("state").pipeline(transaction=False)
        for bucket in buckets:
            FIXED_WINDOW(pipe, [bucket], [window * 1000, 1])
        results = [(int(count), int(ttl_ms) / 1000) for count, ttl_ms in pipe.execute()]
    except (redis.RedisError, RedisDisabled) as exc:
        if not isinstance(exc, RedisDisabled):
            logger.warning("login limiter: Redis unavailable, using the per-process limiter")
        results = [local_counter.hit(bucket, window) for bucket in buckets]
    over = [ttl for count, ttl in results if count > limit]
    return ThrottleResult(allowed=not over, retry_after=int(max(over, default=0)) + 1 if over else 0)


def release(ip: str, account: str) -> None:
    """Give back the attempt of a successful login."""
    buckets = _identities(ip, account)
    try:
        if not settings.REDIS_RATELIMIT_ENABLED:
            raise RedisDisabled("rate limiting without Redis")
        pipe = get_client("state").pipeline(transaction=False)
        for bucket in buckets:
            COUNTER_RELEASE(pipe, [bucket], [1])
        pipe.execute()
    except (redis.RedisError, RedisDisabled):
        for bucket in buckets:
            local_counter.hit(bucket, settings.LOGIN_ATTEMPTS_WINDOW_SECONDS, amount=-1)
