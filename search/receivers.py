"""Keeps the search index in step with ``content.events.content_changed`` (and
``reader.events.reader_copy_saved``: a bookmark's saved page joins its body), then invalidates the
owner's cached results once: a search that starts after the bump reads the new index."""

from __future__ import annotations

from typing import Any

from content.events import Change
from search import indexing
from search.caches import SEARCH
from search.models import KINDS

TAG = "tag"
CREATED = "created"


def on_content_changed(sender: Any, *, user_id: int, changes: tuple[Change, ...], **kwargs: Any) -> None:
    for change in changes:
        if change.kind in KINDS:
            indexing.sync(change.kind, list(change.ids))
        elif change.kind == TAG and change.action != CREATED:  # a new tag is on no item yet
            indexing.reindex_tagged(user_id, list(change.ids))
    SEARCH.invalidate(user_id)


def on_reader_copy_saved(sender: Any, *, user_id: int, bookmark_ids: tuple[int, ...], **kwargs: Any) -> None:
    indexing.sync("bookmark", list(bookmark_ids))
    SEARCH.invalidate(user_id)
