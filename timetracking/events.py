"""The time-tracking app's domain event, for analytics (activity roll-up and dashboard).

``time_changed`` is sent after the transaction commits. Keyword arguments:

- ``user_id`` (int): the entry's owner;
- ``action`` (str): one of ``ACTIONS``;
- ``entry_id`` (int);
- ``moments`` (tuple[datetime, ...]): the start times the change touched (old and new), so the
  roll-up refreshes exactly the local days they fall on.
"""

from __future__ import annotations

from django.dispatch import Signal

STARTED, STOPPED, UPDATED, DELETED = "started", "stopped", "updated", "deleted"
ACTIONS = (STARTED, STOPPED, UPDATED, DELETED)

time_changed = Signal()
