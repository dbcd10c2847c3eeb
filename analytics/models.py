"""Analytics tables: the daily activity roll-up and "not interested" marks on recommendations.

``DailyActivity`` is derived data: one row per user and local day with counts of what the user did
(items created, tasks completed, modules completed, habit check-ins, seconds tracked). It is kept
up to date on every write (``analytics.rollup``) and can be rebuilt from the source tables at any
time (``manage.py analytics_rebuild``), so the dashboard reads a few hundred small rows instead of
aggregating every item.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

COLUMNS = ("items_created", "tasks_completed", "modules_completed", "habit_checkins", "seconds_tracked")


class DailyActivity(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the user's local date
    items_created = models.PositiveIntegerField(default=0)
    tasks_completed = models.PositiveIntegerField(default=0)
    modules_completed = models.PositiveIntegerField(default=0)
    habit_checkins = models.PositiveIntegerField(default=0)
    seconds_tracked = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily activity"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "day"], name="analytics_daily_user_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.day}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, column) for column in COLUMNS)


class Dismissal(models.Model):
    """A recommendation the user said they are not interested in (never shown again)."""

    class Kind(models.TextChoices):
        PATH = "path", "Learning path"
        BOOKMARK = "bookmark", "Bookmark"
        ITEM = "item", "Marketplace item"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="analytics_dismissal_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} not interested in {self.kind} {self.object_id}"
