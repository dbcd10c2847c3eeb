"""Messaging writes and their side effects: unread counts, notifications and the live broadcast.

Every function here checks membership and role itself, so the HTTP views and the socket consumer
share one set of rules. Side effects outside the database (Redis counters, the channel layer) run in
``transaction.on_commit``: a message is in the database before anyone hears of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import jobs
from messaging import broadcast, payloads, references, selectors, unread
from messaging.caches import conversations_changed, lists_changed
from messaging.errors import MessagingError
from messaging.models import Conversation, Membership, Message, Notification, Reaction
from messaging.text import clean_body, clean_emoji, mentioned_usernames

GENERAL_KEY = "general"
GENERAL_NAME = "general"
MAX_REACTIONS_PER_USER = 10
GROUP_NAME_MAX = 100
Kind = Conversation.Kind
Role = Membership.Role


def _on_commit_unread(func: Any, *args: Any) -> None:
    transaction.on_commit(lambda: func(*args))


# --- conversations -----------------------------------------------------------------------------


def general_channel() -> Conversation:
    """The global channel every user belongs to (created on first need)."""
    conversation, _ = Conversation.objects.get_or_create(
        key=GENERAL_KEY, defaults={"kind": Kind.CHANNEL, "name": GENERAL_NAME}
    )
    return conversation


def notes_to_self(user: Any) -> Conversation:
    """The user's private notes conversation (created on first need)."""
    with transaction.atomic():
        conversation, created = Conversation.objects.get_or_create(
            key=f"self:{user.pk}", defaults={"kind": Kind.SELF, "name": "Notes to self", "created_by": user}
        )
        if created:
            Membership.objects.create(conversation=conversation, user=user, role=Role.OWNER)
            lists_changed([user.pk])
    return conversation


def set_up_new_user(user: Any) -> None:
    """Join a new user to #general and give them their notes conversation."""
    with transaction.atomic():
        Membership.objects.get_or_create(conversation=general_channel(), user=user)
        notes_to_self(user)
        lists_changed([user.pk])


def start_direct(user: Any, other: Any) -> Conversation:
    """The direct conversation of two users (the same one every time); with oneself, the notes."""
    if other.pk == user.pk:
        return notes_to_self(user)
    low, high = sorted((user.pk, other.pk))
    with transaction.atomic():
        conversation, created = Conversation.objects.get_or_create(
            key=f"direct:{low}:{high}", defaults={"kind": Kind.DIRECT, "created_by": user}
        )
        if created:
            Membership.objects.bulk_create(
                [
                    Membership(conversation=conversation, user_id=user.pk, role=Role.MEMBER),
                    Membership(conversation=conversation, user_id=other.pk, role=Role.MEMBER),
                ]
            )
            broadcast.publish([_conversation_event(other.pk, conversation, "added")])
            lists_changed([user.pk, other.pk])
    return conversation


def create_group(user: Any, name: str, members: Iterable[Any]) -> Conversation:
    """A new group owned by ``user`` with ``members``."""
    name = _clean_group_name(name)
    others = {m.pk: m for m in members if m.pk != user.pk}
    with transaction.atomic():
        conversation = Conversation.objects.create(kind=Kind.GROUP, name=name, created_by=user)
        Membership.objects.bulk_create(
            [Membership(conversation=conversation, user_id=user.pk, role=Role.OWNER)]
            + [Membership(conversation=conversation, user_id=uid, role=Role.MEMBER) for uid in others]
        )
        broadcast.publish(_conversation_event(uid, conversation, "added") for uid in others)
        lists_changed([user.pk, *others])
    return conversation


def _clean_group_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise MessagingError("Give the group a name.")
    if len(name) > GROUP_NAME_MAX:
        raise MessagingError(f"A group name can be at most {GROUP_NAME_MAX} characters.")
    return name


def _conversation_event(user_id: int, conversation: Conversation, action: str) -> broadcast.Outgoing:
    return broadcast.to_user(user_id, "conversation.updated", conversation.pk, {"action": action})


