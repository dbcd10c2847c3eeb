"""References from messages to bookmarks, tasks and notes, through the content app's contract.

``content.selectors.card_for(user, kind, id) -> dict | None`` returns the card of an item ``user`` may
see, or None. A sender may only reference items they can see at the time of sending; every reader
sees a card only if ``card_for`` grants it to *them*, so a reference never leaks an item to a member
who could not open it (today ``card_for`` grants items to their owner only).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from content.selectors import card_for
from messaging.errors import MessagingError
from messaging.models import Message, MessageReference

MAX_REFERENCES = 5
KINDS = {choice.value for choice in MessageReference.Kind}


def card(user: Any, kind: str, object_id: int) -> dict[str, Any] | None:
    """The card of one item for ``user``, or None when they may not see it."""
    result = card_for(user, kind, object_id)
    return dict(result) if result else None


def parse(raw: str | Iterable[str]) -> list[tuple[str, int]]:
    """``"bookmark:12 note:3"`` (or a list of such tokens) as ``[(kind, id), ...]``, deduplicated."""
    tokens = raw.replace(",", " ").split() if isinstance(raw, str) else [str(t) for t in raw]
    refs: list[tuple[str, int]] = []
    for token in tokens:
        kind, _, number = token.partition(":")
        if kind not in KINDS or not number.isdigit() or int(number) <= 0:
            raise MessagingError(f"“{token[:40]}” is not a reference: use bookmark:ID, task:ID or note:ID.")
        if (kind, int(number)) not in refs:
            refs.append((kind, int(number)))
    if len(refs) > MAX_REFERENCES:
        raise MessagingError(f"A message can reference at most {MAX_REFERENCES} items.")
    return refs


def validate(sender: Any, refs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Keep ``refs`` only if the sender may see every one of them."""
    for kind, object_id in refs:
        if card(sender, kind, object_id) is None:
            raise MessagingError(f"You have no {kind} with id {object_id}.")
    return refs


def cards_for_reader(reader: Any, messages: Iterable[Message]) -> dict[int, list[dict[str, Any]]]:
    """Visible cards per message id for ``reader`` (expects prefetched ``references``)."""
    cards: dict[int, list[dict[str, Any]]] = {}
    for message in messages:
        if message.is_deleted:
            continue
        visible = [
            {**found, "kind": ref.kind, "id": ref.object_id}
            for ref in message.references.all()
            if (found := card(reader, ref.kind, ref.object_id)) is not None
        ]
        if visible:
            cards[message.pk] = visible
    return cards
