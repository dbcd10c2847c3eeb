"""The learning app's domain events.

``learning_changed`` (for analytics: activity roll-up, learning streak, dashboard, recommendations)
is sent after the transaction commits, once per operation. Keyword arguments:

- ``user_id`` (int): the learner (or the creator, for path edits);
- ``action`` (str): one of ``ACTIONS``;
- ``path_id`` (int);
- ``moments`` (tuple[datetime, ...]): completion times a module action added or removed, so the
  roll-up refreshes exactly the local days they fall on (empty for other actions).

``path_changed`` (for learning's own cached families: popular and featured paths) is sent after a
creator or staff changed what the catalogue shows: ``path_id`` and ``action`` (``published``,
``unpublished``, ``updated``, ``deleted``, ``featured``, ``rated``).
"""

from __future__ import annotations

from django.dispatch import Signal

ENROLLED, UNENROLLED = "enrolled", "unenrolled"
MODULE_COMPLETED, MODULE_REOPENED = "module_completed", "module_reopened"
RATED, PATH_EDITED = "rated", "path_edited"
ACTIONS = (ENROLLED, UNENROLLED, MODULE_COMPLETED, MODULE_REOPENED, RATED, PATH_EDITED)

PUBLISHED, UNPUBLISHED, UPDATED, DELETED, FEATURED = (
    "published",
    "unpublished",
    "updated",
    "deleted",
    "featured",
)
CATALOGUE_ACTIONS = (PUBLISHED, UNPUBLISHED, UPDATED, DELETED, FEATURED, RATED)

learning_changed = Signal()
path_changed = Signal()
