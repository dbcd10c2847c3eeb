"""Admin pages: challenges with their participants, and follows (read-only views for moderation)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from community.models import Challenge, Follow, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ("user", "progress", "completed_at", "final_rank")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("title", "creator", "target", "goal", "starts_at", "ends_at", "finished_at")
    list_select_related = ("creator",)
    search_fields = ("title", "creator__username")
    readonly_fields = ("creator", "target", "goal", "starts_at", "ends_at", "finished_at")
    inlines = (ParticipantInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created from the challenge page, which validates the window and the target


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followee", "created_at")
    list_select_related = ("follower", "followee")
    search_fields = ("follower__username", "followee__username")
