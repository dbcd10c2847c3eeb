"""The content app's domain event, for other apps (search index, dashboard, activity feed).

``content_changed`` is sent by ``content.services`` once per operation, after the transaction
commits (never for a rolled-back write). Receivers that keep derived data (the search index) and
cached families (search results, dashboards) act on it; content itself knows none of them.
Keyword arguments:

- ``user_id`` (int): the owner of the changed items;
- ``changes`` (tuple[Change, ...]): what changed, one ``Change(kind, ids, action)`` per kind and
  action touched; ``kind`` is one of ``KINDS``, ``ids`` the primary keys (for ``deleted``, rows that
  no longer exist), ``action`` one of ``ACTIONS``.

Bulk operations (imports, bulk delete, tag merges) send one event with every id, not one per row,
so a receiver that invalidates a cache does it once per operation. Receivers run through
``send_robust``: an exception in one is logged and does not affect the write or the other receivers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

KINDS = ("bookmark", "task", "note", "file", "tag", "share_link")
ACTIONS = ("created", "updated", "deleted")


@dataclass(frozen=True)
class Change:
    """Items of one kind that one operation created, updated or deleted."""

    kind: str
    ids: tuple[int, ...]
    action: str


content_changed = Signal()

# A task's reminder time has come (``content.reminders``): ``user_id``, ``task_id``, ``title``,
# ``url`` (the task's page). Sent once per reminder; messaging turns it into a notification.
task_reminder_due = Signal()
