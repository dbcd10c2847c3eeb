"""Admin pages for conversations, messages and notifications (moderation and support)."""

from __future__ import annotations

from django.contrib import admin

from messaging.models import Conversation, Membership, Message, Notification


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    readonly_fields = ("joined_at", "last_read_message_id")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "created_by", "last_activity_at", "archived_at")
    list_filter = ("kind",)
    list_select_related = ("created_by",)
    search_fields = ("name", "key")
    raw_id_fields = ("created_by", "last_message")
    readonly_fields = ("created_at", "last_activity_at")
    inlines = (MembershipInline,)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "conversation", "sender", "created_at", "edited_at", "deleted_at")
    list_select_related = ("conversation", "sender")
    search_fields = ("body", "sender__username")
    raw_id_fields = ("conversation", "sender", "reply_to")
    readonly_fields = ("created_at",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "text", "count", "created_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("user",)
    search_fields = ("user__username", "text")
    raw_id_fields = ("user", "actor", "conversation", "message")
