"""Writes of the reader app: queue copies, build one (the job's body), record failures, retry.

``build_copy`` is idempotent (a job runs at least once): it overwrites the bookmark's one copy.
A failure is stored with its reason on the copy; a transient one (timeout, 5xx, refused connection)
is raised again as ``TransientFetchFailure`` so the job queue retries it with backoff, a permanent one
(private address, 404, not HTML, no article) is not retried until the user presses Retry.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from content.metadata import FetchFailed, fetch_page
from content.models import Bookmark
from core import jobs
from core.events import announce
from reader.events import reader_copy_saved
from reader.extraction import NothingReadable, extract
from reader.models import ERROR_MAX, URL_MAX, ReaderCopy


class TransientFetchFailure(Exception):
    """Raised out of the job so the queue retries it later."""


def queue_copies(bookmark_ids: Iterable[int]) -> int:
    """Mark these bookmarks' copies pending and queue one job each (after the commit). Returns how many."""
    from reader.jobs import build_reader_copy  # jobs imports this module

    ids = sorted(set(bookmark_ids))
    existing = set(ReaderCopy.objects.filter(bookmark_id__in=ids).values_list("bookmark_id", flat=True))
    present = set(Bookmark.objects.filter(pk__in=ids).values_list("pk", flat=True))
    with transaction.atomic():
        ReaderCopy.objects.bulk_create(
            [ReaderCopy(bookmark_id=pk) for pk in sorted(present - existing)], ignore_conflicts=True
        )
        ReaderCopy.objects.filter(bookmark_id__in=present & existing).exclude(
            status=ReaderCopy.Status.READY
        ).update(status=ReaderCopy.Status.PENDING, error="")
        for pk in sorted(present):
            jobs.enqueue_on_commit(build_reader_copy, pk)
    return len(present)


def retry(copy: ReaderCopy) -> None:
    """The Retry button: queue the copy's fetch again (a ready copy stays readable until replaced)."""
    queue_copies([copy.bookmark_id])


def _record_failure(copy: ReaderCopy, reason: str) -> None:
    copy.status = ReaderCopy.Status.FAILED
    copy.error = reason[:ERROR_MAX]
    copy.save(update_fields=["status", "error", "attempts", "updated_at"])


def build_copy(bookmark_id: int) -> ReaderCopy | None:
    """Fetch the bookmark's page and store its reader copy; None if the bookmark is gone."""
    bookmark = Bookmark.objects.filter(pk=bookmark_id).only("pk", "owner_id", "url").first()
    if bookmark is None:
        return None
    copy, _ = ReaderCopy.objects.get_or_create(bookmark_id=bookmark_id)
    copy.attempts += 1
    try:
        page = fetch_page(bookmark.url)
        article = extract(page)
    except FetchFailed as error:
        _record_failure(copy, error.reason)
        if error.transient:
            raise TransientFetchFailure(f"bookmark {bookmark_id}: {error.reason}") from error
        return copy
    except NothingReadable as error:
        _record_failure(copy, str(error))
        return copy
    for name, value in vars(article).items():
        setattr(copy, name, value)
    copy.final_url = page.final_url[:URL_MAX]
    copy.status, copy.error, copy.fetched_at = ReaderCopy.Status.READY, "", timezone.now()
    with transaction.atomic():
        copy.save()
        announce(
            "reader_copy_saved", reader_copy_saved, ReaderCopy, user_id=bookmark.owner_id,
            bookmark_ids=(bookmark_id,),
        )  # fmt: skip
    return copy
