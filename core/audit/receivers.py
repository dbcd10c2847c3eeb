"""Audit the security actions that Django, allauth and the admin announce with signals.

Sign-ins and failed sign-ins (django.contrib.auth), two-factor authenticators added, removed or reset
(allauth.mfa) and every admin change (the admin's own ``LogEntry``). Apps audit their own actions
(session revocations, token creation, exports) by calling ``core.audit.record``.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.audit.stream import record

LOGIN_FIELDS = ("username", "login", "email")  # whichever the backend was given
ADMIN_FLAGS = {1: "added", 2: "changed", 3: "deleted"}


@receiver(user_logged_in, dispatch_uid="core.audit.login")
def _login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("login", request=request, actor=user, target=f"user:{user.pk}")


@receiver(user_login_failed, dispatch_uid="core.audit.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    attempted = next((str(credentials[f]) for f in LOGIN_FIELDS if credentials.get(f)), "")
    record("login_failed", request=request, target=attempted.lower())


def _authenticator(action: str) -> Any:
    def audit(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        record(action, request=request, actor=user, target=f"user:{user.pk}", kind=str(authenticator.type))

    return audit


for _signal, _action in (
    (mfa.authenticator_added, "2fa_added"),
    (mfa.authenticator_removed, "2fa_removed"),
    (mfa.authenticator_reset, "2fa_reset"),
):
    _signal.connect(_authenticator(_action), weak=False, dispatch_uid=f"core.audit.{_action}")


@receiver(post_save, sender=LogEntry, dispatch_uid="core.audit.admin_change")
def _admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if created:
        record(
            "admin_change",
            actor=instance.user,
            target=f"{instance.content_type.app_label if instance.content_type else ''}:{instance.object_id}",
            change=ADMIN_FLAGS.get(instance.action_flag, str(instance.action_flag)),
            object=instance.object_repr,
            message=instance.get_change_message(),
        )
