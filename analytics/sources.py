"""Where each roll-up column comes from: one grouped query per source table, by the user's local day.

``COLUMN_SOURCES[column](user_id, tz, window)`` returns ``{local date: value}`` for the user,
restricted to ``window`` (first and last local day) or over all time when it is None. The same
functions serve the incremental refresh and the full rebuild, and the tests compare the roll-up
with them, so the roll-up is by construction what these queries say.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from content.models import Bookmark, Note, StoredFile, Task
from core import timezones
from habits.models import HabitCheckin
from learning.models import ModuleProgress
from timetracking.models import TimeEntry

Window = tuple[dt.date, dt.date] | None
Source = Callable[[int, dt.tzinfo, Window], dict[dt.date, int]]


def _by_day(
    queryset: QuerySet, field: str, tz: dt.tzinfo, window: Window, value: object = None
) -> dict[dt.date, int]:
    if window is not None:
        start, end = timezones.day_bounds(window[0], window[1], tz)
        queryset = queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
    rows = (
        queryset.annotate(local_day=TruncDate(field, tzinfo=tz))
        .order_by()
        .values("local_day")
        .annotate(n=value if value is not None else Count("pk"))
        .values_list("local_day", "n")
    )
    return {day: int(n or 0) for day, n in rows if n}


def items_created(user_id: int, tz: dt.tzinfo, window: Window) -> dict[dt.date, int]:
    total: Counter[dt.date] = Counter()
    for model in (Bookmark, Task, Note, StoredFile):
        total.update(_by_day(model.objects.filter(owner_id=user_id), "created_at", tz, window))
    return dict(total)


def tasks_completed(user_id: int, tz: dt.tzinfo, window: Window) -> dict[dt.date, int]:
    done = Task.objects.filter(owner_id=user_id, status=Task.Status.COMPLETED, completed_at__isnull=False)
    return _by_day(done, "completed_at", tz, window)


def modules_completed(user_id: int, tz: dt.tzinfo, window: Window) -> dict[dt.date, int]:
    return _by_day(ModuleProgress.objects.filter(enrollment__user_id=user_id), "completed_at", tz, window)


def habit_checkins(user_id: int, tz: dt.tzinfo, window: Window) -> dict[dt.date, int]:
    rows = HabitCheckin.objects.filter(owner_id=user_id, count__gt=0)
    if window is not None:
        rows = rows.filter(day__gte=window[0], day__lte=window[1])
    summed = rows.order_by().values("day").annotate(n=Sum("count")).values_list("day", "n")
    return {day: int(n) for day, n in summed if n}


def seconds_tracked(user_id: int, tz: dt.tzinfo, window: Window) -> dict[dt.date, int]:
    finished = TimeEntry.objects.filter(owner_id=user_id, duration_seconds__isnull=False)
    return _by_day(finished, "started_at", tz, window, Sum("duration_seconds"))


COLUMN_SOURCES: dict[str, Source] = {
    "items_created": items_created,
    "tasks_completed": tasks_completed,
    "modules_completed": modules_completed,
    "habit_checkins": habit_checkins,
    "seconds_tracked": seconds_tracked,
}
