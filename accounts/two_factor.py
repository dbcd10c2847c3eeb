"""The two-factor code step of a login, limited per account and per session.

allauth's own code limit is off with the rest of its limiter (``ACCOUNT_RATE_LIMITS = False``), so
without this a half-logged-in session could try codes as fast as the general limit allows. Every
posted code spends one unit of the ``two_factor`` policy (5 per 5 minutes) for the account being
logged in to and for the session (by its public id), through ``core.ratelimit.per_view`` on the
state Redis, so every app instance shares the count. Past the limit the half-login is dropped: the
password must be entered again, and the login limiter counts that too.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.stagekit import clear_login, unstash_login
from allauth.mfa.base.views import authenticate as allauth_authenticate
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from accounts.sessions.public_id import public_id
from core.ratelimit import identity, per_view

POLICY = "two_factor"


def _identities(request: HttpRequest) -> list[str]:
    pending = unstash_login(request, peek=True)
    found = [identity.user(pending.user.pk)] if pending is not None and pending.user else []
    if request.session.session_key:
        found.append(identity.session(public_id(request.session.session_key)))
    return found


def authenticate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """allauth's code step, after spending one attempt of the account's and the session's budget."""
    if request.method == "POST" and not request.user.is_authenticated:
        found = _identities(request)
        decision = per_view.spend(POLICY, found) if found else None
        if decision is not None and not decision.allowed:
            clear_login(request)
            messages.error(request, "Too many wrong codes. Sign in again with your password.")
            return per_view.refuse(request, decision)
        per_view.record(request, decision)
    return allauth_authenticate(request, *args, **kwargs)
