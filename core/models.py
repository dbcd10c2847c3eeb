"""Platform models: the audit log (core.audit), searchable in the admin; the job outbox (core.jobs);
the rate-limit policy overrides an operator sets in the admin (core.ratelimit.policies)."""

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


class DeferredJob(models.Model):
    """A job that Redis refused when its transaction committed, kept until the queue takes it
    (``core.jobs.outbox``). ``name`` is the declared job's import path; arguments are its JSON."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    error = models.CharField(max_length=300, blank=True, help_text="why Redis refused it")

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.name} (deferred {self.created_at:%Y-%m-%d %H:%M:%S})"


class RateLimitOverride(models.Model):
    """An operator's limit and window for one policy of ``RATE_LIMIT_POLICIES``, set in the admin.

    It takes precedence over the settings (and ``RATE_LIMIT_POLICIES_JSON``); every process applies a
    saved or deleted override at once (core.ratelimit.overrides broadcasts the change as a system event).
    """

    policy = models.CharField(max_length=64, unique=True)
    limit = models.PositiveIntegerField(help_text="requests allowed per window and identity")
    window = models.FloatField(help_text="seconds")
    note = models.CharField(max_length=200, blank=True, help_text="why (shown in the list)")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("policy",)
        verbose_name = "rate-limit override"

    def __str__(self) -> str:
        return f"{self.policy}: {self.limit} per {self.window:g} s"
