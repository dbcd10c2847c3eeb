"""Imports as background jobs: ``start`` keeps the uploaded file and queues the run; ``execute``
(the job ``content.jobs.run_import``) reads it and adds its items.

Items are added ``CHUNK_SIZE`` at a time, each chunk in its own transaction with its own
``content_changed`` event, so the search receiver indexes a chunk in the transaction that adds it:
what an interrupted import committed is searchable, and running the file again skips it as
duplicates and adds the rest. After each chunk the run's row records the progress its status page
shows. A Trackeep archive is restored in one transaction (its items refer to each other by id).

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


def _run(run: ImportRun, result: ImportResult) -> None:
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
    _save_progress(run, result, 0)
    done = _in_chunks(run, result, bookmarks, lambda part: services.import_bookmarks(owner, part, result), 0)
    _in_chunks(run, result, notes, lambda part: services.import_notes(owner, part, result), done)


def execute(run_id: int) -> None:
    """Run the queued import ``run_id`` (the job's body); a run already started is left alone."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.QUEUED).update(status=ImportRun.RUNNING)
    if not claimed:
        return
    run = ImportRun.objects.select_related("owner").get(pk=run_id)
    result = ImportResult()
    try:
        _run(run, result)
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
