"""A generated dataset for the analytics tests, and the dashboard's figures computed independently.

``seed`` runs every demo generator (content, messaging, learning, habits, time tracking, analytics)
for a few users living in different time zones; ``expected`` recomputes the dashboard's figures by
walking the rows in Python (no shared code with ``analytics.sources``), so a test comparing the
two checks the roll-up, its refreshes and the dashboard's reads together.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from analytics import rebuild
from content.models import Bookmark, Note, StoredFile, Tag, Task
from core import demo, timezones
from habits.models import HabitCheckin
from learning.models import ModuleProgress
from timetracking.models import TimeEntry

ZONES = ("Pacific/Auckland", "America/Los_Angeles", "UTC")


def seed(users: int = 3, items: int = 120, seed: int = 5) -> list[Any]:
    """Demo users with every kind of data, each in one of ``ZONES``; derived state rebuilt."""
    demo.seed(users=users, items=items, seed=seed, anchor=timezone.now())
    people = list(demo.demo_users())
    for person, zone in zip(people, ZONES * users, strict=False):
        get_user_model().objects.filter(pk=person.pk).update(timezone=zone)
        person.timezone = zone
    rebuild.rebuild_users([p.pk for p in people])
    return people


def _local(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return moment.astimezone(tz).date()


def expected(user: Any, days: int) -> dict[str, Any]:
    """The dashboard's figures for ``user`` over the ``days`` ending today, from the rows."""
    tz = timezones.zone(user.timezone)
    today = timezones.local_date(tz)
    first = today - dt.timedelta(days=days - 1)

    def inside(day: dt.date) -> bool:
        return first <= day <= today

    created: Counter[dt.date] = Counter()
    for model in (Bookmark, Task, Note, StoredFile):
        for at in model.objects.filter(owner=user).values_list("created_at", flat=True):
            if inside(_local(at, tz)):
                created[_local(at, tz)] += 1
    completed: Counter[dt.date] = Counter()
    for status, at in Task.objects.filter(owner=user).values_list("status", "completed_at"):
        if status == Task.Status.COMPLETED and at and inside(_local(at, tz)):
            completed[_local(at, tz)] += 1
    modules: Counter[dt.date] = Counter(
        _local(at, tz)
        for at in ModuleProgress.objects.filter(enrollment__user=user).values_list("completed_at", flat=True)
        if inside(_local(at, tz))
    )
    habits: Counter[dt.date] = Counter()
    for day, count in HabitCheckin.objects.filter(owner=user).values_list("day", "count"):
        if inside(day):
            habits[day] += count
    seconds: Counter[dt.date] = Counter()
    per_task: Counter[str] = Counter()
    for started, duration, title in TimeEntry.objects.filter(owner=user).values_list(
        "started_at", "duration_seconds", "task__title"
    ):
        if duration is not None and inside(_local(started, tz)):
            seconds[_local(started, tz)] += duration
            per_task[title or "(no task)"] += duration
    statuses = Counter(Task.objects.filter(owner=user).values_list("status", flat=True))
    counted = sum(statuses.values()) - statuses[Task.Status.CANCELLED]
    open_due = [
        due
        for status, due in Task.objects.filter(owner=user).values_list("status", "due_date")
        if status not in (Task.Status.COMPLETED, Task.Status.CANCELLED) and due is not None
    ]
    tag_uses: Counter[str] = Counter()
    for tag in Tag.objects.filter(owner=user):
        tag_uses[tag.name] += (
            tag.bookmarks.count() + tag.tasks.count() + tag.notes.count() + tag.files.count()
        )
    all_days = [first + dt.timedelta(days=n) for n in range(days)]
    return {
        "days": all_days,
        "items_created": [created[d] for d in all_days],
        "tasks_completed": [completed[d] for d in all_days],
        "modules_completed": [modules[d] for d in all_days],
        "habit_checkins": [habits[d] for d in all_days],
        "seconds_tracked": [seconds[d] for d in all_days],
        "counts": {
            "bookmark": Bookmark.objects.filter(owner=user).count(),
            "task": Task.objects.filter(owner=user).count(),
            "note": Note.objects.filter(owner=user).count(),
            "file": StoredFile.objects.filter(owner=user).count(),
        },
        "by_status": {status: statuses.get(status, 0) for status in Task.Status.values},
        "completion_rate": round(100 * statuses[Task.Status.COMPLETED] / counted, 1) if counted else None,
        "overdue": sum(1 for due in open_due if due < today),
        "upcoming": sorted(due for due in open_due if today <= due <= today + dt.timedelta(days=14))[:8],
        "time_per_task": per_task,
        "tag_uses": {name: n for name, n in tag_uses.items() if n},
    }
