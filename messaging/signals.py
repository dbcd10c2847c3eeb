"""Receivers: new users join #general; ended sessions close their sockets; task reminders.

- ``post_save`` of a new user: membership of #general and a "Notes to self" conversation; of an
  existing one whose name may have changed: their direct partners' conversation lists (the title);
- ``accounts.events.sessions_revoked`` (revocation, password change, deactivation) and Django's
  ``user_logged_out``: every open socket of those sessions is told to close (see the consumer).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.events import sessions_revoked
from content.events import task_reminder_due
from messaging import selectors, services
from messaging.caches import lists_changed
from messaging.models import Notification

NAME_FIELDS = frozenset({"username", "full_name", "first_name", "last_name"})


@receiver(post_save, sender=get_user_model(), dispatch_uid="messaging.set_up_new_user")
def _set_up_new_user(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        services.set_up_new_user(instance)


@receiver(post_save, sender=get_user_model(), dispatch_uid="messaging.partner_renamed")
def _partner_renamed(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if not created and not raw and (fields is None or NAME_FIELDS & set(fields)):
        lists_changed(selectors.direct_partner_ids(instance.pk))


@receiver(sessions_revoked, dispatch_uid="messaging.close_revoked_sockets")
def _close_revoked_sockets(sender: Any, user_id: int, session_keys: list[str], **kwargs: Any) -> None:
    services.close_sockets(user_id, session_keys)


@receiver(user_logged_out, dispatch_uid="messaging.close_logged_out_sockets")
def _close_logged_out_sockets(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if user is not None and session is not None and session.session_key:
        services.close_sockets(user.pk, [session.session_key])


@receiver(task_reminder_due, dispatch_uid="messaging.task_reminder")
def _remind(sender: Any, user_id: int, task_id: int, title: str, url: str, **kwargs: Any) -> None:
    services.notify(user_id, Notification.Kind.REMINDER, f"Reminder: {title}", url=url)