def _conversation_changed(conversation: Conversation, action: str, **data: Any) -> broadcast.Outgoing:
    return broadcast.to_conversation(
        "conversation.updated",
        conversation.pk,
        {
            "action": action,
            "name": conversation.name,
            "archived": conversation.is_archived,
            **data,
        },
    )


def _manager(actor: Any, conversation_id: int) -> Membership:
    """The actor's membership of a group they may manage (404 if not a member, 403 if not allowed)."""
    membership = selectors.membership_or_404(actor.pk, conversation_id)
    if membership.conversation.kind != Kind.GROUP:
        raise MessagingError("Only groups have members to manage.")
    if not membership.can_manage:
        raise PermissionDenied("Only owners and admins can do that.")
    return membership


def add_member(actor: Any, conversation_id: int, user: Any) -> bool:
    """Add ``user`` to a group; False if they were already in it."""
    conversation = _manager(actor, conversation_id).conversation
    if conversation.is_archived:
        raise MessagingError("This conversation is archived.")
    if not user.is_active:
        raise MessagingError("That account is inactive.")
    with transaction.atomic():
        _, created = Membership.objects.get_or_create(conversation=conversation, user=user)
        if created:
            broadcast.publish(
                [
                    _conversation_changed(conversation, "member_added", user=payloads.user_ref(user)),
                    _conversation_event(user.pk, conversation, "added"),
                ]
            )
            conversations_changed(conversation.pk)
    return created


def remove_member(actor: Any, conversation_id: int, user_id: int) -> None:
    """Remove a member from a group (or leave it, when ``user_id`` is the actor)."""
    own = selectors.membership_or_404(actor.pk, conversation_id)
    conversation = own.conversation
    if conversation.kind != Kind.GROUP:
        raise MessagingError("You can only leave or remove members of groups.")
    with transaction.atomic():
        target = (
            Membership.objects.select_for_update().filter(conversation=conversation, user_id=user_id).first()
        )
        if target is None:
            raise Http404("No such member.")
        if user_id != actor.pk:
            if not own.can_manage:
                raise PermissionDenied("Only owners and admins can remove members.")
            if target.role == Role.OWNER and own.role != Role.OWNER:
                raise PermissionDenied("Only an owner can remove an owner.")
        target.delete()
        if target.role == Role.OWNER and not conversation.memberships.filter(role=Role.OWNER).exists():
            successor = conversation.memberships.order_by(
                # admins first, then the longest-standing member
                F("role").asc(),
                "joined_at",
                "id",
            ).first()
            if successor is not None:
                successor.role = Role.OWNER
                successor.save(update_fields=["role"])
        broadcast.publish(
            [
                broadcast.control(user_id, broadcast.MEMBERSHIP_REMOVED, conversation_id=conversation.pk),
                _conversation_event(user_id, conversation, "removed"),
                _conversation_changed(conversation, "member_removed", user_id=user_id),
            ]
        )
        _on_commit_unread(unread.forget_conversation, user_id, conversation.pk)
        conversations_changed(conversation.pk, user_id)


def set_role(actor: Any, conversation_id: int, user_id: int, role: str) -> None:
    """Owners make members admins (or owners), and back."""
    own = _manager(actor, conversation_id)
    if own.role != Role.OWNER:
        raise PermissionDenied("Only owners can change roles.")
    if role not in Role.values:
        raise MessagingError("Unknown role.")
    with transaction.atomic():
        target = (
            Membership.objects.select_for_update()
            .filter(conversation_id=conversation_id, user_id=user_id)
            .first()
        )
        if target is None:
            raise Http404("No such member.")
        owners = Membership.objects.filter(conversation_id=conversation_id, role=Role.OWNER).count()
        if target.role == Role.OWNER and role != Role.OWNER and owners <= 1:
            raise MessagingError("A group needs at least one owner: make someone else owner first.")
        target.role = role
        target.save(update_fields=["role"])
        broadcast.publish(
            [_conversation_changed(own.conversation, "role_changed", user_id=user_id, role=role)]
        )


def rename(actor: Any, conversation_id: int, name: str) -> None:
    conversation = _manager(actor, conversation_id).conversation
    conversation.name = _clean_group_name(name)
    with transaction.atomic():
        conversation.save(update_fields=["name"])
        broadcast.publish([_conversation_changed(conversation, "renamed")])
        conversations_changed(conversation.pk)


