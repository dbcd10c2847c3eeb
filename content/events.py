"""The content app's domain event, for other apps (search index, dashboard, activity feed).

``content_changed`` is sent by ``content.services`` once per operation and kind, after the
transaction commits (never for a rolled-back write) and before the owner's ``search`` and
``dashboard`` cache generations are bumped, so receivers that update derived data (the search index)
need not bump them again. Keyword arguments:

- ``user_id`` (int): the owner of the changed items;
- ``kind`` (str): one of ``KINDS``;
- ``ids`` (list[int]): primary keys of the items (for ``deleted``, rows that no longer exist);
- ``action`` (str): ``created``, ``updated`` or ``deleted``.

The sender is the item's model class. Bulk operations (imports, bulk delete, tag merges) send one
event per kind with every id, not one per row. Receivers run through ``send_robust``: an exception
in one is logged and does not affect the write or the other receivers.
"""

from django.dispatch import Signal

KINDS = ("bookmark", "task", "note", "file", "tag", "share_link")
ACTIONS = ("created", "updated", "deleted")

content_changed = Signal()

# A task's reminder time has come (``content.reminders``): ``user_id``, ``task_id``, ``title``,
# ``url`` (the task's page). Sent once per reminder; messaging turns it into a notification.
task_reminder_due = Signal()
