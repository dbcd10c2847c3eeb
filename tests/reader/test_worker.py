"""Acceptance: a page served by the test is saved as a bookmark, fetched by a real worker process,
readable in the Read view and found by a word only its body contains; a failure is shown with its
reason and the Retry button gets the copy built by the worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from content import services as content_services
from reader.models import ReaderCopy
from search.models import SearchDocument
from tests.jobs.processes import JobProcess, wait_for
from tests.reader.conftest import BODY_WORD, Site

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _copy_status(bookmark_id: int) -> str | None:
    copy = ReaderCopy.objects.filter(bookmark_id=bookmark_id).first()
    return copy.status if copy else None


def test_a_saved_page_is_fetched_by_the_worker_readable_and_found_by_a_body_word(
    reader_worker: Callable[[], JobProcess], site: str, owner: Any, client_of: Any, settings: Any
) -> None:
    settings.READER_FETCH_PAGES = True
    worker = reader_worker()
    bookmark = content_services.create_bookmark(owner, url=f"{site}/article", title="Island hobbies")
    # Nothing in the title, URL or description says it: only the page body does. (Checked on the
    # index, not through the search page: that would cache a result in this process's Redis, while
    # the worker's invalidation goes to its own.)
    indexed = SearchDocument.objects.filter(kind="bookmark", object_id=bookmark.pk)
    assert indexed.count() == 1 and not indexed.filter(body__contains=BODY_WORD).exists()

    wait_for(lambda: _copy_status(bookmark.pk) == ReaderCopy.Status.READY, "the reader copy", [worker], 60)
    copy = ReaderCopy.objects.get(bookmark=bookmark)
    assert (copy.byline, copy.attempts, copy.reading_minutes) == ("Ada Lovelace", 1, 1)
    assert copy.image_url == f"{site}/cover.png" and copy.favicon_url == f"{site}/favicon.png"
    assert copy.final_url == f"{site}/article"
    assert BODY_WORD in copy.text and "Copyright the island" not in copy.text

    page = client_of.get(reverse("reader:read", args=[bookmark.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert BODY_WORD in html and "Ada Lovelace" in html and "1 min read" in html

    found = client_of.get(reverse("search:page"), {"q": BODY_WORD}).content.decode()
    assert reverse("content:bookmark_detail", args=[bookmark.pk]) in found


def test_a_failure_is_shown_with_its_reason_and_retry_has_the_worker_build_the_copy(
    reader_worker: Callable[[], JobProcess], site: str, owner: Any, client_of: Any, settings: Any
) -> None:
    settings.READER_FETCH_PAGES = True
    worker = reader_worker()
    bookmark = content_services.create_bookmark(owner, url=f"{site}/later", title="Not there yet")
    wait_for(lambda: _copy_status(bookmark.pk) == ReaderCopy.Status.FAILED, "the failure", [worker], 60)
    page = client_of.get(reverse("reader:read", args=[bookmark.pk])).content.decode()
    assert "the server answered HTTP 404" in page and reverse("reader:retry", args=[bookmark.pk]) in page

    Site.ready.set()
    response = client_of.post(reverse("reader:retry", args=[bookmark.pk]))
    assert response.status_code == 302
    wait_for(lambda: _copy_status(bookmark.pk) == ReaderCopy.Status.READY, "the retried copy", [worker], 60)
    copy = ReaderCopy.objects.get(bookmark=bookmark)
    assert (copy.error, copy.attempts) == ("", 2)
    assert BODY_WORD in client_of.get(reverse("reader:read", args=[bookmark.pk])).content.decode()
