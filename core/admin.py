"""Admin of the platform's models: the audit log, read-only and searchable; the job outbox;
rate-limit policy overrides."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEntry, DeferredJob, RateLimitOverride
from core.ratelimit.admin import RateLimitOverrideAdmin

admin.site.register(RateLimitOverride, RateLimitOverrideAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "ip", "target")
    list_filter = ("action",)
    search_fields = ("actor", "ip", "target", "detail", "=actor_id")
    date_hierarchy = "at"
    list_per_page = 50
    readonly_fields = ("stream_id", "at", "action", "actor_id", "actor", "ip", "target", "detail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(DeferredJob)
class DeferredJobAdmin(admin.ModelAdmin):
    """Jobs waiting for Redis (core.jobs.outbox); the periodic job sends them when it answers."""

    list_display = ("name", "created_at", "error")
    readonly_fields = ("name", "args", "kwargs", "created_at", "error")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DeferredJob | None = None) -> bool:
        return False
