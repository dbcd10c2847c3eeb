"""The analytics dashboard: every figure of ``/analytics/`` as one cached value per user and range.

``compute`` reads the database (and the Redis copies of streaks, today's habit counts and the
running timer) and returns plain data; ``dashboard`` caches it in the user's ``dashboard`` family
(``analytics.caches``) under the range's name, so a warm dashboard is one EVALSHA and no query.
Every write of the user bumps the family (``analytics.receivers``); a value computed on another
day is recomputed (overdue counts, streaks and today's habits are per day).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q, Sum

from analytics import streaks
from analytics.caches import DASHBOARD
from analytics.models import COLUMNS, DailyActivity
from content.models import Bookmark, Note, StoredFile, Tag, Task
from core import timezones
from core.redis.cache_aside import Cached
from habits import selectors as habit_selectors
from learning import selectors as learning_selectors
from timetracking import timer
from timetracking.models import TimeEntry

RANGES = (7, 30, 90)
DEFAULT_RANGE = 30
UPCOMING_DAYS = 14
LIST_SIZE = 8
NO_TASK = "(no task)"
OPEN = ~Q(status__in=[Task.Status.COMPLETED, Task.Status.CANCELLED])


def parse_range(text: str | None) -> int:
    """``7``, ``30`` or ``90`` from the query string; anything else is the default."""
    return int(text) if text and text.isdigit() and int(text) in RANGES else DEFAULT_RANGE


def _activity(user_id: int, first: dt.date, today: dt.date) -> dict[str, Any]:
    rows = DailyActivity.objects.filter(user_id=user_id, day__gte=first, day__lte=today).values(
        "day", *COLUMNS
    )
    by_day = {row["day"]: row for row in rows}
    days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
    series = {column: [by_day.get(day, {}).get(column, 0) for day in days] for column in COLUMNS}
    return {
        "days": days,
        "series": series,
        "totals": {column: sum(values) for column, values in series.items()},
    }


def _tasks(user_id: int, today: dt.date) -> dict[str, Any]:
    tasks = Task.objects.filter(owner_id=user_id)
    by_status = dict(tasks.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    statuses = {value: by_status.get(value, 0) for value in Task.Status.values}
    counted = sum(statuses.values()) - statuses[Task.Status.CANCELLED]
    upcoming = (
        tasks.filter(OPEN, due_date__gte=today, due_date__lte=today + dt.timedelta(days=UPCOMING_DAYS))
        .order_by("due_date", "id")
        .values("id", "title", "due_date", "priority")[:LIST_SIZE]
    )
    return {
        "by_status": statuses,
        "completion_rate": round(100 * statuses[Task.Status.COMPLETED] / counted, 1) if counted else None,
        "overdue": tasks.filter(OPEN, due_date__lt=today).count(),
        "upcoming": list(upcoming),
    }


def _popular_tags(user_id: int) -> list[tuple[str, int]]:
    """Tags by how many items carry them (one grouped query per item type)."""
    uses: Counter[int] = Counter()
    for relation in ("bookmarks", "tasks", "notes", "files"):
        through = getattr(Tag, relation).rel.through
        rows = (
            through.objects.filter(tag__owner_id=user_id).order_by().values("tag_id").annotate(n=Count("pk"))
        )
        uses.update({row["tag_id"]: row["n"] for row in rows})
    names = dict(
        Tag.objects.filter(pk__in=[pk for pk, _ in uses.most_common(LIST_SIZE)]).values_list("pk", "name")
    )
    return [(names[pk], n) for pk, n in uses.most_common(LIST_SIZE) if pk in names]


def _time(user_id: int, first: dt.date, today: dt.date, tz: dt.tzinfo) -> list[tuple[str, int]]:
    start, end = timezones.day_bounds(first, today, tz)
    rows = (
        TimeEntry.objects.filter(owner_id=user_id, started_at__gte=start, started_at__lt=end)
        .exclude(duration_seconds__isnull=True)
        .order_by()
        .values("task__title")
        .annotate(seconds=Sum("duration_seconds"))
        .order_by("-seconds")[:LIST_SIZE]
    )
    return [(row["task__title"] or NO_TASK, int(row["seconds"])) for row in rows]


def compute(user_id: int, days: int, today: dt.date, tz: dt.tzinfo) -> dict[str, Any]:
    """Every figure of the dashboard for the ``days`` ending ``today`` (plain data: it is cached)."""
    first = today - dt.timedelta(days=days - 1)
    running = timer.running(user_id)
    return {
        "today": today,
        "range": days,
        "first": first,
        "counts": {
            "bookmark": Bookmark.objects.filter(owner_id=user_id).count(),
            "task": Task.objects.filter(owner_id=user_id).count(),
            "note": Note.objects.filter(owner_id=user_id).count(),
            "file": StoredFile.objects.filter(owner_id=user_id).count(),
        },
        "tasks": _tasks(user_id, today),
        "activity": _activity(user_id, first, today),
        "time_per_task": _time(user_id, first, today, tz),
        "popular_tags": _popular_tags(user_id),
        "streaks": {
            kind: {"current": s.current_on(today), "max": s.max, "last_date": s.last_date}
            for kind, s in streaks.read(user_id, tz).items()
        },
        "habits": [
            {"id": h.id, "name": h.name, "target": h.target, "count": h.count, "due": h.due, "done": h.done}
            for h in habit_selectors.today(user_id, today, tz)
        ],
        "learning": learning_selectors.my_enrollments(user_id)[:LIST_SIZE],
        "timer": None
        if running is None
        else {
            "entry_id": running.entry_id,
            "started_at": running.started_at,
            "task_id": running.task_id,
            "label": running.label,
        },
    }


def dashboard(user_id: int, zone_name: str, days: int) -> Cached[dict[str, Any]]:
    """The cached dashboard of the ``days`` (7, 30 or 90) ending today in the user's zone."""
    tz = timezones.zone(zone_name)
    today = timezones.local_date(tz)
    result = DASHBOARD.get_or_compute(lambda: compute(user_id, days, today, tz), f"r{days}", user_id=user_id)
    if result.value["today"] != today:  # computed on an earlier day: streaks, habits, overdue moved on
        DASHBOARD.invalidate(user_id)
        return dashboard(user_id, zone_name, days)
    return result
