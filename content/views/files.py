"""File pages: list, upload (size-checked before storing), detail with share links, edit, download."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from content import selectors, services
from content.forms import FileEditForm, FileUploadForm, ShareLinkForm
from content.models import ShareLink, StoredFile
from content.serving import file_response
from content.sniff import describe, is_inline_safe
from content.uploads import UploadRejected, UploadTooLarge, limit_uploads, too_large_message, upload_refused
from content.views.common import list_page, owned, posted
from content.views.listing import LISTS


@login_required
def file_list(request: HttpRequest) -> HttpResponse:
    form_class, rows = LISTS["file"]
    owner_id = request.user.pk
    return list_page(
        request, "file", form_class, lambda filters: rows(owner_id, filters), "content/files/list.html"
    )


@csrf_exempt  # the size check must be installed before the body is read; CSRF is checked right after
@login_required
def file_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        limit_uploads(request, settings.CONTENT_UPLOAD_MAX_BYTES)
    return _file_upload(request)


@csrf_protect
def _file_upload(request: HttpRequest) -> HttpResponse:
    form = FileUploadForm(*posted(request, files=True))
    if request.method != "POST":
        return _upload_page(request, form)
    if upload_refused(request):
        form.errors.clear()  # "this field is required": the refused file never arrived
        form.reject(UploadTooLarge(too_large_message(settings.CONTENT_UPLOAD_MAX_BYTES)))
    elif form.is_valid():
        try:
            stored = services.create_file(
                request.user,
                upload=form.cleaned_data["upload"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                tags=form.cleaned_data["tag_names"],
            )
        except UploadRejected as error:
            form.reject(error)
        else:
            messages.success(request, f"Uploaded “{stored.name}”.")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(reverse("content:file_list"))
            return redirect("content:file_list")
    return _upload_page(request, form, status=413 if form.too_large else 400)


def _upload_page(request: HttpRequest, form: FileUploadForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "all_tags": selectors.owner_tags(request.user.pk)}
    template = (
        "content/files/_upload_form.html" if getattr(request, "htmx", False) else "content/files/upload.html"
    )
    return render(request, template, context, status=status)


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    stored = owned(request, StoredFile, pk, StoredFile.objects.prefetch_related("tags"))
    return render(request, "content/files/detail.html", _detail_context(stored, ShareLinkForm()))


def _detail_context(stored: StoredFile, share_form: ShareLinkForm) -> dict[str, Any]:
    return {
        "file": stored,
        "inline": is_inline_safe(stored.content_type),
        "kind_label": describe(stored.content_type),
        "share_links": selectors.share_links_for(stored),
        "share_form": share_form,
    }


@login_required
def file_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stored = owned(request, StoredFile, pk)
    form = FileEditForm(*posted(request), instance=stored, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        services.update_file(
            stored,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            tags=form.cleaned_data["tag_names"],
        )
        messages.success(request, "File details saved.")
        return redirect("content:file_detail", pk=stored.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "file": stored, "all_tags": selectors.owner_tags(request.user.pk)}
    return render(request, "content/files/edit.html", context, status=status)


@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(owned(request, StoredFile, pk))


@login_required
@require_POST
def share_create(request: HttpRequest, pk: int) -> HttpResponse:
    stored = owned(request, StoredFile, pk)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        return _shares_response(request, stored, form, status=400)
    link = services.create_share_link(stored, expires_at=form.expires_at())
    if not getattr(request, "htmx", False):
        messages.success(request, "Share link created. Anyone with the link can download this file.")
    return _shares_response(request, stored, ShareLinkForm(), new_link=link)


@login_required
@require_POST
def share_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    stored = owned(request, StoredFile, pk)
    link = get_object_or_404(ShareLink, pk=link_pk, file=stored)
    services.revoke_share_link(link)
    if not getattr(request, "htmx", False):
        messages.success(request, "Share link revoked: it no longer opens the file.")
    return _shares_response(request, stored, ShareLinkForm())


def _shares_response(
    request: HttpRequest,
    stored: StoredFile,
    form: ShareLinkForm,
    status: int = 200,
    new_link: ShareLink | None = None,
) -> HttpResponse:
    """htmx: the share-links panel; a plain post: back to the file page (or it, with the errors)."""
    if status == 200 and not getattr(request, "htmx", False):
        return redirect("content:file_detail", pk=stored.pk)
    template = (
        "content/files/_shares.html" if getattr(request, "htmx", False) else "content/files/detail.html"
    )
    context = {**_detail_context(stored, form), "new_link": new_link}
    return render(request, template, context, status=status)
