"""The habits app's domain event, for analytics (activity roll-up, habit streak, dashboard).

``habits_changed`` is sent after the transaction commits. Keyword arguments:

- ``user_id`` (int): the habit's owner;
- ``action`` (str): one of ``ACTIONS``;
- ``habit_id`` (int);
- ``day`` (datetime.date | None): the owner's local day whose count changed (check-ins only).
"""

from __future__ import annotations

from django.dispatch import Signal

CHECKED_IN, UNDONE, CREATED, UPDATED, DELETED = "checked_in", "undone", "created", "updated", "deleted"
ACTIONS = (CHECKED_IN, UNDONE, CREATED, UPDATED, DELETED)

habits_changed = Signal()
