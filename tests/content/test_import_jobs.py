"""Imports run as background jobs (issue 11 item 7): the request queues the file, a real worker
process imports it in chunks with its progress on the run's page, every added row is searchable,
and a malformed browser file (quadratic for Python's HTMLParser before 3.11.14, CVE-2025-6069) ends
as a failed run with a clear message within the parse bound, never a 500."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content import import_runs
from content.importers import netscape
from content.importers.result import ImportResult
from content.models import Bookmark, ImportRun
from search.models import SearchDocument
from tests.content.import_support import import_file
from tests.factories import make_user, signed_in
from tests.jobs.processes import JobProcess, database_url, start, subprocess_env, wait_for
from tests.server_logs import assert_clean_logs
from tools.redis_process import RedisProcess

PARSE_SECONDS = 2
HEAD = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n"
# An unterminated quoted attribute, over and over: each one makes HTMLParser rescan the rest.
MALFORMED_UNIT = "<A HREF='"


def bookmark_file(count: int) -> bytes:
    rows = "".join(
        f'<DT><A HREF="https://site{n}.example/page">Page zebrafinch{n}</A>\n' for n in range(count)
    )
    return (HEAD + rows + "</DL><p>\n").encode()


def malformed_file(size: int) -> bytes:
    return (HEAD + MALFORMED_UNIT * (size // len(MALFORMED_UNIT))).encode()


@pytest.fixture
def import_worker(job_redis: RedisProcess, job_redis_url: str, tmp_path: Path) -> Iterator[JobProcess]:
    """One ``jobs_worker`` on the test's database, media directory and job Redis."""
    env = subprocess_env(
        job_redis_url,
        tmp_path,
        DJANGO_SETTINGS_MODULE="trackeep.settings",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        CONTENT_IMPORT_PARSE_SECONDS=str(PARSE_SECONDS),
    )
    process = start("import-worker", ["jobs_worker", "--name", "import-worker"], env, tmp_path)
    yield process
    process.stop()
    assert_clean_logs({process.name: process.checked_log()})


def finished_page(client: Client, url: str, worker: JobProcess) -> tuple[str, list[int]]:
    """Wait for the run to finish, noting each distinct progress count it reported on the way; then
    the panel its page's poll gets (the page polls once a second: the test does not hammer it)."""
    seen: list[int] = []
    run_id = int(url.rstrip("/").rsplit("/", 1)[1])

    def done() -> bool:
        run = ImportRun.objects.get(pk=run_id)
        if run.processed not in seen:
            seen.append(run.processed)
        return run.finished

    wait_for(done, "the import to finish", [worker], 60)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode(), seen


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_import_is_queued_on_commit_runs_in_a_worker_and_every_row_is_searchable(
    import_worker: JobProcess,
) -> None:
    owner = make_user()
    client = signed_in(owner)
    count = import_runs.CHUNK_SIZE * 2 + 500  # three chunks, three commits
    response = client.post(reverse("content:import_bookmarks"), {"file": _upload(bookmark_file(count))})
    assert response.status_code == 302
    run = ImportRun.objects.get(owner=owner)
    assert response["Location"] == reverse("content:import_run", args=[run.pk])
    first = client.get(response["Location"])  # the page a browser lands on
    assert first.status_code == 200 and b"import-run" in first.content

    panel, seen = finished_page(client, response["Location"], import_worker)
    run.refresh_from_db()
    print(f"import of {count}: progress lines seen {seen}; final {run.processed}/{run.total}")
    assert (run.status, run.processed, run.total) == (ImportRun.DONE, count, count)
    assert f"Added <strong>{count}</strong>" in panel
    assert not run.blob  # the uploaded file is gone once read
    ids = set(Bookmark.objects.filter(owner=owner).values_list("pk", flat=True))
    documents = SearchDocument.objects.filter(owner=owner, kind="bookmark")
    indexed = set(documents.values_list("object_id", flat=True))
    assert len(ids) == count and indexed == ids
    found = client.get(reverse("search:page"), {"q": f"zebrafinch{count - 1}"})
    assert f"https://site{count - 1}.example/page" in found.content.decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [200 * 1024, 5 * 1024 * 1024])
def test_a_malformed_bookmark_file_fails_clearly_within_the_parse_bound(
    import_worker: JobProcess, size: int
) -> None:
    owner = make_user()
    client = signed_in(owner)
    response = client.post(reverse("content:import_bookmarks"), {"file": _upload(malformed_file(size))})
    assert response.status_code == 302  # queued, not parsed in the request
    panel, _ = finished_page(client, response["Location"], import_worker)
    assert "Import failed" in panel
    assert f"could not be read within {PARSE_SECONDS} seconds" in panel
    assert ImportRun.objects.get(owner=owner).status == ImportRun.FAILED
    assert not Bookmark.objects.filter(owner=owner).exists()


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bookmarks.html", data, content_type="text/html")


