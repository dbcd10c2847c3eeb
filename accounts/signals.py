"""Signal receivers keeping sessions, snapshots and the cached profile true to the user row.

- login: stamp the session with its metadata and the user snapshot;
- logout: drop the session from the per-user index;
- password change (any path: allauth, admin, shell) or deactivation: delete every session of the
  user; the view that changed the password keeps its own session through
  ``update_session_auth_hash``, which re-creates it under a new key;
- any other change to snapshot or profile fields: rewrite the snapshots, forget the cached profile.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts import services
from accounts.caches import PROFILE
from accounts.selectors import PROFILE_FIELDS
from accounts.sessions.metadata import SNAPSHOT_FIELDS

User = get_user_model()
WATCHED_FIELDS = tuple(sorted({"password", *SNAPSHOT_FIELDS, *PROFILE_FIELDS} - {"id"}))


@receiver(user_logged_in, dispatch_uid="accounts.record_login")
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.record_login(request, user)


@receiver(user_logged_out, dispatch_uid="accounts.record_logout")
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.record_logout(request, user)


@receiver(pre_save, sender=User, dispatch_uid="accounts.remember_old_user")
def _remember_old_values(sender: Any, instance: Any, update_fields: Any, **kwargs: Any) -> None:
    instance._tk_old = None
    if instance._state.adding or not instance.pk:
        return
    fields = [f for f in WATCHED_FIELDS if update_fields is None or f in update_fields]
    if fields:
        instance._tk_old = User.objects.filter(pk=instance.pk).values(*fields).first()


@receiver(post_save, sender=User, dispatch_uid="accounts.sync_user_state")
def _sync_user_state(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    old = getattr(instance, "_tk_old", None)
    if created or not old:
        return
    changed = {name for name, value in old.items() if getattr(instance, name) != value}
    if not changed:
        return
    PROFILE.invalidate(instance.pk)
    if "password" in changed or not instance.is_active:
        reason = "password_changed" if "password" in changed else "deactivated"
        services.revoke_other_sessions(instance.pk, keep_key=None, reason=reason)
    elif changed & set(SNAPSHOT_FIELDS):
        services.refresh_session_snapshots(instance)
