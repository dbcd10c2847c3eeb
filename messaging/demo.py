"""Demo conversations for ``manage.py seed_demo``: direct messages, a team group and #general, with
a month of history.

Conversations are opened through ``messaging.services`` (so memberships and keys are exactly what
the app makes); the history is inserted in bulk, with ids growing in time order as the app's cursors
expect, then each conversation's last message and each member's read marker are set so a few
messages stay unread. Unread counts in Redis are derived state and rebuild themselves from these
rows. About a tenth of ``items`` per user become messages: 60 % in direct messages, 40 % shared
between the group and #general.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from core import demo
from messaging import services
from messaging.models import Conversation, Membership, Message

BATCH_SIZE = 1000
MESSAGE_SHARE = 0.10
DIRECT_PARTNERS = 3
HISTORY_SECONDS = 30 * 86400
GROUP_NAME = "Demo team"

LINES = (
    "Morning! Anyone looked at the search latency graph?",
    "I pushed the fix for the flaky test, CI is green again.",
    "Can we move the retro to Thursday?",
    "Bookmarked a great write-up on cache invalidation, tagged it Reading/Articles.",
    "Lunch at 12:30?",
    "The Redis failover drill went fine, notes are in the runbook.",
    "Who owns the quarterly report task?",
    "Shipping the release notes after review.",
    "That import of 5,000 bookmarks took under a second.",
    "Reminder: the dentist moved my afternoon, back at 4.",
    "Looks good to me, merge it.",
    "I'll take the onboarding doc.",
    "Thanks, that helped a lot!",
    "Does anyone have the budget spreadsheet?",
    "Deploy is done, all health checks pass.",
)  # fmt: skip


def _body(rng: random.Random, usernames: list[str]) -> str:
    line = rng.choice(LINES)
    return f"@{rng.choice(usernames)} {line}" if usernames and rng.random() < 0.08 else line


def _history(
    rng: random.Random, conversation: Conversation, authors: list[Any], count: int, anchor: datetime
) -> int:
    """Insert ``count`` messages by ``authors``, oldest first; mark most of them read."""
    if count <= 0 or not authors:
        return 0
    times = sorted(anchor - timedelta(seconds=rng.randint(60, HISTORY_SECONDS)) for _ in range(count))
    names = [a.username for a in authors]
    rows = [
        Message(conversation=conversation, sender_id=rng.choice(authors).pk, body=_body(rng, names))
        for _ in range(count)
    ]
    created = Message.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    for message, moment in zip(created, times, strict=True):
        message.created_at = moment  # auto_now_add stamped "now" on insert
    Message.objects.bulk_update(created, ["created_at"], batch_size=BATCH_SIZE)
    last = created[-1]
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message=last, last_activity_at=last.created_at
    )
    for membership in Membership.objects.filter(conversation=conversation).order_by("user_id"):
        unread = rng.choice((0, 0, 0, 1, 2, 5))
        membership.last_read_message_id = created[max(0, len(created) - 1 - unread)].pk
        membership.save(update_fields=["last_read_message_id"])
    return count


def prepare(ctx: demo.DemoContext) -> int:
    """The team group and the history shared by everyone (group and #general)."""
    rng = ctx.rng("messaging", "shared")
    users = ctx.users
    shared = round(ctx.share(MESSAGE_SHARE) * len(users) * 0.4)
    group = services.create_group(users[0], GROUP_NAME, users[1:])
    return _history(rng, group, users, shared // 2, ctx.anchor) + _history(
        rng, services.general_channel(), users, shared - shared // 2, ctx.anchor
    )


def clear(user_ids: list[int]) -> None:
    """Delete demo users' messages everywhere and the conversations only demo users were in."""
    Message.objects.filter(sender_id__in=user_ids).delete()
    theirs = Membership.objects.filter(user_id__in=user_ids).values("conversation_id")
    shared_with_others = Membership.objects.exclude(user_id__in=user_ids).values("conversation_id")
    Conversation.objects.filter(pk__in=theirs).exclude(pk__in=shared_with_others).exclude(
        kind=Conversation.Kind.CHANNEL
    ).delete()
    for conversation in Conversation.objects.filter(
        last_message__isnull=True, messages__isnull=False
    ).distinct():
        latest = conversation.messages.order_by("-id").first()
        Conversation.objects.filter(pk=conversation.pk).update(last_message=latest)


@demo.register("messaging", order=20, prepare=prepare, clear=clear)
def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
    """Direct messages between ``user`` and the next few demo users, each with its history."""
    rng = ctx.rng("messaging", index)
    users = ctx.users
    partners = [
        users[(index + step) % len(users)] for step in range(1, min(DIRECT_PARTNERS, len(users) - 1) + 1)
    ]
    per_partner = round(ctx.share(MESSAGE_SHARE) * 0.6 / max(1, len(partners)))
    created = 0
    for partner in partners:
        conversation = services.start_direct(user, partner)
        if conversation.last_message_id is None:  # a pair opened by the other side already has history
            created += _history(rng, conversation, [user, partner], per_partner, ctx.anchor)
    return created
