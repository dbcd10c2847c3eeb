"""Build ``request.user`` from the session's user snapshot, without a database query.

Django's ``get_user`` loads the user row on every request to compare the session auth hash with the
password hash. Trackeep instead keeps a snapshot of the user's non-secret fields in the session and
keeps it true by writing, not by checking: a profile change rewrites the snapshot in all of that
user's sessions; a password change, deactivation or revocation deletes the sessions outright
(``accounts.services``). Fields outside the snapshot (``password``, ``last_login``...) are deferred
and load from the database only if something reads them.

Deleting can miss a copy (the state Redis not taking writes, a replica restored from before), so the
snapshot login also verifies the session's auth hash against the user's last credential change
(``accounts.sessions.credentials``, a per-process copy of a shared table: no query). A session whose
hash is out of date goes through Django's full check, which signs it out.

``session_user`` applies the same rules to a stored session by key: the WebSocket consumers re-check
their session with it.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils.module_loading import import_string

from accounts.sessions import credentials
from accounts.sessions.metadata import SNAPSHOT_FIELDS, SNAPSHOT_KEY, user_snapshot


def user_from_snapshot(snapshot: dict[str, Any]) -> Any:
    """A model instance from a snapshot; every other field stays deferred."""
    model = get_user_model()
    names = [f.attname for f in model._meta.concrete_fields if f.attname in snapshot]
    return model.from_db("default", names, [snapshot[name] for name in names])


def _trusted_snapshot(session: SessionBase, user_id: Any) -> dict[str, Any] | None:
    """The session's snapshot if it may stand in for the user row (else the database decides)."""
    snapshot = session.get(SNAPSHOT_KEY)
    if not (
        snapshot
        and str(snapshot.get("id")) == str(user_id)
        and set(SNAPSHOT_FIELDS) <= snapshot.keys()
        and session.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
    ):
        return None
    if credentials.credential_changes.superseded(snapshot["id"], session.get(HASH_SESSION_KEY)):
        return None
    return dict(snapshot)


def session_owner(session: SessionBase) -> Any:
    """The user ``session`` is signed in as (snapshot first, database as fallback), else anonymous."""
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return AnonymousUser()
    snapshot = _trusted_snapshot(session, user_id)
    if snapshot is not None:
        user = user_from_snapshot(snapshot)
        return user if user.is_active else AnonymousUser()
    # Django's check: loads the row, compares the auth hash, flushes the session on a mismatch.
    user = django_get_user(SimpleNamespace(session=session))  # type: ignore[arg-type]
    if user.is_authenticated:
        session[SNAPSHOT_KEY] = user_snapshot(user)
    return user


def get_user(request: HttpRequest) -> Any:
    """The authenticated user of ``request``."""
    return session_owner(request.session)


def session_user(session_key: str) -> Any:
    """Who the stored session ``session_key`` is signed in as now (anonymous once it has ended)."""
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return session_owner(store_class(session_key))
