"""Challenge targets fed by content's events: complete N tasks, create N bookmarks, create N notes.

A task counts when it is completed inside the challenge's window (``Task.completed_at``); a bookmark
or note when it was created inside it (``created_at``: imported items and marketplace copies keep
their original dates, so they count only if those fall inside). Each item counts once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from community.targets import Credits, TargetKind, Window
from content import selectors as content_selectors
from content.events import content_changed

Lookup = Callable[[int, Window, list[int] | None], list[int]]
"""The owner's qualifying item ids in the window, only among the given ids when not ``None``."""


def _ids(event: dict[str, Any], kind: str, actions: tuple[str, ...]) -> list[int]:
    return [
        pk
        for change in event.get("changes", ())
        if change.kind == kind and change.action in actions
        for pk in change.ids
    ]


def _target_functions(
    kind: str, actions: tuple[str, ...], lookup: Lookup
) -> tuple[Callable[[int, Window, dict[str, Any]], Credits], Callable[[int, Window], Credits]]:
    """The (credits, backfill) pair of a target counting ``kind`` items that ``lookup`` accepts."""

    def credits(user_id: int, window: Window, event: dict[str, Any]) -> Credits:
        ids = _ids(event, kind, actions)
        return {f"{kind}:{pk}": 1 for pk in lookup(user_id, window, ids)} if ids else {}

    def backfill(user_id: int, window: Window) -> Credits:
        return {f"{kind}:{pk}": 1 for pk in lookup(user_id, window, None)}

    return credits, backfill


def _completed_tasks(user_id: int, window: Window, among: list[int] | None) -> list[int]:
    return content_selectors.completed_task_ids(user_id, window.start, window.end, among)


def _created(kind: str) -> Lookup:
    def lookup(user_id: int, window: Window, among: list[int] | None) -> list[int]:
        return content_selectors.created_ids(kind, user_id, window.start, window.end, among)

    return lookup


_task_credits, _task_backfill = _target_functions("task", ("created", "updated"), _completed_tasks)
_bookmark_credits, _bookmark_backfill = _target_functions("bookmark", ("created",), _created("bookmark"))
_note_credits, _note_backfill = _target_functions("note", ("created",), _created("note"))

TASKS_COMPLETED = TargetKind(
    key="tasks_completed",
    label="Complete tasks",
    unit="task",
    signal=content_changed,
    credits=_task_credits,
    backfill=_task_backfill,
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
