"""Reader copies built in this process from the local site: what is stored, what the Read view shows
(nothing loaded from elsewhere), failures and their retry, ownership, search and the command."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from content import services as content_services
from core import jobs
from reader import services
from reader.jobs import build_reader_copy
from reader.models import ReaderCopy
from search.indexing import rebuild_user
from search.models import SearchDocument
from tests.factories import signed_in
from tests.reader.conftest import BODY_WORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    settings.CONTENT_FETCH_ALLOW_PRIVATE = True


def _bookmark(owner: Any, url: str) -> Any:
    return content_services.create_bookmark(owner, url=url, title="Island hobbies")


def _read_body(html: str) -> str:
    match = re.search(r'<div class="reader-body">(.*?)</div>\s*</article>', html, re.S)
    assert match, html
    return match.group(1)


def test_the_read_view_shows_the_sanitised_article_and_loads_nothing_remote(
    loopback_allowed: None, site: str, owner: Any, client_of: Any
) -> None:
    bookmark = _bookmark(owner, f"{site}/article")
    detail = client_of.get(reverse("content:bookmark_detail", args=[bookmark.pk])).content.decode()
    assert f'href="{reverse("reader:read", args=[bookmark.pk])}"' in detail  # the Read button
    copy = services.build_copy(bookmark.pk)
    assert copy is not None and copy.status == ReaderCopy.Status.READY
    response = client_of.get(reverse("reader:read", args=[bookmark.pk]))
    body = _read_body(response.content.decode())
    assert BODY_WORD in body and "the society" in body
    for banned in ("<img", "<script", "<style", "style=", "onclick", "src=", "pwned", "tracker.png"):
        assert banned not in body, banned
    assert 'href="https://example.org/stamps"' in body and 'rel="noopener noreferrer nofollow"' in body
    # The preview image and favicon are stored, not shown: the view loads nothing from the site.
    assert site not in response.content.decode().replace(f'href="{site}/article"', "")


def test_a_transient_failure_is_recorded_and_raised_for_the_queue_to_retry(
    loopback_allowed: None, site: str, owner: Any
) -> None:
    bookmark = _bookmark(owner, f"{site}/broken")
    with pytest.raises(services.TransientFetchFailure, match="HTTP 500"):
        build_reader_copy(bookmark.pk)
    copy = ReaderCopy.objects.get(bookmark=bookmark)
    assert (copy.status, copy.error, copy.attempts) == (
        ReaderCopy.Status.FAILED,
        "the server answered HTTP 500",
        1,
    )


def test_private_addresses_are_refused_unless_allowed_and_not_retried(site: str, owner: Any) -> None:
    bookmark = _bookmark(owner, f"{site}/article")
    copy = services.build_copy(bookmark.pk)  # CONTENT_FETCH_ALLOW_PRIVATE is off by default
    assert copy is not None and copy.status == ReaderCopy.Status.FAILED
    assert "non-public address" in copy.error and copy.text == ""


def test_a_missing_page_or_one_without_an_article_is_a_permanent_failure(
    loopback_allowed: None, site: str, owner: Any
) -> None:
    for path, reason in (
        ("/nothing-here", "the server answered HTTP 404"),
        ("/empty", "no readable article text on the page"),
    ):
        copy = services.build_copy(_bookmark(owner, f"{site}{path}").pk)  # returns: not retried
        assert copy is not None and (copy.status, copy.error, copy.html) == (
            ReaderCopy.Status.FAILED,
            reason,
            "",
        )


def test_another_users_copy_answers_404(loopback_allowed: None, site: str, owner: Any, stranger: Any) -> None:
    bookmark = _bookmark(owner, f"{site}/article")
    services.build_copy(bookmark.pk)
    stranger_client = signed_in(stranger)
    assert stranger_client.get(reverse("reader:read", args=[bookmark.pk])).status_code == 404
    assert stranger_client.post(reverse("reader:retry", args=[bookmark.pk])).status_code == 404
    assert stranger_client.get(reverse("reader:read", args=[10**9])).status_code == 404


def test_retry_is_post_only_and_queues_one_job(
    job_redis: Any, site: str, owner: Any, client_of: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bookmark = _bookmark(owner, f"{site}/article")
    assert client_of.get(reverse("reader:retry", args=[bookmark.pk])).status_code == 405
    queue = jobs.get_queue("low")
    assert queue.count == 0  # READER_FETCH_PAGES is off in tests: saving queued nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert client_of.post(reverse("reader:retry", args=[bookmark.pk])).status_code == 302
    (job,) = queue.jobs
    assert job.args == [bookmark.pk]
    # A transient failure raised out of the job is retried three times, each wait longer.
    assert job.retries_left == 3 and job.retry_intervals == sorted(job.retry_intervals)
    assert ReaderCopy.objects.get(bookmark=bookmark).status == ReaderCopy.Status.PENDING
    page = client_of.get(reverse("reader:read", args=[bookmark.pk])).content.decode()
    assert "being fetched" in page


def test_saving_queues_a_copy_per_new_bookmark_when_enabled(
    job_redis: Any, settings: Any, site: str, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.READER_FETCH_PAGES = True
    with django_capture_on_commit_callbacks(execute=True):
        first = _bookmark(owner, f"{site}/article")
    with django_capture_on_commit_callbacks(execute=True):
        content_services.update_bookmark(first, title="Renamed")  # an update queues nothing
    with django_capture_on_commit_callbacks(execute=True):
        second = _bookmark(owner, f"{site}/again")
    assert sorted(job.args[0] for job in jobs.get_queue("low").jobs) == [first.pk, second.pk]
    assert ReaderCopy.objects.filter(status=ReaderCopy.Status.PENDING).count() == 2


def test_the_copy_text_is_indexed_and_survives_a_rebuild(
    loopback_allowed: None, site: str, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        bookmark = _bookmark(owner, f"{site}/article")
    assert BODY_WORD not in SearchDocument.objects.get(kind="bookmark", object_id=bookmark.pk).body
    with django_capture_on_commit_callbacks(execute=True):
        services.build_copy(bookmark.pk)
    document = SearchDocument.objects.get(kind="bookmark", object_id=bookmark.pk)
    assert BODY_WORD in document.body
    SearchDocument.objects.all().delete()
    rebuild_user(owner.pk)
    assert BODY_WORD in SearchDocument.objects.get(kind="bookmark", object_id=bookmark.pk).body


def test_reader_fetch_missing_builds_missing_and_failed_copies_with_progress(
    loopback_allowed: None, site: str, owner: Any
) -> None:
    done = _bookmark(owner, f"{site}/article")
    services.build_copy(done.pk)
    never = _bookmark(owner, f"{site}/again")
    failed = _bookmark(owner, f"{site}/later")
    services.build_copy(failed.pk)
    broken = _bookmark(owner, f"{site}/broken")
    out = StringIO()
    call_command("reader_fetch", "--missing", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        f"[1/3] bookmark {never.pk}: ready",
        f"[2/3] bookmark {failed.pk}: failed: the server answered HTTP 404",
        f"[3/3] bookmark {broken.pk}: failed: the server answered HTTP 500",
        "1 of 3 reader copies fetched.",
    ]
    assert ReaderCopy.objects.get(bookmark=failed).attempts == 2

    out = StringIO()
    call_command("reader_fetch", "--missing", "--skip-failed", stdout=out)
    assert out.getvalue().splitlines() == ["0 of 0 reader copies fetched."]
    with pytest.raises(CommandError):
        call_command("reader_fetch")
