"""The messaging app's cache family: each user's conversation list (the inbox pages).

One entry per user, page and archived/active list holds the page's conversations (with their last
message and sender) and the title each has for that user, so a repeated inbox costs one Redis round
trip and no query. The unread counts are not in the entry: they come from the user's counts hash
(``messaging.unread``), prefetched with the request's rate-limit check, so reading a conversation
needs no invalidation here and a new message's count shows at once.

Invalidated (after commit, every affected member in one round trip, ``conversations_changed``) by a
new, edited or deleted message (order and preview), a membership change (the joined or removed user
and the others), a rename or (un)archive, a new conversation, and a user renaming themselves (the
titles their direct conversations have for their partners).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from core.redis import ttl
from core.redis.families import CacheFamily

CONVERSATIONS = CacheFamily(
    name="conversations",
    ttl=ttl.MESSAGING_CONVERSATIONS,
    invalidated_by=(
        "message sent, edited or deleted",
        "member added or removed",
        "conversation created, renamed or (un)archived",
        "direct partner renamed",
    ),
    description="a user's conversation list, one entry per page and archived/active",
)


def conversations_changed(conversation_id: int, *also: int) -> None:
    """After the transaction commits, every member's conversation list (and ``also``'s, users no
    longer members) is out of date: one query for the members, one round trip for the bumps."""

    def bump() -> None:
        from messaging.models import Membership

        members = Membership.objects.filter(conversation_id=conversation_id).values_list("user_id", flat=True)
        CONVERSATIONS.invalidate_many([*members, *also])

    transaction.on_commit(bump)


def lists_changed(user_ids: Iterable[int]) -> None:
    """After commit, the conversation lists of ``user_ids`` are out of date (one round trip)."""
    owners = list(user_ids)
    transaction.on_commit(lambda: CONVERSATIONS.invalidate_many(owners))
