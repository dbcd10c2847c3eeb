"""Accounts middleware: snapshot authentication, session activity, and the first-run redirect."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.authentication import get_user
from accounts.sessions.metadata import META_KEY, now_epoch
from core.redis import ttl


class SnapshotAuthenticationMiddleware(AuthenticationMiddleware):
    """``AuthenticationMiddleware`` that reads the user from the session snapshot."""

    def process_request(self, request: HttpRequest) -> None:
        # Django's own middleware assigns the same lazy object; the stubs type request.user eagerly.
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
        request.auser = sync_to_async(lambda: get_user(request))


class SessionActivityMiddleware:
    """Refreshes ``seen`` (and so the sliding 24 h expiry) at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        meta = session.get(META_KEY) if session is not None and session.accessed else None
        if meta and session is not None:
            now = now_epoch()
            last = meta.get("seen")
            if not isinstance(last, int) or now - last >= ttl.SESSION_ACTIVITY_WRITE_INTERVAL:
                session[META_KEY] = {**meta, "seen": now}
        return response


class FirstRunMiddleware:
    """Until the first account exists, every page leads to the setup page that creates the admin."""

    EXEMPT_PREFIXES = ("/setup/", "/static/", "/healthz", "/readyz", "/metrics")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.has_users = False  # once true it stays true: no query per request afterwards

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.has_users and not request.path.startswith(self.EXEMPT_PREFIXES):
            from accounts.selectors import any_user_exists

            self.has_users = any_user_exists()
            if not self.has_users:
                return HttpResponseRedirect(reverse("setup"))
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Shows times in the signed-in user's own time zone (from the session snapshot: no query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = getattr(user, "timezone", "") if user is not None and user.is_authenticated else ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
