"""The daily activity roll-up (``DailyActivity``): refreshed on every write, rebuildable at any time.

Each write names what it touched: the columns and, where the event says, the local days (a new
item's creation day, a module's completion time, a check-in's day, an entry's start). Only those
days are recomputed from the source tables (``analytics.sources``) and upserted; a column whose
old days are unknown (content deletes and task edits: the event carries no old dates) is
recomputed over the user's whole history with one grouped query per source table. ``rebuild``
recomputes every column; ``manage.py analytics_rebuild`` runs it for chosen users (a periodic job
can call ``rebuild_users`` the same way).

Refreshes of one user are serialised by locking the user's row (PostgreSQL), so two writes that
commit close together never store an older recount over a newer one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.db import transaction

from analytics.models import COLUMNS, DailyActivity
from analytics.sources import COLUMN_SOURCES
from content.events import Change
from content.models import Bookmark, Note, StoredFile, Task
from core import timezones

BATCH_SIZE = 500
ITEM_MODELS = {"bookmark": Bookmark, "task": Task, "note": Note, "file": StoredFile}
# Beyond this many ids in one event, recount the whole history instead of listing their days.
MAX_LISTED_IDS = 1000

# What to refresh: column -> local days, or None for the user's whole history.
Plan = dict[str, set[dt.date] | None]


def user_zone(user_id: int) -> dt.tzinfo:
    name = get_user_model().objects.filter(pk=user_id).values_list("timezone", flat=True).first()
    return timezones.zone(name)


def days_of(moments: Iterable[dt.datetime | None], tz: dt.tzinfo) -> set[dt.date]:
    return {moment.astimezone(tz).date() for moment in moments if moment is not None}


def add(plan: Plan, column: str, days: set[dt.date] | None) -> None:
    """Merge ``days`` (None: everything) into ``plan[column]``."""
    if column in plan and plan[column] is None:
        return
    plan[column] = None if days is None else (plan.get(column) or set()) | days


def refresh(user_id: int, columns: Iterable[str], days: set[dt.date] | None, tz: dt.tzinfo) -> None:
    """Recompute ``columns`` of the user's rows on ``days`` (None: all days) from the sources."""
    columns = list(columns)
    if days is not None and not days:
        return
    window = (min(days), max(days)) if days is not None else None
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk").first()
        computed = {column: COLUMN_SOURCES[column](user_id, tz, window) for column in columns}
        stored = DailyActivity.objects.filter(user_id=user_id)
        if window is not None:
            stored = stored.filter(day__gte=window[0], day__lte=window[1])
        existing = {row.day: row for row in stored}
        targets = set(existing) | set(days or ())
        for values in computed.values():
            targets |= set(values)
        upserts, empty_days = [], []
        for day in targets:
            row = existing.get(day) or DailyActivity(user_id=user_id, day=day)
            for column in columns:
                setattr(row, column, computed[column].get(day, 0))
            if row.is_empty:
                empty_days.append(day)
            else:
                upserts.append(
                    DailyActivity(user_id=user_id, day=day, **{c: getattr(row, c) for c in COLUMNS})
                )
        DailyActivity.objects.bulk_create(
            upserts,
            update_conflicts=True,
            unique_fields=["user", "day"],
            update_fields=columns,
            batch_size=BATCH_SIZE,
        )
        if empty_days:
            DailyActivity.objects.filter(user_id=user_id, day__in=empty_days).delete()


def apply(user_id: int, plan: Mapping[str, set[dt.date] | None], tz: dt.tzinfo) -> None:
    """Run a plan: one refresh for the whole-history columns, one per column with listed days."""
    full = [column for column, days in plan.items() if days is None]
    if full:
        refresh(user_id, full, None, tz)
    for column, days in plan.items():
        if days is not None:
            refresh(user_id, [column], days, tz)


def plan_for_content(changes: Iterable[Change], tz: dt.tzinfo) -> Plan:
    """What a ``content_changed`` event means for the roll-up."""
    plan: Plan = {}
    for change in changes:
        model = ITEM_MODELS.get(change.kind)
        if model is None:
            continue
        is_task = change.kind == "task"
        if change.action != "created" or len(change.ids) > MAX_LISTED_IDS:
            if change.action != "updated":  # an edit never moves a creation date
                add(plan, "items_created", None)
            if is_task:
                add(plan, "tasks_completed", None)
            continue
        fields = ("created_at", "completed_at") if is_task else ("created_at",)
        rows = list(model.objects.filter(pk__in=change.ids).values_list(*fields))
        add(plan, "items_created", days_of((row[0] for row in rows), tz))
        if is_task:
            add(plan, "tasks_completed", days_of((row[1] for row in rows), tz))
    return plan


def rebuild(user_id: int) -> None:
    """Recompute every column of the user's roll-up from the source tables."""
    refresh(user_id, COLUMNS, None, user_zone(user_id))
