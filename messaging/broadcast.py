"""Live fan-out through the Channels layer, always after the database commit.

A write queues its events here; they go out from ``transaction.on_commit``, so no client ever hears
of a message that a rollback then erases, and a client that backfills from the database after a
reconnect finds everything it was told about. Delivery through the layer is at-most-once: a failure
to publish (Redis down) is logged and otherwise ignored, because the write itself has succeeded and
clients catch up from the database. All events of one write go out in one ``async_to_sync`` call,
which under WSGI costs one event loop and one Redis connection instead of one per event.

A publish is bounded, because it runs inside the request that made the write: each send gets
``MESSAGING_FANOUT_TIMEOUT_SECONDS``, and the layer has a circuit breaker of its own
(``core.redis.breaker``, named ``LAYER_BREAKER``). Sends that time out or fail count against it; once
it is open, sends skip the layer without trying until a trial send succeeds. A frozen or dead
channel-layer Redis therefore costs the first request about one bound (its first sends wait in
parallel) and later ones nothing, while a large fan-out to a healthy Redis takes as long as it needs.
Sockets that miss events this way are told to resync when the layer answers again
(``messaging.consumers``).

An event is serialised once, here, not once per socket: the layer message carries the frame's JSON
text (``text``) and its type (``event_type``, for consumers that forward only some events), and every
consumer of the group sends that text as it is. Nothing in an envelope depends on who receives it
(per-reader parts, such as reference cards, are fetched by the client itself).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from core.prometheus.instruments import CHANNEL_LAYER_SENDS
from core.redis import keys
from core.redis.breaker import breaker_for
from core.redis.channels import LAYER_BREAKER, LAYER_ERRORS
from messaging.payloads import envelope

logger = logging.getLogger(__name__)

# The consumer method each layer message type lands in (Channels maps "tk.event" to ``tk_event``).
EVENT = "tk.event"
SESSION_REVOKED = "session.revoked"
MEMBERSHIP_REMOVED = "membership.removed"
PARALLEL_SENDS = 8


class LayerSkipped(Exception):
    """A send not attempted because the layer's breaker is open."""


@dataclass(frozen=True)
class Outgoing:
    """One layer message for one group."""

    group: str
    message: dict[str, Any]


def event_message(event: dict[str, Any]) -> dict[str, Any]:
    """The layer message of one socket event (an envelope with a ``type``): its frame, encoded once,
    and for a new message its conversation and id (sockets track what they forwarded, see upkeep)."""
    message = {"type": EVENT, "event_type": event["type"], "text": json.dumps(event)}
    if event["type"] == "message.created":
        message.update(conversation_id=event["conversation_id"], message_id=event["data"]["id"])
    return message


def to_conversation(event_type: str, conversation_id: int, data: dict[str, Any]) -> Outgoing:
    """An envelope for everyone subscribed to a conversation."""
    return Outgoing(
        keys.conversation_group(conversation_id), event_message(envelope(event_type, conversation_id, data))
    )


def to_user(user_id: int, event_type: str, conversation_id: int | None, data: dict[str, Any]) -> Outgoing:
    """An envelope for every socket of one user."""
    return Outgoing(keys.user_group(user_id), event_message(envelope(event_type, conversation_id, data)))


def control(user_id: int, message_type: str, **fields: Any) -> Outgoing:
    """A message the user's consumers act on themselves (close, leave a group), never forwarded."""
    return Outgoing(keys.user_group(user_id), {"type": message_type, **fields})


async def send_bounded(items: list[Outgoing]) -> None:
    """Send ``items``, each within the fan-out bound and through the layer's breaker; never raises."""
    layer = get_channel_layer()
    if layer is None or not items:
        return
    breaker = breaker_for(LAYER_BREAKER)
    timeout = settings.MESSAGING_FANOUT_TIMEOUT_SECONDS
    # Each group_send holds a pooled Redis connection; a message to a large group notifies every
    # member's own group, which unbounded would exhaust the pool (redis-py's default is 100).
    gate = asyncio.Semaphore(PARALLEL_SENDS)

    async def one(item: Outgoing) -> None:
        async with gate:
            if not breaker.allow():
                CHANNEL_LAYER_SENDS.labels("breaker_open").inc()
                raise LayerSkipped  # open: the breaker logged it; clients resync when it closes
            try:
                async with asyncio.timeout(timeout):
                    await layer.group_send(item.group, item.message)
            except (TimeoutError, *LAYER_ERRORS) as error:
                breaker.record_failure()
                timed_out = isinstance(error, TimeoutError | redis.TimeoutError)
                CHANNEL_LAYER_SENDS.labels("timeout" if timed_out else "error").inc()
                raise
            breaker.record_success()
            CHANNEL_LAYER_SENDS.labels("ok").inc()

    results = await asyncio.gather(*(one(item) for item in items), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException) and not isinstance(r, LayerSkipped)]
    if failures:
        logger.warning(
            "live fan-out: %d of %d sends failed or timed out (bound %.2fs): %r",
            len(failures),
            len(items),
            timeout,
            failures[0],
        )


def send_now(items: Iterable[Outgoing]) -> None:
    """Publish right away (callers outside any write, or already after the commit)."""
    batch = list(items)
    if batch:
        async_to_sync(send_bounded)(batch)


def publish(items: Iterable[Outgoing]) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    batch = list(items)
    if batch:
        transaction.on_commit(lambda: send_now(batch))
