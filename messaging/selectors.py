"""Messaging reads: membership checks, the inbox, message pages by id cursor, search, notifications.

Every read of a conversation goes through ``membership_or_404`` first, so a non-member gets the same
404 as for a conversation that does not exist. Unread counts come from Redis (``messaging.unread``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from messaging import unread
from messaging.caches import CONVERSATIONS
from messaging.models import Conversation, Membership, Message, Notification

INBOX_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
BACKFILL_LIMIT = 200
SEARCH_LIMIT = 50
NOTIFICATIONS_PAGE_SIZE = 30
PICKER_LIMIT = 10
LISTEN_LIMIT = 100  # at most the socket's subscription limit (consumers.MAX_SUBSCRIPTIONS)


def membership_or_404(user_id: int, conversation_id: int) -> Membership:
    """The user's membership of the conversation (with the conversation), or 404."""
    membership = (
        Membership.objects.select_related("conversation")
        .filter(user_id=user_id, conversation_id=conversation_id)
        .first()
    )
    if membership is None:
        raise Http404("No such conversation.")
    return membership


def is_member(user_id: int, conversation_id: int) -> bool:
    return Membership.objects.filter(user_id=user_id, conversation_id=conversation_id).exists()


def member_conversation_ids(user_id: int, conversation_ids: Iterable[int]) -> set[int]:
    """Which of ``conversation_ids`` the user belongs to (one query)."""
    return set(
        Membership.objects.filter(user_id=user_id, conversation_id__in=list(conversation_ids)).values_list(
            "conversation_id", flat=True
        )
    )


def messages_queryset() -> QuerySet[Message]:
    """Messages with everything their payload and template need, in a fixed number of queries."""
    return Message.objects.select_related("sender", "reply_to__sender").prefetch_related(
        "reactions", "references"
    )


def load_message(message_id: int) -> Message:
    return messages_queryset().get(pk=message_id)


def message_in_conversation_or_404(conversation_id: int, message_id: int) -> Message:
    message = messages_queryset().filter(pk=message_id, conversation_id=conversation_id).first()
    if message is None:
        raise Http404("No such message.")
    return message


@dataclass(frozen=True)
class MessagePage:
    """Messages in ascending id order and whether more exist beyond the cursor."""

    messages: list[Message]
    has_more: bool

    @property
    def first_id(self) -> int | None:
        return self.messages[0].pk if self.messages else None

    @property
    def last_id(self) -> int | None:
        return self.messages[-1].pk if self.messages else None


def history(conversation_id: int, before: int | None = None, limit: int = HISTORY_PAGE_SIZE) -> MessagePage:
    """The ``limit`` newest messages with an id below ``before`` (the newest overall without it)."""
    qs = messages_queryset().filter(conversation_id=conversation_id)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: limit + 1])
    return MessagePage(messages=rows[:limit][::-1], has_more=len(rows) > limit)


def after(conversation_id: int, after_id: int, limit: int = BACKFILL_LIMIT) -> MessagePage:
    """The oldest ``limit`` messages with an id above ``after_id`` (the reconnect backfill)."""
    qs = messages_queryset().filter(conversation_id=conversation_id, id__gt=after_id).order_by("id")
    rows = list(qs[: limit + 1])
    return MessagePage(messages=rows[:limit], has_more=len(rows) > limit)


def settled_ids_after(
    conversation_id: int, after_id: int, created_before: datetime, limit: int = BACKFILL_LIMIT
) -> list[int]:
    """Ids of the oldest ``limit`` messages above ``after_id`` created before ``created_before``
    (a socket's catch-up: messages old enough that their live event, if any, has arrived)."""
    qs = Message.objects.filter(
        conversation_id=conversation_id, id__gt=after_id, created_at__lt=created_before
    )
    return list(qs.order_by("id").values_list("id", flat=True)[:limit])


