"""Admin: every user's API tokens, with their state and last use, and a confirmed bulk revoke.

Tokens cannot be created here (a token's secret is shown only to the person who creates it, on their
own tokens page) nor edited (a token's scopes and expiry are fixed; revoke and create another)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from api import scopes, services
from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scope_summary", "created_at", "expires_at", "last_used_at",
                    "last_used_ip", "token_state")  # fmt: skip
    list_filter = ("revoked_at", "expires_at", "created_at")
    search_fields = ("name", "prefix", "user__username", "user__email")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    actions = ("revoke",)
    fields = ("user", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at",
              "last_used_ip", "revoked_at")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="scopes")
    def scope_summary(self, token: ApiToken) -> str:
        return scopes.describe(token.scopes)

    @admin.display(description="state")
    def token_state(self, token: ApiToken) -> str:
        return token.state()

    @admin.action(description="Revoke the selected API tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> HttpResponse | None:
        """First a confirmation page listing the tokens; its button posts back with ``post=yes``."""
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Revoke API tokens?",
                "tokens": queryset.select_related("user"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/api/apitoken/revoke_confirmation.html", context)
        count = services.revoke_tokens(queryset)
        self.message_user(
            request, f"Revoked {count} token(s); they are refused from now on.", messages.SUCCESS
        )
        return None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