def set_archived(actor: Any, conversation_id: int, archived: bool) -> None:
    """Archive (read-only, out of the inbox) or restore a conversation."""
    membership = selectors.membership_or_404(actor.pk, conversation_id)
    conversation = membership.conversation
    if conversation.kind == Kind.CHANNEL:
        raise PermissionDenied("The global channel cannot be archived.")
    if conversation.kind == Kind.GROUP and not membership.can_manage:
        raise PermissionDenied("Only owners and admins can archive a group.")
    conversation.archived_at = timezone.now() if archived else None
    with transaction.atomic():
        conversation.save(update_fields=["archived_at"])
        broadcast.publish([_conversation_changed(conversation, "archived" if archived else "restored")])
        conversations_changed(conversation.pk)


# --- messages ------------------------------------------------------------------------------------


def _title_for_notification(conversation: Conversation) -> str:
    if conversation.kind == Kind.CHANNEL:
        return f"#{conversation.name}"
    if conversation.kind == Kind.DIRECT:
        return "a direct message"
    return conversation.name


def _notify_new_message(
    conversation: Conversation, message: Message, sender: Any, recipients: dict[int, str]
) -> list[Notification]:
    """Mentions for mentioned members; for DMs and groups a "new message" notification per member,
    collapsed into the member's unread one for this conversation. Returns the rows created."""
    if conversation.kind == Kind.SELF:
        return []
    url = reverse("messaging:conversation", args=[conversation.pk]) + f"#m-{message.pk}"
    title = _title_for_notification(conversation)
    names = mentioned_usernames(message.body)
    mentioned = {uid for uid, username in recipients.items() if username.lower() in names}
    created = [
        Notification(
            user_id=uid,
            kind=Notification.Kind.MENTION,
            actor=sender,
            conversation=conversation,
            message=message,
            text=f"{sender.username} mentioned you in {title}",
            url=url,
        )
        for uid in sorted(mentioned)
    ]
    if conversation.kind in (Kind.DIRECT, Kind.GROUP):
        text = (
            f"{sender.username} sent you a message"
            if conversation.kind == Kind.DIRECT
            else f"{sender.username} wrote in {title}"
        )
        others = set(recipients) - mentioned
        pending = Notification.objects.filter(
            user_id__in=others,
            conversation=conversation,
            kind=Notification.Kind.MESSAGE,
            read_at__isnull=True,
        )
        already = set(pending.values_list("user_id", flat=True))
        if already:
            pending.update(count=F("count") + 1)
            # Jobs of two messages may run out of order: the entry shows the newer one.
            pending.filter(message_id__lt=message.pk).update(
                message=message, actor=sender, text=text, url=url
            )
        created += [
            Notification(
                user_id=uid,
                kind=Notification.Kind.MESSAGE,
                actor=sender,
                conversation=conversation,
                message=message,
                text=text,
                url=url,
            )
            for uid in sorted(others - already)
        ]
    return Notification.objects.bulk_create(created)


