"""Platform models: the audit log (core.audit), searchable in the admin."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One security action. ``stream_id`` is its Redis Stream id (unique: storing twice is a no-op);
    empty for an entry written straight to the database while Redis was unreachable."""

    stream_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor = models.CharField(max_length=150, blank=True, help_text="username at the time")
    ip = models.CharField(max_length=45, blank=True)
    target = models.CharField(max_length=200, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor or '-'}"
