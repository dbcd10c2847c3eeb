"""Reads of the habits app: a user's habits with today's counts, and a habit's year of check-ins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from habits import daycounts
from habits.models import Habit, HabitCheckin


@dataclass(frozen=True)
class HabitToday:
    """One habit as the dashboard and the habits page show it today."""

    id: int
    name: str
    target: int
    count: int
    due: bool

    @property
    def done(self) -> bool:
        return self.count >= self.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.target)) if self.target else 0


def active_habits(user_id: int) -> QuerySet[Habit]:
    return Habit.objects.filter(owner_id=user_id, is_archived=False)


def today(user_id: int, day: dt.date, tz: dt.tzinfo) -> list[HabitToday]:
    """The user's active habits with their counts on ``day`` (one query, one Redis read)."""
    habits = list(active_habits(user_id).values_list("id", "name", "target_per_day", "days_of_week"))
    if not habits:
        return []
    counts = daycounts.counts(user_id, day, tz)
    bit = 1 << day.weekday()
    return [
        HabitToday(id=pk, name=name, target=target, count=counts.get(pk, 0), due=bool(days & bit))
        for pk, name, target, days in habits
    ]


def year_of(habit: Habit, year: int) -> dict[dt.date, int]:
    """``{day: count}`` of one habit's check-ins in ``year`` (days with a count only)."""
    rows = HabitCheckin.objects.filter(habit=habit, day__year=year, count__gt=0).values_list("day", "count")
    return dict(rows)


def years_with_checkins(habit: Habit) -> list[int]:
    days = HabitCheckin.objects.filter(habit=habit, count__gt=0).dates("day", "year")
    return [day.year for day in days]
