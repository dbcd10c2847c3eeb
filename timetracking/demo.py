"""Demo time entries for ``manage.py seed_demo``: two months of finished entries per user.

About one entry in four has free text instead of a task; durations run 10 minutes to 2 hours.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from content.models import Task
from core import demo
from timetracking.models import TimeEntry

HISTORY_DAYS = 60
FREE_TEXT = ("Email", "Code review", "Planning", "Reading", "Support")


@demo.register("timetracking", order=50)
def generate(ctx: demo.DemoContext, user: Any, index: int) -> int:
    rng = ctx.rng("timetracking", index)
    tasks = list(Task.objects.filter(owner=user).order_by("pk").values_list("pk", flat=True)[:50])
    entries = []
    for offset in range(HISTORY_DAYS, 0, -1):
        if rng.random() > 0.7:
            continue
        start = ctx.anchor - timedelta(days=offset) + timedelta(hours=rng.randint(8, 16))
        for _ in range(rng.randint(1, 3)):
            seconds = rng.randint(10, 120) * 60
            on_task = tasks and rng.random() < 0.75
            entries.append(
                TimeEntry(
                    owner=user,
                    task_id=rng.choice(tasks) if on_task else None,
                    description="" if on_task else rng.choice(FREE_TEXT),
                    started_at=start,
                    ended_at=start + timedelta(seconds=seconds),
                    duration_seconds=seconds,
                    created_at=start,
                )
            )
            start += timedelta(seconds=seconds + rng.randint(5, 60) * 60)
    TimeEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
