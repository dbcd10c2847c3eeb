"""django-allauth adapters: closed sign-up by default, Trackeep's login limiter, and two-factor
messages that say what to do.

``pre_authenticate`` counts the attempt (``accounts.login_throttle``): an address over its limit is
refused before the password is checked. An account over its limit is refused after the check
unless the password was right and the account has a second factor: then the login goes on to the
code step (itself limited per account and session, ``accounts.two_factor``), so a stranger spending
the account's budget from many addresses cannot lock its owner out.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest

from accounts import login_throttle
from accounts.models import SiteSettings
from core.net import client_ip

ACCOUNT_LOCKED = "_tk_login_account_locked"  # request attribute: pre_authenticate -> authenticate


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Sign-up is closed unless an admin opened it (Site settings in the admin)."""
        return SiteSettings.load().signup_open

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        result = login_throttle.consume(client_ip(request), _login(credentials))
        if not result.address_allowed:
            raise self.validation_error("too_many_login_attempts")
        setattr(request, ACCOUNT_LOCKED, not result.account_allowed)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if getattr(request, ACCOUNT_LOCKED, False) and (user is None or not is_mfa_enabled(user)):
            raise self.validation_error("too_many_login_attempts")
        if user is not None:
            login_throttle.release(client_ip(request), _login(credentials))
        return user


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "unverified_email": (
            "Verify your email address first: open the link we sent you (or send a new one below), "
            "then turn on two-factor authentication."
        ),
    }
