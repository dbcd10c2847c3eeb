"""Keeps the search index in step with ``content.events.content_changed``.

Content bumps the owner's ``search`` generation right after its commit and only then sends the
event, so a search in between could compute from the not-yet-updated index and cache that under the
new generation for ``ttl.SEARCH_RESULTS``. This receiver therefore bumps the generation once more
after the index has changed: the next search is never older than the write.
"""

from __future__ import annotations

from typing import Any

from core.redis import caching
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
    else:
        return
    caching.bump_generation(caching.SEARCH, user_id)