def send_message(
    user: Any,
    conversation_id: int,
    body: object,
    reply_to_id: int | None = None,
    refs: Iterable[tuple[str, int]] = (),
) -> Message:
    """Save a message, then (after the commit) count it unread, notify and broadcast it."""
    text = clean_body(body)
    refs = references.validate(user, list(refs))
    with transaction.atomic():
        membership = selectors.membership_or_404(user.pk, conversation_id)
        conversation = membership.conversation
        if conversation.is_archived:
            raise MessagingError("This conversation is archived: restore it to write in it.")
        reply_to = None
        if reply_to_id is not None:
            reply_to = Message.objects.filter(pk=reply_to_id, conversation=conversation).first()
            if reply_to is None:
                raise MessagingError("The message you are replying to is not in this conversation.")
        message = Message.objects.create(conversation=conversation, sender=user, body=text, reply_to=reply_to)
        if refs:
            message.references.bulk_create(
                [message.references.model(message=message, kind=k, object_id=i) for k, i in refs]
            )
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message=message, last_activity_at=message.created_at
        )
        Membership.objects.filter(pk=membership.pk).update(last_read_message_id=message.pk)
        recipients = dict(
            Membership.objects.filter(conversation=conversation)
            .exclude(user_id=user.pk)
            .values_list("user_id", "user__username")
        )
        message = selectors.load_message(message.pk)
        outgoing = [
            broadcast.to_conversation("message.created", conversation.pk, payloads.message_payload(message))
        ]
        outgoing += _sender_caught_up(user.pk, conversation.pk)
        _on_commit_unread(unread.add_message, list(recipients), conversation.pk)
        lists_changed([user.pk, *recipients])
        broadcast.publish(outgoing)  # first: the live broadcast goes out before the notifications
        if not _may_notify(conversation, text):
            pass
        elif settings.MESSAGING_NOTIFY_IN_BACKGROUND:
            from messaging.jobs import notify_about_message  # jobs imports this module

            jobs.enqueue_on_commit(notify_about_message, message.pk, inline_if_refused=True)
        else:
            _write_notifications(conversation, message, user, recipients)
    return message


def _may_notify(conversation: Conversation, body: str) -> bool:
    """Can a message with ``body`` notify anyone here? (Notes never do; channels only by mention.)"""
    if conversation.kind == Kind.SELF:
        return False
    return conversation.kind != Kind.CHANNEL or bool(mentioned_usernames(body))


def _write_notifications(
    conversation: Conversation, message: Message, sender: Any, recipients: dict[int, str]
) -> None:
    """Write the notifications of a new message; after the commit count them unread and push them."""
    notifications = _notify_new_message(conversation, message, sender, recipients)
    _on_commit_unread(unread.add_notifications, [n.user_id for n in notifications])
    broadcast.publish(
        broadcast.to_user(
            n.user_id, "notification.created", conversation.pk, payloads.notification_payload(n)
        )
        for n in notifications
    )


def notify_about_message(message_id: int) -> None:
    """The notifications of a message sent earlier (``messaging.jobs.notify_about_message``, or the
    request itself after its commit when the queue refused the job).

    Members who have read past the message by now (they wrote after it, or opened the conversation)
    are not notified, nor is anyone twice for one message (a job that runs again), nor anyone about a
    message deleted meanwhile.
    """
    message = (
        Message.objects.select_related("conversation", "sender")
        .filter(pk=message_id, deleted_at__isnull=True)
        .first()
    )
    if message is None or message.sender is None:
        return
    with transaction.atomic():
        notified = Notification.objects.filter(message_id=message.pk).values_list("user_id", flat=True)
        recipients = dict(
            Membership.objects.filter(
                conversation_id=message.conversation_id, last_read_message_id__lt=message.pk
            )
            .exclude(user_id=message.sender_id)
            .exclude(user_id__in=list(notified))
            .values_list("user_id", "user__username")
        )
        _write_notifications(message.conversation, message, message.sender, recipients)


