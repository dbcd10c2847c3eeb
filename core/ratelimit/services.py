"""Spend, give back and reset rate-limit budgets, applying each policy's outage mode.

When Redis cannot answer a check (unreachable, circuit open, or the script itself failed), the
policy decides: ``open`` admits the request, counted in ``metrics`` and logged; ``local`` asks this
process's own limiter, so login and password reset stay limited through an outage. Outage log lines
are throttled to one per policy and mode every ``OUTAGE_LOG_INTERVAL`` seconds, carrying the count.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from core import audit
from core.prometheus.instruments import RATELIMIT_DECISIONS
from core.ratelimit import algorithms, metrics
from core.ratelimit.backends import local_limiter, primary, redis_limiter
from core.ratelimit.base import Check, Decision
from core.ratelimit.policies import FAIL_LOCAL
from core.redis.errors import RedisUnavailable

logger = logging.getLogger(__name__)
OUTAGE_LOG_INTERVAL = 60.0

_last_logged: dict[tuple[str, str], float] = {}
_log_lock = threading.Lock()


def _log_outage(event: str, policy: str, total: int, error: Exception) -> None:
    now = time.monotonic()
    with _log_lock:
        last = _last_logged.get((event, policy))
        if last is not None and now - last < OUTAGE_LOG_INTERVAL:
            return
        _last_logged[event, policy] = now
    logger.warning(
        "rate limit %s: Redis could not answer (%s: %s); %s, %d so far in this process",
        policy,
        type(error).__name__,
        error,
        "admitted unchecked" if event == metrics.FAIL_OPEN else "using the per-process limiter",
        total,
    )


def outage_decision(check: Check, error: Exception) -> Decision:
    """Decide ``check`` by its policy's outage mode when Redis could not (logged and counted)."""
    name = check.policy.name
    event = metrics.LOCAL_FALLBACK if check.policy.outage == FAIL_LOCAL else metrics.FAIL_OPEN
    _log_outage(event, name, metrics.record(event, name), error)
    if event == metrics.LOCAL_FALLBACK:
        return local_limiter.hit([check])[0]
    return Decision.fail_open(check.policy)


def hit(checks: Sequence[Check]) -> list[Decision]:
    """Spend one unit of each check's budget: one Redis round trip for all of them."""
    return hit_and_read(checks, ())[0]


def hit_and_read(
    checks: Sequence[Check], reads: Sequence[Sequence[Any]]
) -> tuple[list[Decision], list[Any] | None]:
    """``hit``, with plain ``reads`` (``core.redis.prefetch``) in the same round trip. Their replies
    are None when the limiter did not use Redis for this request."""
    if not checks:
        return [], None
    read_replies: list[Any] | None = None
    limiter = primary()
    if limiter is local_limiter:
        decisions = local_limiter.hit(checks)
    else:
        try:
            results, read_replies = redis_limiter.hit_and_read(checks, reads)
        except RedisUnavailable as exc:
            results = [exc] * len(checks)
        decisions = [
            result if isinstance(result, Decision) else outage_decision(check, result)
            for check, result in zip(checks, results, strict=True)
        ]
    for decision in decisions:
        RATELIMIT_DECISIONS.labels(decision.policy.name, "allowed" if decision.allowed else "denied").inc()
        if not decision.allowed:
            metrics.record(metrics.DENIED, decision.policy.name)
    return decisions, read_replies


def release(checks: Sequence[Check]) -> None:
    """Give back one unit of each check (a login that succeeded). Only counting algorithms (the
    fixed window) can give units back: ValueError for the others."""
    for check in checks:
        algorithms.releasable(check.policy)
        if primary() is redis_limiter:
            try:
                redis_limiter.release(check)
                continue
            except RedisUnavailable:
                pass  # the attempt was counted locally during the outage: give it back there
        local_limiter.release(check)


def reset(checks: Sequence[Check], *, target: str, request: HttpRequest | None = None) -> int:
    """Forget these identities' budgets (operators); returns how many buckets existed.
    This process's outage fallback state is forgotten too. Raises ``redis.RedisError`` when the
    shared store cannot be reached. The reset of ``target`` (who it was for) is audited."""
    found = local_limiter.reset(checks)
    if primary() is redis_limiter:
        found = redis_limiter.reset(checks)
    audit.record("ratelimit_reset", request=request, target=target, buckets=found)
    return found
