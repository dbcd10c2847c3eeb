"""Per-request hash reads that ride along with the rate-limit round trip on the state Redis.

Every page already makes one round trip to the state Redis: the rate-limit check. Hashes that every
page renders (the header's unread counts) are appended to that same pipeline instead of costing a
round trip of their own. An app registers a key builder per name; the middleware asks for the planned
reads, sends them with its scripts, and keeps the replies on the request. When the limiter does not
use Redis (flag off, outage), nothing is prefetched and the consumer reads as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

HashKeyFor = Callable[[HttpRequest], str | None]

_hash_reads: dict[str, HashKeyFor] = {}
_ATTRIBUTE = "_tk_prefetched"


def register_hash(name: str, key_for: HashKeyFor) -> None:
    """Prefetch ``HGETALL key_for(request)`` as ``name`` (skipped when it returns None)."""
    _hash_reads[name] = key_for


def planned(request: HttpRequest) -> list[tuple[str, str]]:
    """``(name, key)`` of the reads to send with this request's rate-limit check."""
    plan = []
    for name, key_for in _hash_reads.items():
        key = key_for(request)
        if key is not None:
            plan.append((name, key))
    return plan


def commands(plan: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("HGETALL", key) for _, key in plan]


def remember(request: HttpRequest, plan: list[tuple[str, str]], replies: list[Any]) -> None:
    setattr(request, _ATTRIBUTE, {name: reply for (name, _), reply in zip(plan, replies, strict=True)})


def prefetched(request: HttpRequest, name: str) -> Any | None:
    """The reply prefetched as ``name`` for this request, or None (then read it yourself)."""
    reply = getattr(request, _ATTRIBUTE, {}).get(name)
    return None if isinstance(reply, Exception) else reply
