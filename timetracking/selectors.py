"""Reads of time tracking: the entry list, a week's totals per day, task and tag, and CSV rows.

Only finished entries count in totals (the running one has no duration yet). Days are the owner's
local days, by the entry's start.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from content.models import Tag, Task
from core import timezones
from timetracking.models import TimeEntry

NO_TASK = "(no task)"
UNTAGGED = "(untagged)"
CSV_HEADER = ("started_at", "ended_at", "duration_seconds", "duration", "task", "tags", "description")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def entries_for(user_id: int) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(owner_id=user_id).select_related("task").order_by("-started_at", "-id")


def open_tasks(user_id: int, limit: int = 200) -> QuerySet[Task]:
    """Tasks a timer can be started on: the user's open ones, most recently touched first."""
    return (
        Task.objects.filter(owner_id=user_id)
        .exclude(status__in=[Task.Status.COMPLETED, Task.Status.CANCELLED])
        .order_by("-updated_at")[:limit]
    )


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str, today: dt.date) -> dt.date:
    """``YYYY-Www`` (an ISO week, as ``<input type=week>`` sends it) to its Monday, else this week's."""
    try:
        year, week = text.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return week_start(today)


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class WeekTotals:
    monday: dt.date
    per_day: list[tuple[dt.date, int]]
    per_task: list[tuple[str, int]]
    per_tag: list[tuple[str, int]]
    total: int

    @property
    def iso_week(self) -> str:
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


def _task_tags(task_ids: set[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    for task_id, name in Tag.objects.filter(tasks__in=task_ids).values_list("tasks", "name"):
        tags[task_id].append(name)
    return tags


def _sorted_totals(totals: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def week_totals(user_id: int, monday: dt.date, tz: dt.tzinfo) -> WeekTotals:
    """Seconds per day, per task and per tag in the week starting ``monday`` (two queries)."""
    start, end = timezones.day_bounds(monday, monday + dt.timedelta(days=6), tz)
    rows = list(
        TimeEntry.objects.filter(
            owner_id=user_id, started_at__gte=start, started_at__lt=end, duration_seconds__isnull=False
        ).values_list("started_at", "duration_seconds", "task_id", "task__title")
    )
    tags = _task_tags({task_id for _, _, task_id, _ in rows if task_id})
    per_day: dict[dt.date, int] = {monday + dt.timedelta(days=n): 0 for n in range(7)}
    per_task: dict[str, int] = defaultdict(int)
    per_tag: dict[str, int] = defaultdict(int)
    for started, seconds, task_id, title in rows:
        per_day[started.astimezone(tz).date()] += seconds
        per_task[title or NO_TASK] += seconds
        for name in tags.get(task_id, [UNTAGGED]) if task_id else [UNTAGGED]:
            per_tag[name] += seconds
    return WeekTotals(
        monday=monday,
        per_day=sorted(per_day.items()),
        per_task=_sorted_totals(per_task),
        per_tag=_sorted_totals(per_tag),
        total=sum(per_day.values()),
    )


def _cell(value: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def csv_rows(user_id: int, tz: dt.tzinfo) -> Iterator[tuple[str, ...]]:
    """Every entry of the user, newest first, as CSV cells (times in the user's zone)."""
    yield CSV_HEADER
    entries = entries_for(user_id).prefetch_related("task__tags")
    for entry in entries.iterator(chunk_size=500):
        tags = ", ".join(sorted(t.name for t in entry.task.tags.all())) if entry.task else ""
        yield (
            entry.started_at.astimezone(tz).isoformat(),
            entry.ended_at.astimezone(tz).isoformat() if entry.ended_at else "",
            str(entry.duration_seconds) if entry.duration_seconds is not None else "",
            format_duration(entry.duration_seconds) if entry.duration_seconds is not None else "",
            _cell(entry.task.title if entry.task else ""),
            _cell(tags),
            _cell(entry.description),
        )


def seconds_in_window(
    user_id: int, start: dt.datetime, end: dt.datetime, entry_ids: list[int] | None = None
) -> dict[int, int]:
    """``{entry id: seconds}`` of the user's finished entries that overlap ``[start, end)``, only the
    part inside it (an entry from 23:30 to 00:30 across the window's end counts 30 minutes)."""
    entries = TimeEntry.objects.filter(
        owner_id=user_id, ended_at__isnull=False, started_at__lt=end, ended_at__gt=start
    )
    if entry_ids is not None:
        entries = entries.filter(pk__in=entry_ids)
    return {
        pk: int((min(ended, end) - max(started, start)).total_seconds())
        for pk, started, ended in entries.values_list("pk", "started_at", "ended_at")
    }
