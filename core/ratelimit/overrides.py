"""Policy overrides set in the admin (``core.models.RateLimitOverride``): read, applied, announced.

An override replaces a configured policy's ``limit`` and ``window``. Saving or deleting one publishes
``POLICIES_CHANGED`` (core.system_events) after the commit; every process then reloads its policy
table, the publishing one at once, the others when their subscriber hears it. The table is also a
registered process-memory cache, so a process that lost its subscription reloads it on reconnect.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.db import transaction

from core import system_events
from core.ratelimit import policies
from core.ratelimit.policies import Policy

logger = logging.getLogger(__name__)

POLICIES_CHANGED = "ratelimit.policies_changed"  # payload {"policy": name}
CACHE_NAME = "ratelimit.policies"


def current() -> dict[str, tuple[int, float]]:
    """``{policy: (limit, window)}`` from the database. A database error propagates, so the table is
    not remembered without the overrides: the next look-up tries again."""
    from core.models import RateLimitOverride

    return {row.policy: (row.limit, row.window) for row in RateLimitOverride.objects.all()}


def problems(policy: Policy, limit: int, window: float) -> list[str]:
    """Why ``limit`` per ``window`` seconds cannot replace ``policy``'s (empty: it can)."""
    found = [] if limit >= 1 else ["the limit must be at least 1"]
    if window <= 0:
        found.append("the window must be a positive number of seconds")
    if not found:
        found += policy.engine.problems(limit, replace(policy, window=window).window_ms)
    return found


def applied(configured: Iterable[Policy], chosen: Mapping[str, tuple[int, float]]) -> tuple[Policy, ...]:
    """``configured`` with the overrides in ``chosen``; one that no longer fits its policy (the
    settings changed since) is logged and ignored."""
    result = []
    for policy in configured:
        if policy.name in chosen:
            limit, window = chosen[policy.name]
            trouble = problems(policy, limit, window)
            if trouble:
                logger.error("rate-limit override of %s ignored: %s", policy.name, "; ".join(trouble))
            else:
                policy = replace(policy, limit=limit, window=window)
        result.append(policy)
    return tuple(result)


def announce(policy: str) -> None:
    """Tell every process (this one first) that ``policy``'s override changed, once the transaction
    commits."""
    transaction.on_commit(lambda: system_events.publish(POLICIES_CHANGED, {"policy": policy}))


def _reload(event: system_events.Event) -> None:
    policies.reload()
    logger.info("rate-limit policies reloaded (%s changed)", event.payload.get("policy", "?"))


def _on_saved_or_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    announce(instance.policy)


def connect() -> None:
    """Register the event handler, the process cache and the model signals (CoreConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from core.models import RateLimitOverride

    system_events.on(POLICIES_CHANGED, _reload)
    system_events.register_cache(CACHE_NAME, policies.reload)
    for signal in (post_save, post_delete):
        signal.connect(_on_saved_or_deleted, sender=RateLimitOverride, dispatch_uid=f"ratelimit.{signal!r}")
