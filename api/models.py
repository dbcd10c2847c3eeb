"""Personal API tokens.

The secret is shown once, when the token is created; only its SHA-256 (``digest``) is stored, so a
database leak does not leak usable tokens. The secret has 256 random bits, so a plain hash is enough
(no slow password hash is needed against guessing). ``prefix`` (the first characters of the secret)
lets people tell their tokens apart in lists. A token is never deleted by revoking: ``revoked_at`` is
set and every request made with it is refused from then on (each request reads the row).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “Firefox at work”.")
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField("last used from", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        indexes: ClassVar = [models.Index(fields=["user", "-created_at"], name="api_token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state(self, now: datetime | None = None) -> str:
        if self.revoked_at is not None:
            return REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return EXPIRED
        return ACTIVE

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
