"""Import and export: browser bookmark files (Netscape HTML), other apps' exports (Pocket,
Raindrop.io, Linkwarden, Karakeep, Wallabag) and the full Trackeep archive.

An import request only checks the upload and hands it to a background job
(``content.import_runs``); the answer is the run's status page, which polls its progress (htmx)
until the counts of what was added, skipped as a duplicate, or invalid (with the first reasons) are
final. The browser shows upload progress while the file is sent (static/js/content.js).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from content import import_runs, selectors
from content.exporters import archive as archive_export
from content.exporters import netscape as netscape_export
from content.forms import AppImportForm, ImportForm, import_too_large_message
from content.importers import netscape as netscape_import
from content.importers.apps import SOURCES
from content.models import ImportRun
from content.uploads import limit_uploads, upload_refused
from core import audit


def _form(
    which: str, request: HttpRequest | None = None, form_class: type[ImportForm] = ImportForm
) -> ImportForm:
    """One of the page's import forms; element ids carry its name, so they never clash."""
    data = (request.POST, request.FILES) if request is not None else ()
    return form_class(*data, auto_id=f"{which}-%s")


def _page(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    forms = {
        "bookmark_form": _form("bookmark_form"),
        "archive_form": _form("archive_form"),
        "app_form": _form("app_form", form_class=AppImportForm),
        **context,
    }
    forms["sources"] = SOURCES.values()
    return render(request, "content/transfer.html", forms, status=status)


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _started(request: HttpRequest, run: ImportRun) -> HttpResponse:
    """To the run's status page (htmx follows ``HX-Redirect``, a plain form the 303)."""
    url = run_url(run)
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url, permanent=False)


def run_url(run: ImportRun) -> str:
    return reverse("content:import_run", args=[run.pk])


def _refused(request: HttpRequest, form_name: str, form: ImportForm, status: int) -> HttpResponse:
    if getattr(request, "htmx", False):
        partial = "content/_import_app_form.html" if form_name == "app_form" else "content/_import_form.html"
        return render(request, partial, {"form": form, "which": form_name}, status=status)
    return _page(request, status=status, **{form_name: form})


def _bound_form(
    request: HttpRequest, which: str, form_class: type[ImportForm] = ImportForm
) -> tuple[ImportForm, int]:
    form = _form(which, request, form_class)
    if upload_refused(request):
        form.errors.clear()  # "this field is required": the refused file never arrived
        form.add_error("file", import_too_large_message())
        return form, 413
    return form, 400


def _size_checked(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """An import view behind the import size check, which must be installed before the body is read
    (so CSRF, which reads the body, is checked right after it instead of by the middleware)."""
    checked = csrf_protect(view)

    @csrf_exempt
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            limit_uploads(request, settings.CONTENT_IMPORT_MAX_BYTES)
        return checked(request)

    return wrapper


@_size_checked
def import_bookmarks(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form, status = _bound_form(request, "bookmark_form")
    if status == 413 or not form.is_valid():
        return _refused(request, "bookmark_form", form, status)
    upload = form.cleaned_data["file"]
    if not netscape_import.looks_like_bookmark_file(upload.read(2048)):
        form.add_error("file", import_runs.NOT_A_BOOKMARK_FILE)
        return _refused(request, "bookmark_form", form, 400)
    upload.seek(0)
    return _started(request, import_runs.start(request.user, "bookmarks", upload))


@_size_checked
def import_archive(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form, status = _bound_form(request, "archive_form")
    if status == 413 or not form.is_valid():
        return _refused(request, "archive_form", form, status)
    return _started(request, import_runs.start(request.user, "archive", form.cleaned_data["file"]))


@_size_checked
def import_app(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form, status = _bound_form(request, "app_form", AppImportForm)
    if status == 413 or not form.is_valid():
        return _refused(request, "app_form", form, status)
    run = import_runs.start(request.user, "app", form.cleaned_data["file"], form.cleaned_data["source"])
    return _started(request, run)


@login_required
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress, then its result; the htmx poll asks for the panel alone."""
    run = get_object_or_404(ImportRun, pk=pk, owner=request.user)
    context = {"run": run, "result": import_runs.result_of(run)}
    template = "content/_import_run.html" if getattr(request, "htmx", False) else "content/import_run.html"
    return render(request, template, context)


@login_required
def export_bookmarks(request: HttpRequest) -> HttpResponse:
    bookmarks = list(selectors.bookmarks_for(request.user.pk, sort="oldest"))
    audit.record("export", request=request, target="bookmarks", count=len(bookmarks))
    response = HttpResponse(netscape_export.render(bookmarks), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="trackeep-bookmarks-{timezone.now():%Y-%m-%d}.html"'
    )
    return response


@login_required
def export_archive(request: HttpRequest) -> FileResponse:
    target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    archive_export.write_archive(request.user.pk, target)
    audit.record("export", request=request, target="archive")
    target.seek(0)
    filename = f"trackeep-{request.user.get_username()}-{timezone.now():%Y-%m-%d}.zip"
    return FileResponse(target, as_attachment=True, filename=filename, content_type="application/zip")
