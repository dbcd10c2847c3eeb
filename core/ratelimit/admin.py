"""User admin actions "Show rate limits" and "Reset rate limits" (``accounts.admin.UserAdmin`` lists
them: the platform offers them and knows no domain app), and the admin of policy overrides
(``RateLimitOverride``, registered by core.admin): a saved change applies on every instance at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from core.models import RateLimitOverride
from core.ratelimit import identity, overrides, policies, services
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


def _policy_choices() -> list[tuple[str, str]]:
    return [
        (p.name, f"{p.name} ({p.limit} per {p.window:g} s in the settings)")
        for p in policies.configured_policies()
    ]


class RateLimitOverrideForm(forms.ModelForm):
    policy = forms.ChoiceField(choices=_policy_choices)

    class Meta:
        model = RateLimitOverride
        fields = ("policy", "limit", "window", "note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, limit, window = data.get("policy"), data.get("limit"), data.get("window")
        if name and limit is not None and window is not None:
            policy = policies.get_configured(name)
            for problem in overrides.problems(policy, limit, window):
                self.add_error(None, problem)
        return data


class RateLimitOverrideAdmin(admin.ModelAdmin):
    """Limit and window per policy, over the settings; every process reloads its table on save."""

    form = RateLimitOverrideForm
    list_display = ("policy", "limit", "window", "configured", "note", "updated_at")
    search_fields = ("policy", "note")

    @admin.display(description="in the settings")
    def configured(self, obj: RateLimitOverride) -> str:
        try:
            policy = policies.get_configured(obj.policy)
        except KeyError:
            return "no such policy any more (ignored)"
        return f"{policy.limit} per {policy.window:g} s"
