"""Build ``request.user`` from the session's user snapshot, without a database query.

Django's ``get_user`` loads the user row on every request to compare the session auth hash with the
password hash. Trackeep instead keeps a snapshot of the user's non-secret fields in the session and
keeps it true by writing, not by checking: a profile change rewrites the snapshot in all of that
user's sessions; a password change, deactivation or revocation deletes the sessions outright
(``accounts.services``). Fields outside the snapshot (``password``, ``last_login``...) are deferred
and load from the database only if something reads them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth import get_user as django_get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.sessions.metadata import SNAPSHOT_FIELDS, SNAPSHOT_KEY, user_snapshot


def user_from_snapshot(snapshot: dict[str, Any]) -> Any:
    """A model instance from a snapshot; every other field stays deferred."""
    model = get_user_model()
    names = [f.attname for f in model._meta.concrete_fields if f.attname in snapshot]
    return model.from_db("default", names, [snapshot[name] for name in names])


def get_user(request: HttpRequest) -> Any:
    """The authenticated user of ``request`` (snapshot first, database as fallback)."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return AnonymousUser()
    snapshot = session.get(SNAPSHOT_KEY)
    if (
        snapshot
        and str(snapshot.get("id")) == str(user_id)
        and set(SNAPSHOT_FIELDS) <= snapshot.keys()
        and session.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS
    ):
        user = user_from_snapshot(snapshot)
        return user if user.is_active else AnonymousUser()
    user = django_get_user(request)
    if user.is_authenticated:
        session[SNAPSHOT_KEY] = user_snapshot(user)
    return user