def latest_message_id(conversation_id: int) -> int:
    """The newest message id of a conversation, 0 when it has none."""
    newest = (
        Message.objects.filter(conversation_id=conversation_id).order_by("-id").values_list("id", flat=True)
    )
    return newest.first() or 0


def messages_by_ids(ids: Iterable[int]) -> list[Message]:
    """These messages, oldest first."""
    return list(messages_queryset().filter(id__in=list(ids)).order_by("id"))


def search(conversation_id: int, query: str, limit: int = SEARCH_LIMIT) -> list[Message]:
    """Messages of one conversation whose text contains ``query``, newest first."""
    return list(
        messages_queryset()
        .filter(conversation_id=conversation_id, deleted_at__isnull=True, body__icontains=query)
        .order_by("-id")[:limit]
    )


@dataclass(frozen=True)
class InboxRow:
    conversation: Conversation
    title: str
    unread: int


def conversation_title(conversation: Conversation, others: list[Any] | None = None) -> str:
    """What a member calls the conversation: the other person of a DM, #name of a channel..."""
    if conversation.kind == Conversation.Kind.CHANNEL:
        return f"#{conversation.name}"
    if conversation.kind == Conversation.Kind.SELF:
        return "Notes to self"
    if conversation.kind == Conversation.Kind.DIRECT:
        names = [u.get_full_name() for u in others or []]
        return ", ".join(names) or "Direct message"
    return conversation.name or "Group"


def direct_partner_ids(user_id: int) -> list[int]:
    """The users who share a direct conversation with ``user_id`` (one query)."""
    return list(
        Membership.objects.filter(
            conversation__kind=Conversation.Kind.DIRECT, conversation__memberships__user_id=user_id
        )
        .exclude(user_id=user_id)
        .values_list("user_id", flat=True)
    )


def direct_partners(user_id: int, conversation_ids: list[int]) -> dict[int, list[Any]]:
    """The other member of each direct conversation (one query)."""
    partners: dict[int, list[Any]] = {cid: [] for cid in conversation_ids}
    if conversation_ids:
        rows = (
            Membership.objects.filter(conversation_id__in=conversation_ids)
            .exclude(user_id=user_id)
            .select_related("user")
        )
        for row in rows:
            partners[row.conversation_id].append(row.user)
    return partners


@dataclass(frozen=True)
class InboxPage:
    """Where an inbox page sits, as cached: what the pagination template asks of Django's ``Page``."""

    number: int
    num_pages: int

    @property
    def paginator(self) -> InboxPage:
        return self

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


@dataclass(frozen=True)
class CachedInbox:
    """An inbox page without its unread counts: the conversations and the title each has."""

    page: InboxPage
    conversations: list[tuple[Conversation, str]]


def _inbox_page(user_id: int, page_number: Any, archived: bool) -> CachedInbox:
    qs = (
        Conversation.objects.filter(memberships__user_id=user_id, archived_at__isnull=not archived)
        .select_related("last_message__sender")
        .order_by("-last_activity_at", "-id")
    )
    page = Paginator(qs, INBOX_PAGE_SIZE).get_page(page_number)
    conversations = list(page.object_list)
    partners = direct_partners(user_id, [c.pk for c in conversations if c.kind == Conversation.Kind.DIRECT])
    titled = [(c, conversation_title(c, partners.get(c.pk))) for c in conversations]
    return CachedInbox(InboxPage(page.number, page.paginator.num_pages), titled)


def inbox(
    user_id: int, page_number: Any, archived: bool = False, counts: unread.UnreadCounts | None = None
) -> tuple[InboxPage, list[InboxRow]]:
    """One page of the user's conversations, most recently active first, with unread counts
    (``counts``, else read now). The page comes from the ``conversations`` family: no query on a hit."""
    number = str(page_number or "")
    cached = CONVERSATIONS.get_or_compute(
        lambda: _inbox_page(user_id, page_number, archived),
        "archived" if archived else "active",
        number,
        user_id=user_id,
    ).value
    counts = counts if counts is not None else unread.get(user_id)
    rows = [InboxRow(c, title, counts.for_conversation(c.pk)) for c, title in cached.conversations]
    return cached.page, rows


