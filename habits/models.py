"""Habits and their daily check-ins; the database holds the truth, Redis today's counts.

A ``Habit`` has a daily target and the days of the week it is due (a bitmask, Monday = bit 0). A
``HabitCheckin`` is one habit's count on one local day of its owner; ``revision`` grows with every
change of the row, so the copies in Redis (``habits.daycounts``) can tell a newer count from an older
one whatever order the writes arrive in.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

EVERY_DAY = 0b1111111
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NAME_MAX = 100
TARGET_MAX = 100


class Habit(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habits")
    name = models.CharField(max_length=NAME_MAX)
    target_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(TARGET_MAX)]
    )
    days_of_week = models.PositiveSmallIntegerField(
        default=EVERY_DAY, validators=[MinValueValidator(1), MaxValueValidator(EVERY_DAY)]
    )
    is_archived = models.BooleanField("archived", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("name", "id")
        indexes: ClassVar = [models.Index(fields=["owner", "is_archived"], name="habits_owner_archived")]

    def __str__(self) -> str:
        return self.name

    def is_due_on(self, day: dt.date) -> bool:
        return bool(self.days_of_week & (1 << day.weekday()))

    @property
    def weekday_names(self) -> list[str]:
        return [name for bit, name in enumerate(WEEKDAYS) if self.days_of_week & (1 << bit)]


class HabitCheckin(models.Model):
    habit = models.ForeignKey(Habit, on_delete=models.CASCADE, related_name="checkins")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # the owner's local date
    count = models.PositiveIntegerField(default=0)
    revision = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["habit", "day"], name="habits_checkin_habit_day"),
        ]
        indexes: ClassVar = [models.Index(fields=["owner", "day"], name="habits_checkin_owner_day")]

    def __str__(self) -> str:
        return f"{self.habit_id} on {self.day}: {self.count}"
