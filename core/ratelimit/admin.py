"""User admin actions "Show rate limits" and "Reset rate limits" (``accounts.admin.UserAdmin`` lists
them: the platform offers them and knows no domain app)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from core.ratelimit import identity, services
from core.ratelimit.views import UNREACHABLE
from core.redis.errors import RedisUnavailable


@admin.action(description="Show rate limits of the selected user")
def show_rate_limits(modeladmin: Any, request: HttpRequest, queryset: Any) -> HttpResponseRedirect | None:
    if queryset.count() != 1:
        modeladmin.message_user(
            request, "Select exactly one user to see their rate limits.", messages.WARNING
        )
        return None
    return HttpResponseRedirect(f"{reverse('ratelimit:identity')}?user={queryset.get().pk}")


@admin.action(description="Reset rate limits of the selected users", permissions=["change"])
def reset_rate_limits(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    checks = [check for user in queryset for check in identity.checks_for_user(user)]
    target = ", ".join(f"user:{user.pk}" for user in queryset)
    try:
        found = services.reset(checks, target=target, request=request)
    except RedisUnavailable:
        modeladmin.message_user(request, UNREACHABLE, messages.ERROR)
        return
    modeladmin.message_user(
        request, f"Rate limits of {queryset.count()} user(s) reset ({found} active budget(s) cleared)."
    )
