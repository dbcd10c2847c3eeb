"""Reads of the reader app: a user's copy, texts for the search index, bookmarks without a copy."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from content.models import Bookmark
from reader.models import ReaderCopy


def copy_for(bookmark: Bookmark) -> ReaderCopy | None:
    return ReaderCopy.objects.filter(bookmark=bookmark).first()


def texts(bookmark_ids: Iterable[int]) -> dict[int, str]:
    """The plain text of the ready copies of these bookmarks, by bookmark id."""
    ready = ReaderCopy.objects.filter(bookmark_id__in=list(bookmark_ids), status=ReaderCopy.Status.READY)
    return dict(ready.values_list("bookmark_id", "text"))


def missing(include_failed: bool = True) -> QuerySet[Bookmark]:
    """Bookmarks with no ready copy (never fetched, still pending, or, with ``include_failed``, failed)."""
    without = Bookmark.objects.exclude(reader_copy__status=ReaderCopy.Status.READY)
    if not include_failed:
        without = without.exclude(reader_copy__status=ReaderCopy.Status.FAILED)
    return without.order_by("pk")
