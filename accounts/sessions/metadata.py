"""What Trackeep keeps inside each session besides Django's own entries.

- ``META_KEY``: the seed's ``SessionData`` (user id, email, username, role, IP, user agent, created
  at, last active). ``last_active`` is refreshed at most once a minute (``SessionActivityMiddleware``),
  which also slides the 24-hour expiry.
- ``SNAPSHOT_KEY``: the user's non-secret fields, so an authenticated request builds ``request.user``
  from the session it already loaded, with no database query. It never holds the password hash or
  2FA secrets; those stay deferred and load from the database only when touched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from core.net import client_ip

META_KEY = "_tk_meta"
SNAPSHOT_KEY = "_tk_user"
USER_AGENT_MAX = 300
SNAPSHOT_FIELDS = (
    "id",
    "username",
    "email",
    "full_name",
    "role",
    "timezone",
    "is_active",
    "is_staff",
    "is_superuser",
)


def now_iso() -> str:
    return timezone.now().isoformat()


def parse_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def user_snapshot(user: Any) -> dict[str, Any]:
    """The fields of ``user`` that authenticated requests read (no secrets)."""
    return {name: getattr(user, name) for name in SNAPSHOT_FIELDS}


def session_metadata(request: HttpRequest, user: Any) -> dict[str, Any]:
    """A fresh ``SessionData`` record for a login from ``request``."""
    now = now_iso()
    return {
        "user_id": user.pk,
        "email": user.email,
        "username": user.username,
        "role": user.role,
        "ip": client_ip(request) or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        "created_at": now,
        "last_active": now,
    }