def test_the_parse_stops_at_its_deadline_on_a_malformed_file() -> None:
    with pytest.raises(netscape.ParseTimeout):
        netscape.parse(malformed_file(20_000), ImportResult(), deadline=time.monotonic() - 1)
    result = ImportResult()
    assert len(netscape.parse(bookmark_file(3), result, deadline=time.monotonic() + 60)) == 3


@pytest.mark.django_db
def test_the_run_page_shows_progress_and_polls_until_finished(client_of: Client, owner: Any) -> None:
    run = ImportRun.objects.create(
        owner=owner, what="bookmarks", status=ImportRun.RUNNING, total=40, processed=10, added={"bookmark": 9}
    )
    url = reverse("content:import_run", args=[run.pk])
    page = client_of.get(url).content.decode()
    assert "<strong>10</strong> of 40 items (25 %)" in page and "added 9" in page
    assert 'hx-trigger="every 1s"' in page
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.DONE, processed=40)
    panel = client_of.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Import finished" in panel and "hx-trigger" not in panel


@pytest.mark.django_db
def test_another_users_run_is_not_found(stranger: Any, owner: Any) -> None:
    run = ImportRun.objects.create(owner=owner, what="bookmarks")
    response = signed_in(stranger).get(reverse("content:import_run", args=[run.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_run_already_started_is_not_run_again(owner: Any) -> None:
    run = ImportRun.objects.create(owner=owner, what="bookmarks", status=ImportRun.RUNNING, blob="imports/x")
    import_runs.execute(run.pk)  # a second delivery of the job
    run.refresh_from_db()
    assert (run.status, run.blob, run.finished_at) == (ImportRun.RUNNING, "imports/x", None)


@pytest.mark.django_db
def test_search_reindex_missing_indexes_only_what_the_index_lacks(client_of: Client, owner: Any) -> None:
    import_file(client_of, "content:import_bookmarks", "b.html", bookmark_file(30))
    documents = SearchDocument.objects.filter(owner=owner, kind="bookmark")
    lost = list(documents.order_by("object_id").values_list("object_id", flat=True)[5:25])
    documents.filter(object_id__in=lost).delete()  # as if an import died before indexing them
    kept = dict(documents.values_list("object_id", "pk"))
    call_command("search_reindex", "--missing", "--user", str(owner.pk), "--chunk-size", "7", verbosity=0)
    assert set(documents.values_list("object_id", flat=True)) == set(
        Bookmark.objects.filter(owner=owner).values_list("pk", flat=True)
    )
    assert {k: v for k, v in documents.values_list("object_id", "pk") if k in kept} == kept  # untouched


def job_child(worker: JobProcess) -> int:
    """The process running the worker's current job: its child in a process group of its own."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent, group = int(fields[1]), int(fields[2])
        if parent == worker.pid and group != worker.pid:
            return int(stat.parent.name)
    raise AssertionError("the worker runs no job")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_mid_run_is_taken_over_by_the_retry(
    job_redis: RedisProcess, job_redis_url: str, tmp_path: Path
) -> None:
    env = subprocess_env(
        job_redis_url,
        tmp_path,
        DJANGO_SETTINGS_MODULE="trackeep.settings",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        READER_FETCH_PAGES="false",  # no reader-copy jobs queued ahead of the retried import
    )
    workers = [start("doomed-importer", ["jobs_worker", "--name", "doomed-importer"], env, tmp_path)]
    try:
        owner = make_user()
        client = signed_in(owner)
        count = import_runs.CHUNK_SIZE * 6
        response = client.post(reverse("content:import_bookmarks"), {"file": _upload(bookmark_file(count))})
        assert response.status_code == 302
        run = ImportRun.objects.get(owner=owner)

        def first_chunk_committed() -> bool:
            return ImportRun.objects.get(pk=run.pk).processed >= import_runs.CHUNK_SIZE

        wait_for(first_chunk_committed, "the first chunk", workers, 60)
        horse = job_child(workers[0])
        workers[0].kill()  # the worker and the job's process die at once, as with the container
        os.kill(horse, signal.SIGKILL)
        run.refresh_from_db()
        committed = run.processed
        assert run.status == ImportRun.RUNNING and 0 < committed < count, (run.status, committed)
        assert Bookmark.objects.filter(owner=owner).count() == committed  # the counter is exact

        workers.append(start("rescuer", ["jobs_worker", "--name", "rescuer"], env, tmp_path))
        wait_for(lambda: ImportRun.objects.get(pk=run.pk).finished, "the retried import", workers, 90)
        run.refresh_from_db()
        print(f"import of {count}: worker killed after {committed}; the retry finished {run.processed}")
        assert (run.status, run.processed, run.total) == (ImportRun.DONE, count, count)
        assert run.added == {"bookmark": count} and not run.duplicates  # nothing imported twice
        ids = set(Bookmark.objects.filter(owner=owner).values_list("pk", flat=True))
        indexed = SearchDocument.objects.filter(owner=owner, kind="bookmark").values_list(
            "object_id", flat=True
        )
        assert len(ids) == count and set(indexed) == ids
        assert not run.blob
    finally:
        for worker in workers:
            worker.stop()
    assert_clean_logs({worker.name: worker.checked_log() for worker in workers})