def _sender_caught_up(user_id: int, conversation_id: int) -> list[broadcast.Outgoing]:
    """Whoever writes in a conversation has read it: their marker moved to their own message, so
    its unread count is zero and their notifications about it are done."""
    _on_commit_unread(unread.set_conversation, user_id, conversation_id, 0)
    cleared = Notification.objects.filter(
        user_id=user_id, conversation_id=conversation_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    if not cleared:
        return []
    remaining = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
    _on_commit_unread(unread.set_notifications, user_id, remaining)
    data = {"user_id": user_id, "unread": 0, "notifications_unread": remaining}
    return [broadcast.to_user(user_id, "read.updated", conversation_id, data)]


def _own_message(user: Any, message_id: int) -> tuple[Membership, Message]:
    message = Message.objects.select_related("conversation").filter(pk=message_id).first()
    if message is None:
        raise Http404("No such message.")
    membership = selectors.membership_or_404(user.pk, message.conversation_id)
    return membership, message


def edit_message(user: Any, message_id: int, body: object) -> Message:
    """The sender rewrites their message; it is marked edited."""
    text = clean_body(body)
    membership, message = _own_message(user, message_id)
    if message.sender_id != user.pk:
        raise PermissionDenied("You can only edit your own messages.")
    if message.is_deleted:
        raise MessagingError("This message was deleted.")
    if membership.conversation.is_archived:
        raise MessagingError("This conversation is archived.")
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(body=text, edited_at=timezone.now())
        conversations_changed(message.conversation_id)  # the preview of its last message
        message = selectors.load_message(message.pk)
        broadcast.publish(
            [
                broadcast.to_conversation(
                    "message.updated", message.conversation_id, payloads.message_payload(message)
                )
            ]
        )
    return message


def delete_message(user: Any, message_id: int) -> None:
    """Soft-delete: the sender, or an owner/admin of a group, hides the message for everyone."""
    membership, message = _own_message(user, message_id)
    allowed = message.sender_id == user.pk or (
        membership.conversation.kind == Kind.GROUP and membership.can_manage
    )
    if not allowed:
        raise PermissionDenied("You can only delete your own messages.")
    if message.is_deleted:
        return
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(deleted_at=timezone.now())
        conversations_changed(message.conversation_id)  # the preview of its last message
        broadcast.publish(
            [broadcast.to_conversation("message.deleted", message.conversation_id, {"id": message.pk})]
        )


def _reactable(user: Any, message_id: int) -> Message:
    _, message = _own_message(user, message_id)
    if message.is_deleted:
        raise MessagingError("This message was deleted.")
    return message


def _reaction_event(event_type: str, message: Message, user: Any, emoji: str) -> broadcast.Outgoing:
    fresh = selectors.load_message(message.pk)
    return broadcast.to_conversation(
        event_type,
        message.conversation_id,
        {
            "message_id": message.pk,
            "emoji": emoji,
            "user_id": user.pk,
            "reactions": payloads.reactions_summary(fresh),
        },
    )


def add_reaction(user: Any, message_id: int, emoji: object) -> bool:
    """Put an emoji on a message; False if this user had already put it there."""
    emoji = clean_emoji(emoji)
    message = _reactable(user, message_id)
    with transaction.atomic():
        mine = Reaction.objects.filter(message=message, user_id=user.pk)
        if mine.filter(emoji=emoji).exists():
            return False
        if mine.count() >= MAX_REACTIONS_PER_USER:
            raise MessagingError(f"You can add at most {MAX_REACTIONS_PER_USER} reactions to a message.")
        try:
            with transaction.atomic():
                Reaction.objects.create(message=message, user_id=user.pk, emoji=emoji)
        except IntegrityError:  # the same reaction from a concurrent request
            return False
        broadcast.publish([_reaction_event("reaction.added", message, user, emoji)])
    return True


def remove_reaction(user: Any, message_id: int, emoji: object) -> bool:
    """Take an emoji off a message; False if it was not there."""
    emoji = clean_emoji(emoji)
    message = _reactable(user, message_id)
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(message=message, user_id=user.pk, emoji=emoji).delete()
        if deleted:
            broadcast.publish([_reaction_event("reaction.removed", message, user, emoji)])
    return bool(deleted)


def toggle_reaction(user: Any, message_id: int, emoji: object) -> bool:
    """Add the reaction, or remove it if present; True when it is on the message afterwards."""
    emoji = clean_emoji(emoji)
    if Reaction.objects.filter(message_id=message_id, user_id=user.pk, emoji=emoji).exists():
        remove_reaction(user, message_id, emoji)
        return False
    add_reaction(user, message_id, emoji)
    return True


# --- read markers and notifications --------------------------------------------------------------


def mark_read(user: Any, conversation_id: int, message_id: int | None = None) -> int:
    """Move the user's read marker forward to ``message_id`` (default: the latest message).

    Returns the unread count left in the conversation. Notifications about messages up to the
    marker are marked read as well, so the bell and the badges agree.
    """
    membership = selectors.membership_or_404(user.pk, conversation_id)
    conversation = membership.conversation
    latest = conversation.last_message_id or 0
    target = latest if message_id is None else min(int(message_id), latest)
    if target <= membership.last_read_message_id:
        return unread.get(user.pk).for_conversation(conversation_id)
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, last_read_message_id__lt=target).update(
            last_read_message_id=target
        )
        left = (
            Message.objects.filter(conversation_id=conversation_id, id__gt=target, deleted_at__isnull=True)
            .exclude(sender_id=user.pk)
            .count()
        )
        marked = Notification.objects.filter(
            user_id=user.pk, conversation_id=conversation_id, read_at__isnull=True, message_id__lte=target
        ).update(read_at=timezone.now())
        personal: dict[str, Any] = {"user_id": user.pk, "last_read_message_id": target, "unread": left}
        _on_commit_unread(unread.set_conversation, user.pk, conversation_id, left)
        if marked:
            remaining = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
            personal["notifications_unread"] = remaining
            _on_commit_unread(unread.set_notifications, user.pk, remaining)
        outgoing = [broadcast.to_user(user.pk, "read.updated", conversation_id, personal)]
        if conversation.kind in (Kind.DIRECT, Kind.GROUP):
            # Read receipts for the others; in channels nobody needs everyone's markers.
            outgoing.append(
                broadcast.to_conversation(
                    "read.updated", conversation_id, {"user_id": user.pk, "last_read_message_id": target}
                )
            )
        broadcast.publish(outgoing)
    return left


