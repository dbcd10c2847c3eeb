"""Writes of time tracking: start and stop the timer, edit and delete entries.

Each write is one transaction; after the commit the Redis copy of the running timer is replaced
(``timetracking.timer``) and ``timetracking.events.time_changed`` is announced with the start
times it touched (analytics refreshes the activity roll-up of those days and the dashboard).
Starting a timer while one runs stops the running one first, as Toggl and Kimai do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from content.models import Task
from core.events import announce
from timetracking import timer
from timetracking.events import DELETED, STARTED, STOPPED, UPDATED, time_changed
from timetracking.models import DESCRIPTION_MAX, TimeEntry


class EntryInvalid(ValueError):
    """An entry that cannot be saved (ends before it starts, a task of someone else...)."""


def _announce(entry: TimeEntry, action: str, *moments: dt.datetime) -> None:
    announce(
        "time_changed",
        time_changed,
        TimeEntry,
        user_id=entry.owner_id,
        action=action,
        entry_id=entry.pk,
        moments=tuple(moments),
    )


def _check_task(owner_id: int, task: Task | None) -> None:
    if task is not None and task.owner_id != owner_id:
        raise EntryInvalid("the task belongs to someone else")


def _store_after_commit(owner_id: int, entry: TimeEntry | None) -> None:
    running = timer._from_entry(entry) if entry is not None and entry.is_running else None
    transaction.on_commit(lambda: timer.store(owner_id, running))


def _stop_running(owner_id: int, now: dt.datetime) -> TimeEntry | None:
    entry = TimeEntry.objects.select_for_update().filter(owner_id=owner_id, ended_at__isnull=True).first()
    if entry is None:
        return None
    entry.finish(max(now, entry.started_at))
    entry.save(update_fields=["ended_at", "duration_seconds"])
    _announce(entry, STOPPED, entry.started_at)
    return entry


def start(
    owner: Any, *, task: Task | None = None, description: str = "", now: dt.datetime | None = None
) -> TimeEntry:
    """Start the timer (stopping a running one first)."""
    _check_task(owner.pk, task)
    now = now or timezone.now()
    with transaction.atomic():
        _stop_running(owner.pk, now)
        entry = TimeEntry.objects.create(
            owner_id=owner.pk, task=task, description=description.strip()[:DESCRIPTION_MAX], started_at=now
        )
        _store_after_commit(owner.pk, entry)
        _announce(entry, STARTED, now)
    return entry


def stop(owner: Any, *, now: dt.datetime | None = None) -> TimeEntry | None:
    """Stop the running timer; None when none was running."""
    with transaction.atomic():
        entry = _stop_running(owner.pk, now or timezone.now())
        _store_after_commit(owner.pk, None)
    return entry


def update_entry(
    entry: TimeEntry,
    *,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    task: Task | None,
    description: str,
) -> TimeEntry:
    """Edit an entry. A running entry may move its start and stays running without an end, or
    stops at the end given; a finished entry needs an end."""
    _check_task(entry.owner_id, task)
    running = entry.is_running
    if ended_at is None and not running:
        raise EntryInvalid("a finished entry needs an end")
    if ended_at is not None and ended_at < started_at:
        raise EntryInvalid("an entry cannot end before it starts")
    if ended_at is None and started_at > timezone.now():
        raise EntryInvalid("a running timer cannot start in the future")
    old_start = entry.started_at
    entry.started_at, entry.task, entry.description = started_at, task, description.strip()[:DESCRIPTION_MAX]
    if ended_at is not None:
        entry.finish(ended_at)
    with transaction.atomic():
        entry.save()
        if running:
            _store_after_commit(entry.owner_id, entry)
        _announce(entry, UPDATED, old_start, started_at)
    return entry


def delete_entry(entry: TimeEntry) -> None:
    with transaction.atomic():
        was_running = entry.is_running
        entry_id, started = entry.pk, entry.started_at
        entry.delete()
        entry.pk = entry_id
        if was_running:
            _store_after_commit(entry.owner_id, None)
        _announce(entry, DELETED, started)
