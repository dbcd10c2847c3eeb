"""Plain-dict shapes of messages, notifications and WebSocket envelopes (JSON and msgpack safe).

The same message dict goes out over the socket (``message.created`` ...), from the backfill endpoint
and from the composer's JSON reply, so the browser renders every message with one function. Bodies are
raw text: the client inserts them with ``textContent`` and templates autoescape, so nothing here is
HTML. References carry only kind and id; cards depend on who reads them and are resolved per reader.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from messaging.models import Message, Notification

EXCERPT_LENGTH = 120


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def envelope(event_type: str, conversation_id: int | None, data: dict[str, Any]) -> dict[str, Any]:
    """The socket envelope: ``{type, conversation_id, data, timestamp}``."""
    return {
        "type": event_type,
        "conversation_id": conversation_id,
        "data": data,
        "timestamp": timezone.now().isoformat(),
    }


def user_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username}


def excerpt(message: Message) -> str:
    if message.is_deleted:
        return ""
    body = " ".join(message.body.split())
    return body if len(body) <= EXCERPT_LENGTH else body[: EXCERPT_LENGTH - 1] + "…"


def reactions_summary(message: Message) -> list[dict[str, Any]]:
    """Reactions grouped by emoji in first-use order (uses the prefetched ``reactions``)."""
    users: dict[str, list[int]] = defaultdict(list)
    for reaction in sorted(message.reactions.all(), key=lambda r: r.pk):
        users[reaction.emoji].append(reaction.user_id)
    return [{"emoji": emoji, "count": len(ids), "user_ids": ids} for emoji, ids in users.items()]


def message_payload(message: Message) -> dict[str, Any]:
    """A message as the browser sees it (expects ``sender``, ``reply_to`` and reactions loaded)."""
    reply = message.reply_to
    return {
        "id": message.pk,
        "conversation_id": message.conversation_id,
        "sender": user_ref(message.sender),
        "body": "" if message.is_deleted else message.body,
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "deleted": message.is_deleted,
        "reply_to": (
            {"id": reply.pk, "sender": user_ref(reply.sender), "excerpt": excerpt(reply)} if reply else None
        ),
        "reactions": [] if message.is_deleted else reactions_summary(message),
        "references": (
            []
            if message.is_deleted
            else [{"kind": r.kind, "id": r.object_id} for r in message.references.all()]
        ),
    }


def notification_payload(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "count": notification.count,
        "excerpt": excerpt(notification.message) if notification.message else "",
        "conversation_id": notification.conversation_id,
        "message_id": notification.message_id,
        "created_at": iso(notification.created_at),
    }
