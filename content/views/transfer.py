"""Import and export: browser bookmark files (Netscape HTML), other apps' exports (Pocket,
Raindrop.io, Linkwarden, Karakeep, Wallabag) and the full Trackeep archive.

Imports run synchronously in one transaction and answer with a result page counting what was
added, skipped as a duplicate, or invalid (with the first reasons). The browser shows upload
progress while the file is sent (static/js/content.js); there is no server-side progress stream.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from content import selectors, services
from content.exporters import archive as archive_export
from content.exporters import netscape as netscape_export
from content.forms import AppImportForm, ImportForm, import_too_large_message
from content.importers import archive as archive_import
from content.importers import netscape as netscape_import
from content.importers.apps import SOURCES
from content.importers.common import ExportError
from content.importers.result import ImportResult
from content.uploads import limit_uploads, upload_refused
from core import audit

NOT_A_BOOKMARK_FILE = "This is not a browser bookmark file (the HTML export of Chrome, Firefox or Safari)."


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


def _result(request: HttpRequest, result: ImportResult, what: str) -> HttpResponse:
    context = {"result": result, "what": what}
    template = (
        "content/_import_result.html" if getattr(request, "htmx", False) else "content/import_result.html"
    )
    return render(request, template, context)


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
    data = form.cleaned_data["file"].read()
    if not netscape_import.looks_like_bookmark_file(data):
        form.add_error("file", NOT_A_BOOKMARK_FILE)
        return _refused(request, "bookmark_form", form, 400)
    result = ImportResult()
    entries = netscape_import.parse(data, result)
    services.import_bookmarks(request.user, entries, result)
    return _result(request, result, "bookmarks")


@_size_checked
def import_archive(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form, status = _bound_form(request, "archive_form")
    if status == 413 or not form.is_valid():
        return _refused(request, "archive_form", form, status)
    result = ImportResult()
    try:
        archive = archive_import.read_archive(form.cleaned_data["file"], result)
    except archive_import.ArchiveError as error:
        form.add_error("file", str(error))
        return _refused(request, "archive_form", form, 400)
    services.import_archive(request.user, archive, result)
    return _result(request, result, "archive")


@_size_checked
def import_app(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form, status = _bound_form(request, "app_form", AppImportForm)
    if status == 413 or not form.is_valid():
        return _refused(request, "app_form", form, status)
    result = ImportResult()
    try:
        bookmarks, notes = SOURCES[form.cleaned_data["source"]].read(form.cleaned_data["file"].read(), result)
    except ExportError as error:
        form.add_error("file", str(error))
        return _refused(request, "app_form", form, 400)
    services.import_items(request.user, bookmarks, notes, result)
    return _result(request, result, "bookmarks")


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
