"""The marketplace's domain event.

``item_added`` is sent after the transaction of a first "Add to my Trackeep" commits, with
``user_id`` (the reader) and ``item_id``: analytics bumps the reader's recommendations (the item
is no longer suggested to them).
"""

from __future__ import annotations

from django.dispatch import Signal

item_added = Signal()
