"""Imports as background jobs: ``start`` keeps the uploaded file and queues the run; ``execute``
(the job ``content.jobs.run_import``) reads it and adds its items.

Items are added ``CHUNK_SIZE`` at a time, each chunk in its own transaction with its own
``content_changed`` event, so the search receiver indexes a chunk as soon as its transaction commits:
what an interrupted import committed is searchable, and running the file again skips it as
duplicates and adds the rest. Each chunk's transaction also records on the run's row the progress
its status page shows, so the row always counts exactly the committed items. A Trackeep archive is
restored in one transaction (its items refer to each other by id).

A worker killed mid-run (SIGKILL, out of memory, a lost host) leaves the run "Importing"; RQ retries
the abandoned job (``content.jobs.run_import``), and the retry takes the run over and goes on after
the items its row counts, keeping the counts so far. The chunk committed last is announced again, in
case the worker died between its commit and its event (which indexes it for search). An archive
starts again: nothing of it committed.

The parse of a browser bookmark file is bounded by ``CONTENT_IMPORT_PARSE_SECONDS``: Python's
HTMLParser is quadratic on some malformed input before 3.11.14 (CVE-2025-6069), so a hostile file
ends as a failed run with a clear message, not a worker busy for minutes.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from content import services
from content.importers import archive as archive_import
from content.importers import netscape as netscape_import
from content.importers.apps import SOURCES
from content.importers.common import ExportError
from content.importers.result import ImportResult
from content.models import ImportRun
from core import jobs

CHUNK_SIZE = 1000
NOT_A_BOOKMARK_FILE = "This is not a browser bookmark file (the HTML export of Chrome, Firefox or Safari)."
UNEXPECTED = "The import stopped on an unexpected error."
BLOB_DIR = "imports"
T = TypeVar("T")


class ImportFailed(ValueError):
    """The file cannot be imported; the message is shown on the run's page."""


def start(owner: Any, what: str, upload: UploadedFile, source: str = "") -> ImportRun:
    """Keep ``upload`` and queue its import; the run's page follows it."""
    from content.jobs import run_import  # the job module imports this one

    blob = default_storage.save(f"{BLOB_DIR}/{uuid.uuid4().hex}", upload)
    with transaction.atomic():
        run = ImportRun.objects.create(
            owner=owner, what=what, source=source, filename=(upload.name or "")[:255], blob=blob
        )
        jobs.enqueue_on_commit(run_import, run.pk)
    return run


def result_of(run: ImportRun) -> ImportResult:
    """The counts of ``run`` so far, as an ``ImportResult`` (for the result table)."""
    return ImportResult(
        added=Counter(run.added),
        duplicates=Counter(run.duplicates),
        invalid=Counter(run.invalid),
        problems=list(run.problems),
        more_problems=run.more_problems,
    )


def _save_progress(run: ImportRun, result: ImportResult, processed: int, **fields: Any) -> None:
    run.processed = processed
    run.added, run.duplicates, run.invalid = dict(result.added), dict(result.duplicates), dict(result.invalid)
    run.problems, run.more_problems = result.problems, result.more_problems
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()


def _in_chunks(
    run: ImportRun,
    result: ImportResult,
    entries: Sequence[T],
    add: Callable[[Sequence[T]], object],
    done: int,
) -> int:
    """Add ``entries`` a chunk at a time (each chunk commits alone), recording progress after each."""
    for start in range(0, len(entries), CHUNK_SIZE):
        with transaction.atomic():  # the chunk and the progress that counts it commit together
            add(entries[start : start + CHUNK_SIZE])
            done += len(entries[start : start + CHUNK_SIZE])
            _save_progress(run, result, done)
    return done


def _read_bookmarks(data: bytes, result: ImportResult) -> list[Any]:
    if not netscape_import.looks_like_bookmark_file(data):
        raise ImportFailed(NOT_A_BOOKMARK_FILE)
    seconds = settings.CONTENT_IMPORT_PARSE_SECONDS
    try:
        return netscape_import.parse(data, result, deadline=time.monotonic() + seconds)
    except netscape_import.ParseTimeout as error:
        raise ImportFailed(
            f"The file could not be read within {seconds} seconds: it is not a well-formed bookmark file."
        ) from error


def _run(run: ImportRun, result: ImportResult, committed: int) -> None:
    """Import the run's file; the first ``committed`` items are already in (a resumed run)."""
    owner = run.owner
    if run.what == "archive":
        with default_storage.open(run.blob, "rb") as upload:  # open while files are restored from it
            try:
                archive = archive_import.read_archive(upload, result)
            except archive_import.ArchiveError as error:
                raise ImportFailed(str(error)) from error
            parts = (archive.tags, archive.bookmarks, archive.projects, archive.tasks, archive.notes)
            run.total = sum(len(rows) for rows in parts)
            _save_progress(run, result, 0)
            services.import_archive(owner, archive, result)
        return
    with default_storage.open(run.blob, "rb") as upload:
        data = upload.read()
    if run.what == "bookmarks":
        bookmarks, notes = _read_bookmarks(data, result), []
    else:
        try:
            bookmarks, notes = SOURCES[run.source].read(data, result)
        except (ExportError, KeyError) as error:
            raise ImportFailed(str(error) if isinstance(error, ExportError) else "Unknown app.") from error
    run.total = len(bookmarks) + len(notes)
    committed = min(committed, run.total)
    _save_progress(run, result, committed)
    skip_notes = max(0, committed - len(bookmarks))
    if committed:  # the last chunk that committed may have missed its event: announce it again
        last = max(0, committed - CHUNK_SIZE)
        services.announce_imported(
            owner, bookmarks[last:committed], notes[max(0, last - len(bookmarks)) : skip_notes]
        )
    done = _in_chunks(
        run,
        result,
        bookmarks[committed:],
        lambda part: services.import_bookmarks(owner, part, result),
        committed,
    )
    _in_chunks(run, result, notes[skip_notes:], lambda part: services.import_notes(owner, part, result), done)


def execute(run_id: int, *, resume: bool = False) -> None:
    """Run the queued import ``run_id`` (the job's body). A run already started is left alone, unless
    ``resume``: the retry of a job whose worker died takes its run over and goes on from there."""
    claimable = [ImportRun.QUEUED, ImportRun.RUNNING] if resume else [ImportRun.QUEUED]
    claimed = ImportRun.objects.filter(pk=run_id, status__in=claimable).update(status=ImportRun.RUNNING)
    if not claimed:
        return
    run = ImportRun.objects.select_related("owner").get(pk=run_id)
    result = ImportResult()
    committed = 0
    if resume and run.what != "archive":
        committed = run.processed
        result.added.update(run.added)  # what the committed chunks added; the parse counts the rest
        result.duplicates.update(run.duplicates)
    try:
        _run(run, result, committed)
    except ImportFailed as error:
        _save_progress(run, result, run.processed, status=ImportRun.FAILED, error=str(error))
    except Exception:
        _save_progress(run, result, run.processed, status=ImportRun.FAILED, error=UNEXPECTED)
        raise
    else:
        _save_progress(run, result, run.total, status=ImportRun.DONE)
    finally:
        ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), blob="")
        if run.blob:
            default_storage.delete(run.blob)
