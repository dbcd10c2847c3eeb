"""Publishing system events, and claiming one so that a single process acts on it."""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import uuid
from collections.abc import Iterable
from typing import Any

from core.redis import keys
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable
from core.system_events.registry import CACHE_INVALIDATE, Event, dispatch

logger = logging.getLogger("core.system_events")

CLAIM_TTL_SECONDS = 3600  # long after every subscriber has heard the event

_origin: tuple[int, str] | None = None


def process_origin() -> str:
    """This process, as ``host:pid:token`` (a forked child gets its own)."""
    global _origin
    if _origin is None or _origin[0] != os.getpid():
        _origin = (os.getpid(), f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}")
    return _origin[1]


def encode(event: Event) -> str:
    return json.dumps({"id": event.id, "kind": event.kind, "payload": event.payload, "origin": event.origin})


def decode(data: bytes | str) -> Event | None:
    """The event in a channel message; None for anything malformed (logged)."""
    try:
        raw = json.loads(data)
        return Event(str(raw["id"]), str(raw["kind"]), dict(raw.get("payload") or {}), str(raw["origin"]))
    except (ValueError, KeyError, TypeError):
        logger.warning("ignored a malformed system event: %.200r", data)
        return None


def publish(kind: str, payload: dict[str, Any] | None = None) -> int:
    """Apply the event in this process, then broadcast it; returns how many other processes'
    subscribers Redis delivered it to (0 also when Redis is unreachable: they reload on reconnect)."""
    event = Event(uuid.uuid4().hex, kind, dict(payload or {}), process_origin())
    dispatch(event)
    try:
        receivers = int(get_client("state").publish(keys.system_events_channel(), encode(event)))
    except RedisUnavailable as error:
        logger.warning("system event %s not broadcast (%s: %s)", kind, type(error).__name__, error)
        return 0
    return max(0, receivers - 1) if _subscribed_here() else receivers


def _subscribed_here() -> bool:
    from core.system_events.subscriber import listening

    return listening()


def invalidate_caches(names: Iterable[str] | None = None) -> int:
    """Clear the named process-memory caches (None or empty: all of them) in every process."""
    return publish(CACHE_INVALIDATE, {"caches": sorted(names or ())})


def claim(event: Event) -> bool:
    """Be the one process that acts on ``event`` (first ``SET NX`` wins). With Redis unreachable
    only the publishing process acts."""
    try:
        key = keys.system_event_claim(event.id)
        won = get_client("state").set(key, process_origin(), nx=True, ex=CLAIM_TTL_SECONDS)
    except RedisUnavailable:
        return event.origin == process_origin()
    return bool(won)
