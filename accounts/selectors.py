"""Cached reads for accounts: the public profile and the active sessions list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from accounts.caches import PROFILE
from accounts.sessions import index
from accounts.sessions.metadata import META_KEY, owner_of, parse_time
from accounts.sessions.public_id import public_id

PROFILE_FIELDS = ("id", "username", "email", "full_name", "role", "bio", "timezone", "date_joined")


def any_user_exists() -> bool:
    return bool(get_user_model().objects.exists())


def account_id_for_login(login: str) -> int | None:
    """The id of the account a login form names by username or e-mail (case-insensitive), if any."""
    login = login.strip()
    field = "email__iexact" if "@" in login else "username__iexact"
    return get_user_model().objects.filter(**{field: login}).values_list("pk", flat=True).first()


def get_profile(user_id: int) -> dict[str, Any] | None:
    """The user's profile as a plain dict, cached 15 minutes (never secrets: no password, no 2FA)."""

    def load() -> dict[str, Any]:
        return get_user_model().objects.filter(pk=user_id).values(*PROFILE_FIELDS).first() or {}

    return PROFILE.get_or_compute(load, user_id=user_id).value or None


@dataclass(frozen=True)
class ActiveSession:
    """One row of the "Active sessions" page, addressed by its public id (never by its key)."""

    id: str
    ip: str | None
    user_agent: str
    created_at: Any
    last_active: Any
    current: bool


def list_sessions(user_id: int, current_key: str | None) -> list[ActiveSession]:
    """The user's active sessions with their device metadata, current one first."""
    from django.conf import settings
    from django.contrib.sessions.backends.base import SessionBase
    from django.utils.module_loading import import_string

    store_class: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    rows = []
    for key in index.active_keys(user_id):
        data = store_class(key).load()
        meta = data.get(META_KEY)
        if not meta or owner_of(data) != user_id:
            index.remove(user_id, key)
            continue
        rows.append(
            ActiveSession(
                id=public_id(key),
                ip=meta.get("ip"),
                user_agent=meta.get("ua", ""),
                created_at=parse_time(meta.get("since")),
                last_active=parse_time(meta.get("seen")),
                current=key == current_key,
            )
        )
    rows.sort(key=lambda s: (not s.current, -(s.last_active.timestamp() if s.last_active else 0)))
    return rows