def notify(user_id: int, kind: str, text: str, url: str = "", actor: Any = None) -> Notification:
    """Create a notification for ``user_id`` (other apps: e.g. a new follower) and push it live."""
    with transaction.atomic():
        notification = Notification.objects.create(
            user_id=user_id, kind=kind, text=text[:300], url=url, actor=actor
        )
        _on_commit_unread(unread.add_notifications, [user_id])
        broadcast.publish(
            [
                broadcast.to_user(
                    user_id, "notification.created", None, payloads.notification_payload(notification)
                )
            ]
        )
    return notification


def mark_notifications_read(
    user: Any, notification_ids: Iterable[int] | None = None, conversation_id: int | None = None
) -> int:
    """Mark some (or all, or those of one conversation: its whole entry on the notifications page)
    of the user's notifications read; returns how many were unread."""
    with transaction.atomic():
        qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
        if notification_ids is not None:
            qs = qs.filter(pk__in=list(notification_ids))
        if conversation_id is not None:
            qs = qs.filter(conversation_id=conversation_id)
        marked = qs.update(read_at=timezone.now())
        if marked:
            remaining = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
            _on_commit_unread(unread.set_notifications, user.pk, remaining)
            broadcast.publish(
                [broadcast.to_user(user.pk, "read.updated", None, {"notifications_unread": remaining})]
            )
    return marked


def open_notification(user: Any, notification_id: int) -> str:
    """Mark one notification read (with the rest of its conversation's entry) and return where
    it leads."""
    notification = Notification.objects.filter(pk=notification_id, user_id=user.pk).first()
    if notification is None:
        raise Http404("No such notification.")
    if notification.conversation_id is not None:
        mark_notifications_read(user, conversation_id=notification.conversation_id)
    else:
        mark_notifications_read(user, [notification.pk])
    return notification.url or reverse("messaging:notifications")


# --- sockets of revoked sessions -----------------------------------------------------------------


def close_sockets(user_id: int, session_keys: Iterable[str]) -> None:
    """Tell every open socket of these sessions to close (logout, revocation, password change)."""
    keys_list = [k for k in session_keys if k]
    if keys_list:
        broadcast.publish([broadcast.control(user_id, broadcast.SESSION_REVOKED, session_keys=keys_list)])


def find_users(usernames: Iterable[str]) -> tuple[list[Any], list[str]]:
    """Active users by username (case-insensitive), and the names that matched nobody."""
    wanted = {name.strip().lstrip("@").lower(): name.strip() for name in usernames if name.strip()}
    if not wanted:
        return [], []
    query = Q()
    for name in wanted:
        query |= Q(username__iexact=name)
    users = list(get_user_model().objects.filter(query, is_active=True))
    found = {u.username.lower() for u in users}
    return users, [original for lowered, original in wanted.items() if lowered not in found]
