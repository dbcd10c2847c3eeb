"""Admin pages for users, site settings and sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.template.defaultfilters import pluralize

from accounts import services, verification
from accounts.models import Session, SiteSettings, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "full_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "email", "full_name")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Profile", {"fields": ("full_name", "email", "bio", "timezone")}),
        ("Access", {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    actions = ("mark_email_verified",)

    @admin.action(description="Mark their email addresses verified")
    def mark_email_verified(self, request: HttpRequest, queryset: Any) -> None:
        count = verification.mark_verified(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Marked the email address of {count} user{pluralize(count)} verified.")


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("user", "ip", "user_agent", "last_active", "expire_date")
    list_select_related = ("user",)
    search_fields = ("user__username", "ip")
    readonly_fields = (
        "session_key",
        "user",
        "ip",
        "user_agent",
        "created_at",
        "last_active",
        "expire_date",
    )
    exclude = ("session_data",)
    actions = ("revoke_selected",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deleting the row alone would leave the Redis copy: use the action

    @admin.action(description="Sign out the selected sessions (Redis and database)")
    def revoke_selected(self, request: HttpRequest, queryset: Any) -> None:
        for user_id, key in queryset.values_list("user_id", "session_key"):
            services.revoke_sessions(user_id or 0, [key], reason="revoked by admin")
        self.message_user(request, f"Signed out {queryset.count()} session(s).")
