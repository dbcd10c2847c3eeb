"""The home dashboard: counts and recent items per content type, cached per user.

The aggregates are one cached value in the user's ``dashboard`` family (``analytics.caches``), which
every content write invalidates (``analytics.receivers``), so a warm home page costs one Redis round
trip and no query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from analytics.caches import DASHBOARD
from content.models import Bookmark, Note, StoredFile, Task
from core.redis.cache_aside import Cached

RECENT = 5
HOME_RANGE = "home"


def _recent(queryset: Any, *fields: str) -> list[dict[str, Any]]:
    return list(queryset.order_by("-updated_at").values("id", *fields)[:RECENT])


def compute_home(user_id: int, today: dt.date) -> dict[str, Any]:
    """The dashboard from the database (plain data, so it caches as msgpack)."""
    open_tasks = ~Q(status__in=[Task.Status.COMPLETED, Task.Status.CANCELLED])
    bookmarks = Bookmark.objects.filter(owner_id=user_id)
    tasks = Task.objects.filter(owner_id=user_id)
    notes = Note.objects.filter(owner_id=user_id)
    files = StoredFile.objects.filter(owner_id=user_id)
    return {
        "bookmarks": bookmarks.aggregate(
            total=Count("id"),
            unread=Count("id", filter=Q(is_read=False)),
            favorites=Count("id", filter=Q(is_favorite=True)),
        ),
        "tasks": tasks.aggregate(
            total=Count("id"),
            open=Count("id", filter=open_tasks),
            overdue=Count("id", filter=open_tasks & Q(due_date__lt=today)),
            done=Count("id", filter=Q(status=Task.Status.COMPLETED)),
        ),
        "notes": notes.aggregate(total=Count("id"), pinned=Count("id", filter=Q(is_pinned=True))),
        "files": files.aggregate(total=Count("id")),
        "recent_bookmarks": _recent(bookmarks, "title", "url", "is_read"),
        "due_tasks": list(
            tasks.filter(open_tasks, due_date__isnull=False)
            .order_by("due_date", "id")
            .values("id", "title", "due_date", "priority")[:RECENT]
        ),
        "recent_notes": _recent(notes, "title", "is_pinned"),
        "recent_files": _recent(files, "name", "size"),
        "today": today,
    }


def home_dashboard(user_id: int) -> Cached[dict[str, Any]]:
    """The cached dashboard; recomputed after any content write or when the day changes."""
    today = timezone.localdate()
    result = DASHBOARD.get_or_compute(lambda: compute_home(user_id, today), HOME_RANGE, user_id=user_id)
    if result.value["today"] != today:  # overdue counts are per day
        DASHBOARD.invalidate(user_id)
        return home_dashboard(user_id)
    return result
