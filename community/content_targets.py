"""Challenge targets fed by content's events: complete N tasks, create N bookmarks, create N notes.

A task counts when it is completed inside the challenge's window (``Task.completed_at``); a bookmark
or note when it was created inside it (``created_at``: imported items and marketplace copies keep
their original dates, so they count only if those fall inside). Each item counts once.
"""

from __future__ import annotations

from typing import Any

from community.targets import Credits, TargetKind, Window
from content import selectors as content_selectors
from content.events import content_changed


def _ids(event: dict[str, Any], kind: str, actions: tuple[str, ...]) -> list[int]:
    return [
        pk
        for change in event.get("changes", ())
        if change.kind == kind and change.action in actions
        for pk in change.ids
    ]


def _completed_tasks(user_id: int, window: Window, event: dict[str, Any]) -> Credits:
    ids = _ids(event, "task", ("created", "updated"))
    if not ids:
        return {}
    return {
        f"task:{pk}": 1 for pk in content_selectors.completed_task_ids(user_id, window.start, window.end, ids)
    }


def _all_completed_tasks(user_id: int, window: Window) -> Credits:
    return {f"task:{pk}": 1 for pk in content_selectors.completed_task_ids(user_id, window.start, window.end)}


def _created(kind: str) -> tuple[Any, Any]:
    def credits(user_id: int, window: Window, event: dict[str, Any]) -> Credits:
        ids = _ids(event, kind, ("created",))
        if not ids:
            return {}
        found = content_selectors.created_ids(kind, user_id, window.start, window.end, ids)
        return {f"{kind}:{pk}": 1 for pk in found}

    def backfill(user_id: int, window: Window) -> Credits:
        return {
            f"{kind}:{pk}": 1 for pk in content_selectors.created_ids(kind, user_id, window.start, window.end)
        }

    return credits, backfill


_bookmark_credits, _bookmark_backfill = _created("bookmark")
_note_credits, _note_backfill = _created("note")

TASKS_COMPLETED = TargetKind(
    key="tasks_completed",
    label="Complete tasks",
    unit="task",
    signal=content_changed,
    credits=_completed_tasks,
    backfill=_all_completed_tasks,
)
BOOKMARKS_CREATED = TargetKind(
    key="bookmarks_created",
    label="Save bookmarks",
    unit="bookmark",
    signal=content_changed,
    credits=_bookmark_credits,
    backfill=_bookmark_backfill,
)
NOTES_CREATED = TargetKind(
    key="notes_created",
    label="Write notes",
    unit="note",
    signal=content_changed,
    credits=_note_credits,
    backfill=_note_backfill,
)

CONTENT_TARGETS = (TASKS_COMPLETED, BOOKMARKS_CREATED, NOTES_CREATED)
