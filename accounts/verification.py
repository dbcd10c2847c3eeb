"""Email verification: when it is asked for, which address still waits, resending the link.

Verification matters only when outgoing mail reaches people (``settings.EMAIL_DELIVERS``, derived
from ``EMAIL_URL``): then allauth sends a link to new addresses, and two-factor authentication can be
turned on only once the address is verified (``MFA_ALLOW_UNVERIFIED_EMAIL``; otherwise whoever
signed up with someone else's address could lock its owner out). Without mail nothing waits for a
link that cannot arrive. An admin can mark addresses verified (the Users page's action).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest


def required() -> bool:
    """Is anything waiting for a verified address (two-factor, and so the reminders)?"""
    return not settings.MFA_ALLOW_UNVERIFIED_EMAIL


def pending_address(user: Any) -> str:
    """The user's address that still waits for verification ("" when none, or when not required)."""
    if not required() or not getattr(user, "is_authenticated", False):
        return ""
    address = EmailAddress.objects.filter(user_id=user.pk, verified=False).order_by("-primary").first()
    return address.email if address else ""


def resend(request: HttpRequest, user: Any) -> str:
    """Send a new verification link for the pending address; returns it ("" if nothing waits)."""
    address = EmailAddress.objects.filter(user_id=user.pk, verified=False).order_by("-primary").first()
    if address is None:
        return ""
    address.send_confirmation(request)
    return address.email


def mark_verified(user_ids: Iterable[int]) -> int:
    """An admin vouches for these users' addresses (also creating the row for a bare ``User.email``,
    as users created by an admin have). Returns how many users now have a verified address."""
    users = list(get_user_model().objects.filter(pk__in=list(user_ids)))
    for user in users:
        rows = EmailAddress.objects.filter(user=user)
        if rows.exists():
            rows.update(verified=True)
        elif user.email:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return len(users)
