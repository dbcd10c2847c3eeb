"""Admin pages for users (with the platform's rate-limit actions), site settings and sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.template.defaultfilters import pluralize

from accounts import services, verification
from accounts.models import Session, SiteSettings, User
from core.ratelimit.admin import reset_rate_limits, show_rate_limits


@admin.action(description="Sign out every session of the selected users", permissions=["change"])
def sign_out_everywhere(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    revoked = sum(
        services.sign_out_everywhere(user_id, request=request)
        for user_id in queryset.values_list("pk", flat=True)
    )
    modeladmin.message_user(request, f"Signed out {revoked} session(s).")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # One list: a second ``actions`` below would silently drop these (it once did).
    actions = (sign_out_everywhere, show_rate_limits, reset_rate_limits, "mark_email_verified")
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
    """A read-only list of sessions that never shows, links or routes by a session key (the primary
    key here): no change pages, no checkboxes. Sign users out with the User admin's action."""

    list_display = ("user", "ip", "user_agent", "last_active", "expire_date")
    list_display_links = None
    list_select_related = ("user",)
    search_fields = ("user__username", "ip")
    actions = None

    def get_urls(self) -> list[Any]:
        return [url for url in super().get_urls() if url.name and url.name.endswith("_changelist")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deleting the row alone would leave the Redis copy: use the user action
