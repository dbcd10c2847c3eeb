"""Trackeep's admin site: Django's, with the index grouped the way an operator thinks of it.

- One "Accounts" section: allauth's email addresses (app ``account``) and two-factor authenticators
  (app ``mfa``) are listed with Trackeep's users, sessions and site settings (app ``accounts``)
  instead of as two more sections, one of them also called "Accounts".
- A "Platform" section links the pages that are no model: the rate-limit page and the Redis page.

The labels are strings: the platform layer imports no domain app.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.urls import reverse

ACCOUNTS = "accounts"
FOLDED_INTO_ACCOUNTS = ("account", "mfa")


class TrackeepAdminSite(AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        accounts = next((app for app in apps if app["app_label"] == ACCOUNTS), None)
        if accounts is not None:
            for app in [app for app in apps if app["app_label"] in FOLDED_INTO_ACCOUNTS]:
                accounts["models"].extend(app["models"])
                apps.remove(app)
            accounts["models"].sort(key=lambda model: str(model["name"]).lower())
        if app_label is None and request.user.is_staff:
            apps.append(_platform_section())
        return apps


def _platform_section() -> dict[str, Any]:
    """Pages of the platform layer that are not models, in the shape the index template lists."""
    limits = {
        "name": "Rate limits",
        "object_name": "RateLimits",
        "admin_url": reverse("ratelimit:identity"),
        "add_url": None,
        "view_only": True,
        "perms": {"view": True},
    }
    redis = {
        "name": "Redis",
        "object_name": "Redis",
        "admin_url": reverse("redisadmin:page"),
        "add_url": None,
        "view_only": True,
        "perms": {"view": True},
    }
    return {
        "name": "Platform",
        "app_label": "platform",
        "app_url": reverse("ratelimit:identity"),
        "has_module_perms": True,
        "models": [limits, redis],
    }


class TrackeepAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``TrackeepAdminSite`` as ``admin.site``."""

    default_site = "core.admin_site.TrackeepAdminSite"
