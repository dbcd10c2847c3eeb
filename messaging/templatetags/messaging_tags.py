"""Template filters for messages: reaction summaries and reply excerpts (same as the JSON shapes)."""

from __future__ import annotations

from typing import Any

from django import template

from messaging import payloads
from messaging.models import Message

register = template.Library()


@register.filter
def reactions_of(message: Message, user_id: int) -> list[dict[str, Any]]:
    """Reaction chips of a message, each with ``mine`` for the reader."""
    return [{**r, "mine": user_id in r["user_ids"]} for r in payloads.reactions_summary(message)]


@register.filter
def excerpt(message: Message) -> str:
    return payloads.excerpt(message)


@register.filter
def cards_of(cards: dict[int, list[dict[str, Any]]], message_id: int) -> list[dict[str, Any]]:
    return cards.get(message_id, [])
