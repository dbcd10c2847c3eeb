"""Conversations, their members, messages, reactions, references and per-user notifications.

The database is the source of truth for everything here; Redis only carries derived state (unread
counts, see ``messaging.unread``) and the live fan-out (``messaging.broadcast``). Message ids are the
cursor for history pagination and for the reconnect backfill, so they only ever grow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Conversation(models.Model):
    """A place where members talk: a direct message, a group, a global channel or notes to self."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct message"
        GROUP = "group", "Group"
        CHANNEL = "channel", "Channel"
        SELF = "self", "Notes to self"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)
    # Unique identity of the conversations there may be only one of: "general", "direct:3:7", "self:3".
    key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-last_activity_at", "-id")

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.pk}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    """A user's place in a conversation: role and read marker (the last message id they have read)."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    last_read_message_id = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("conversation", "user"), name="messaging_one_membership"),
        ]
        indexes = [models.Index(fields=("user", "conversation"), name="messaging_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.conversation_id} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.ADMIN)


class Message(models.Model):
    """One message. Editing stamps ``edited_at``; deleting is soft (``deleted_at``), the row stays."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="messages_sent"
    )
    body = models.TextField()
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("conversation", "id"), name="messaging_msg_conv_id_idx")]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.conversation_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reaction(models.Model):
    """One emoji one user put on one message."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("message", "user", "emoji"), name="messaging_one_reaction"),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id} on {self.message_id}"


class MessageReference(models.Model):
    """A pointer from a message to one of the sender's bookmarks, tasks or notes.

    Only the kind and id are stored; each reader sees the card only if ``content`` says they may.
    """

    class Kind(models.TextChoices):
        BOOKMARK = "bookmark", "Bookmark"
        TASK = "task", "Task"
        NOTE = "note", "Note"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("message", "kind", "object_id"), name="messaging_one_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} in {self.message_id}"


class Notification(models.Model):
    """Something that happened for a user: a new message, a mention, later a new follower.

    Unread "new message" notifications are collapsed per conversation: one row whose count grows.
    """

    class Kind(models.TextChoices):
        MESSAGE = "message", "New message"
        MENTION = "mention", "Mention"
        FOLLOW = "follow", "New follower"
        REMINDER = "reminder", "Reminder"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=("user", "-id"), name="messaging_notif_user_idx"),
            models.Index(
                fields=("user", "conversation"),
                condition=Q(read_at__isnull=True),
                name="messaging_notif_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}: {self.text}"