def title_for(user_id: int, conversation: Conversation) -> str:
    partners = (
        direct_partners(user_id, [conversation.pk]) if conversation.kind == Conversation.Kind.DIRECT else {}
    )
    return conversation_title(conversation, partners.get(conversation.pk))


def members(conversation_id: int) -> list[Membership]:
    """Members with their users, owners first, then admins, then by name."""
    order = {Membership.Role.OWNER: 0, Membership.Role.ADMIN: 1, Membership.Role.MEMBER: 2}
    rows = list(Membership.objects.filter(conversation_id=conversation_id).select_related("user"))
    return sorted(rows, key=lambda m: (order.get(m.role, 3), m.user.username.lower()))


def member_count(conversation_id: int) -> int:
    return Membership.objects.filter(conversation_id=conversation_id).count()


def notifications(user_id: int, page_number: Any) -> Page:
    """One entry per conversation (its newest notification, whose message is the latest text)
    and one per notification without a conversation, newest first. ``group_unread`` counts the
    unread messages and mentions the entry stands for."""
    mine = Notification.objects.filter(user_id=user_id)
    newer = mine.filter(conversation_id=OuterRef("conversation_id"), pk__gt=OuterRef("pk"))
    unread_in_conversation = (
        mine.filter(conversation_id=OuterRef("conversation_id"), read_at__isnull=True)
        .order_by()
        .values("conversation_id")
        .annotate(n=Sum("count"))
        .values("n")
    )
    own_unread = Case(When(read_at__isnull=True, then=F("count")), default=Value(0))
    qs = (
        mine.exclude(Exists(newer))  # for conversation NULL nothing is "newer": each one stays
        .annotate(
            group_unread=Case(
                When(conversation__isnull=True, then=own_unread),
                default=Coalesce(Subquery(unread_in_conversation), Value(0)),
                output_field=IntegerField(),
            )
        )
        .select_related("actor", "message")
        .order_by("-id")
    )
    return Paginator(qs, NOTIFICATIONS_PAGE_SIZE).get_page(page_number)


def listened_conversation_ids(user_id: int, limit: int = LISTEN_LIMIT) -> list[int]:
    """The user's most recently active conversations (not archived): every page's socket listens
    to them, so the header's Messages badge counts new messages anywhere."""
    return list(
        Conversation.objects.filter(memberships__user_id=user_id, archived_at__isnull=True)
        .order_by("-last_activity_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )


def inbox_row(user_id: int, conversation_id: int) -> InboxRow:
    """One inbox row (a conversation that appeared while the inbox was open), or 404."""
    conversation = (
        Conversation.objects.filter(memberships__user_id=user_id, pk=conversation_id)
        .select_related("last_message__sender")
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return InboxRow(
        conversation, title_for(user_id, conversation), unread.get(user_id).for_conversation(conversation_id)
    )


def people_matching(user_id: int, text: str, limit: int = PICKER_LIMIT) -> list[Any]:
    """Active users (not ``user_id``) whose username or full name contains ``text``, usernames
    starting with it first: the "People" picker."""
    users = (
        get_user_model()
        .objects.filter(Q(username__icontains=text) | Q(full_name__icontains=text), is_active=True)
        .exclude(pk=user_id)
        .only("pk", "username", "full_name")
    )
    return sorted(
        users[: limit * 3], key=lambda u: (not u.username.lower().startswith(text.lower()), u.username)
    )[:limit]


def counts(user_id: int, reconcile: bool = False) -> unread.UnreadCounts:
    """The user's unread counts; ``reconcile`` recomputes them from the database and stores them
    (a client asks for that after a reconnect, when Redis may have missed updates)."""
    return unread.rebuild(user_id) if reconcile else unread.get(user_id)
