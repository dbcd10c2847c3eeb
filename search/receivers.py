"""Keeps the search index in step with ``content.events.content_changed``.

Content sends the event after its commit and bumps the owner's ``search`` generation only after
every receiver has returned, so the index is already updated when cached results are invalidated:
a search that starts after the bump reads the new index, and each write costs exactly one bump.
"""

from __future__ import annotations

from typing import Any

from search import indexing
from search.models import KINDS

TAG = "tag"
CREATED = "created"


def on_content_changed(
    sender: Any, *, user_id: int, kind: str, ids: list[int], action: str, **kwargs: Any
) -> None:
    if kind in KINDS:
        indexing.sync(kind, ids)
    elif kind == TAG and action != CREATED:  # a new tag is on no item yet
        indexing.reindex_tagged(user_id, ids)
