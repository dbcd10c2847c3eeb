"""Demo habits for ``manage.py seed_demo``: three habits per user and four months of check-ins.

Check-ins are bulk-inserted per local day (revision 1); today's Redis counts and the habit streak
rebuild from them (the analytics generator does it after the commit).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core import demo
from habits.models import Habit, HabitCheckin

HISTORY_DAYS = 120
WEEKDAYS_ONLY = 0b0011111
HABITS = (
    ("Read 20 pages", 1, 0b1111111, 0.7),
    ("Drink water", 8, 0b1111111, 0.9),
    ("Walk", 1, WEEKDAYS_ONLY, 0.6),
)


@demo.register("habits", order=40)
def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
    rng = ctx.rng("habits", index)
    today = ctx.anchor.date()
    created = ctx.anchor - timedelta(days=HISTORY_DAYS)
    habits = Habit.objects.bulk_create(
        Habit(owner=user, name=name, target_per_day=target, days_of_week=days, created_at=created)
        for name, target, days, _ in HABITS
    )
    rows = []
    for habit, (_, target, _, chance) in zip(habits, HABITS, strict=True):
        for offset in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=offset)
            if habit.is_due_on(day) and rng.random() < chance:
                rows.append(
                    HabitCheckin(
                        habit=habit,
                        owner=user,
                        day=day,
                        count=rng.randint(max(1, target // 2), target),
                        revision=1,
                    )
                )
    HabitCheckin.objects.bulk_create(rows, batch_size=1000)
    return len(habits) + len(rows)
