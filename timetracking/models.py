"""Time entries: a span of time on one of the owner's tasks, or on free text.

An entry without ``ended_at`` is the running timer; a partial unique constraint allows one per user.
``duration_seconds`` is stored when an entry ends or is edited, so totals are plain sums.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from content.models import Task

DESCRIPTION_MAX = 200


class TimeEntry(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_entries")
    # Deleting a task keeps the time spent on it (the entry keeps its description).
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    description = models.CharField(max_length=DESCRIPTION_MAX, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "time entries"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(ended_at__isnull=True),
                name="timetracking_one_running_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="timetracking_ends_after_start",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["owner", "-started_at"], name="timetracking_owner_started")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return (
            self.description or (self.task.title if self.task_id and self.task else "") or "(no description)"
        )

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    def finish(self, ended_at: object) -> None:
        """Set the end and the stored duration (whole seconds)."""
        self.ended_at = ended_at  # type: ignore[assignment]
        self.duration_seconds = max(0, int((self.ended_at - self.started_at).total_seconds()))
