"""Writes of the habits app: create, edit, archive and delete habits; check in and undo.

A check-in is one upsert of the day's row (its count and revision go up together) in the owner's
local day; after the commit the day's Redis hash gets the new count (``habits.daycounts``) and
``habits.events.habits_changed`` is announced (analytics: activity, streak, dashboard).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from core import timezones
from core.events import announce
from habits import daycounts
from habits.events import CHECKED_IN, CREATED, DELETED, UNDONE, UPDATED, habits_changed
from habits.models import Habit, HabitCheckin

HABIT_FIELDS = ("name", "target_per_day", "days_of_week", "is_archived")


def _announce(habit: Habit, action: str, day: dt.date | None = None) -> None:
    announce(
        "habits_changed",
        habits_changed,
        Habit,
        user_id=habit.owner_id,
        action=action,
        habit_id=habit.pk,
        day=day,
    )


def _save(habit: Habit, fields: dict[str, Any], action: str) -> Habit:
    unknown = set(fields) - set(HABIT_FIELDS)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)} on a habit")
    for name, value in fields.items():
        setattr(habit, name, value)
    habit.name = habit.name.strip()
    with transaction.atomic():
        habit.save()
        _announce(habit, action)
    return habit


def create_habit(owner: Any, **fields: Any) -> Habit:
    return _save(Habit(owner_id=owner.pk), fields, CREATED)


def update_habit(habit: Habit, **fields: Any) -> Habit:
    return _save(habit, fields, UPDATED)


def delete_habit(habit: Habit) -> None:
    """Delete a habit and its history (the page asks for confirmation first)."""
    with transaction.atomic():
        habit_id = habit.pk
        habit.delete()
        habit.pk = habit_id
        _announce(habit, DELETED)


def check_in(owner: Any, habit: Habit, *, delta: int = 1, now: dt.datetime | None = None) -> HabitCheckin:
    """Add ``delta`` (1, or -1 to undo) to today's count of ``habit`` in the owner's time zone."""
    if habit.owner_id != owner.pk:
        raise ValueError("the habit belongs to someone else")
    now = now or timezone.now()
    tz = timezones.zone(owner.timezone)
    day = timezones.local_date(tz, now)
    with transaction.atomic():
        HabitCheckin.objects.bulk_create(
            [HabitCheckin(habit_id=habit.pk, owner_id=owner.pk, day=day, updated_at=now)],
            ignore_conflicts=True,  # the day's row may exist already (or be created concurrently)
        )
        row = HabitCheckin.objects.filter(habit_id=habit.pk, day=day)
        row.update(count=Greatest(F("count") + delta, 0), revision=F("revision") + 1, updated_at=now)
        checkin = row.get()
        transaction.on_commit(
            lambda: daycounts.record(owner.pk, day, tz, habit.pk, checkin.count, checkin.revision)
        )
        _announce(habit, CHECKED_IN if delta > 0 else UNDONE, day)
    return checkin
