"""Account writes and their side effects: logins, session revocation, profile updates, setup."""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.module_loading import import_string

from accounts.events import sessions_revoked
from accounts.sessions import index, public_id
from accounts.sessions.metadata import META_KEY, SNAPSHOT_KEY, session_metadata, user_snapshot
from core import audit


def _store(key: str | None = None) -> Any:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(key)


def record_login(request: HttpRequest, user: Any) -> None:
    """Stamp the (already cycled) session with the seed's metadata and the user snapshot."""
    request.session[META_KEY] = session_metadata(request)
    request.session[SNAPSHOT_KEY] = user_snapshot(user)


def record_logout(request: HttpRequest, user: Any) -> None:
    if user is not None and request.session.session_key:
        index.remove(user.pk, request.session.session_key)


def _all_session_keys(user_id: int) -> set[str]:
    from accounts.models import Session

    keys = set(Session.objects.filter(user_id=user_id).values_list("session_key", flat=True))
    return keys | set(index.active_keys(user_id))


def revoke_sessions(
    user_id: int, session_keys: set[str] | list[str], reason: str, request: HttpRequest | None = None
) -> list[str]:
    """Delete the given sessions (Redis and database) and tell listeners (open sockets close).
    ``request`` is the operator's, when one signs the user out (the audit entry names them)."""
    revoked = sorted(session_keys)
    for key in revoked:
        _store(key).delete(key)
    index.remove(user_id, *revoked)
    if revoked:
        sessions_revoked.send(sender=None, user_id=user_id, session_keys=revoked, reason=reason)
        audit.record(
            "sessions_revoked", request=request, target=f"user:{user_id}", count=len(revoked), reason=reason
        )
    return revoked


class RevokeOutcome(enum.Enum):
    REVOKED = "revoked"
    CURRENT = "current"  # the session making the request: that is "Log out"
    NOT_FOUND = "not_found"  # no session of this user has that id


def revoke_session_by_id(user_id: int, session_id: str, current_key: str | None) -> RevokeOutcome:
    """Sign out the session of ``user_id`` whose public id is ``session_id``."""
    key = public_id.find(_all_session_keys(user_id), session_id)
    if key is None:
        return RevokeOutcome.NOT_FOUND
    if key == current_key:
        return RevokeOutcome.CURRENT
    revoke_sessions(user_id, [key], reason="revoked")
    return RevokeOutcome.REVOKED


def revoke_other_sessions(
    user_id: int, keep_key: str | None, reason: str = "revoked", request: HttpRequest | None = None
) -> list[str]:
    """Sign out every session of ``user_id`` except ``keep_key``."""
    return revoke_sessions(user_id, _all_session_keys(user_id) - {keep_key}, reason=reason, request=request)


def session_count(user_id: int) -> int:
    """How many sessions ``user_id`` has (database rows and the Redis index together)."""
    return len(_all_session_keys(user_id))


def sign_out_everywhere(user_id: int, request: HttpRequest | None = None) -> int:
    """An operator signs ``user_id`` out of every session; returns how many were revoked."""
    return len(revoke_other_sessions(user_id, keep_key=None, reason="revoked by admin", request=request))


def refresh_session_snapshots(user: Any) -> None:
    """Rewrite the user snapshot in every stored session of ``user`` after a profile change."""
    snapshot = user_snapshot(user)
    for key in _all_session_keys(user.pk):
        store = _store(key)
        data = store.load()
        if not data or data.get(SNAPSHOT_KEY) == snapshot:
            continue
        store._session_cache = {**data, SNAPSHOT_KEY: snapshot}
        store.modified = True
        store.save()


def update_profile(request: HttpRequest, form: Any) -> Any:
    """Save a profile form. The ``post_save`` handler refreshes the stored sessions and the cached
    profile; the in-memory session of this request is updated here so its save is not stale."""
    user = form.save()
    request.session[SNAPSHOT_KEY] = user_snapshot(user)
    return user


def create_first_admin(*, email: str, username: str, password: str) -> Any | None:
    """Create the instance's first account, an admin (the first-run page); None if an account
    exists already, as when another first-run post won the race.

    Simultaneous posts are serialised by writing the ``SiteSettings`` singleton row first inside
    the transaction: PostgreSQL makes the others wait on that row lock (then they see the winner's
    account), SQLite on its database write lock. A write, not ``select_for_update``, because SQLite
    ignores the latter and only a write takes its lock before the check below.
    """
    from accounts.models import SiteSettings

    SiteSettings.load()  # the row exists before anyone needs to lock it
    User = get_user_model()
    try:
        with transaction.atomic():
            SiteSettings.objects.filter(pk=SiteSettings.PK).update(signup_open=F("signup_open"))
            if User.objects.exists():
                return None
            return User.objects.create_superuser(username=username, email=email, password=password)
    except OperationalError:  # SQLite: still locked by the winner after the busy timeout
        return None
