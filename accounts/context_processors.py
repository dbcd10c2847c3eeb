"""Template context for account pages; evaluated lazily so other pages pay nothing."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import verification
from accounts.models import SiteSettings


def signup(request: HttpRequest) -> dict[str, object]:
    """``signup_open``: whether the sign-up link should be offered (one query, only if used)."""
    return {"signup_open": SimpleLazyObject(lambda: SiteSettings.load().signup_open)}


def email_verification(request: HttpRequest) -> dict[str, object]:
    """``pending_email``: the address still waiting for verification, if that matters (one query,
    only on the pages that show the reminder)."""
    user = getattr(request, "user", None)
    return {"pending_email": SimpleLazyObject(lambda: verification.pending_address(user))}
