"""django-allauth adapters: closed sign-up by default, Trackeep's login limiter, and two-factor
messages that say what to do."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from accounts import login_throttle
from accounts.models import SiteSettings
from core.net import client_ip


def _account(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Sign-up is closed unless an admin opened it (Site settings in the admin)."""
        return SiteSettings.load().signup_open

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        result = login_throttle.consume(client_ip(request), _account(credentials))
        if not result.allowed:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_throttle.release(client_ip(request), _account(credentials))
        return user


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "unverified_email": (
            "Verify your email address first: open the link we sent you (or send a new one below), "
            "then turn on two-factor authentication."
        ),
    }
