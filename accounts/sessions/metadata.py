"""What Trackeep keeps inside each session besides Django's own entries.

- ``META_KEY``: the seed's ``SessionData`` facts the session does not already hold: the IP, the user
  agent (``ua``), when it started (``since``) and was last active (``seen``), times as Unix seconds.
  ``seen`` is refreshed at most once a minute (``SessionActivityMiddleware``), which also slides the
  24-hour expiry. The user id is Django's own ``_auth_user_id``; email, username and role are in the
  snapshot: every fact is stored once (docs/benchmarks.md gives the bytes per session).
- ``SNAPSHOT_KEY``: the user's non-secret fields, so an authenticated request builds ``request.user``
  from the session it already loaded, with no database query. It never holds the password hash or
  2FA secrets; those stay deferred and load from the database only when touched.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest

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


def now_epoch() -> int:
    return int(time.time())


def parse_time(value: int | None) -> dt.datetime | None:
    """A stored time (Unix seconds) as an aware datetime."""
    return dt.datetime.fromtimestamp(value, tz=dt.UTC) if isinstance(value, int) else None


def owner_of(data: Mapping[str, Any]) -> int | None:
    """The id of the user a session's data is signed in as (Django's own entry), if any."""
    value = data.get(SESSION_KEY)
    return int(value) if value is not None and str(value).isdigit() else None


def user_snapshot(user: Any) -> dict[str, Any]:
    """The fields of ``user`` that authenticated requests read (no secrets)."""
    return {name: getattr(user, name) for name in SNAPSHOT_FIELDS}


def session_metadata(request: HttpRequest) -> dict[str, Any]:
    """A fresh ``SessionData`` record for a login from ``request``."""
    now = now_epoch()
    return {
        "ip": client_ip(request) or None,
        "ua": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        "since": now,
        "seen": now,
    }
