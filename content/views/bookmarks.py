"""Bookmark pages: list with filters, detail, create, edit, and the inline read/favourite switches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from content import selectors, services
from content.forms import BookmarkForm
from content.models import URL_MAX, Bookmark
from content.views.common import list_page, owned, posted, row_or_redirect
from content.views.listing import LISTS

TOGGLES = {"read": "is_read", "favorite": "is_favorite"}


@login_required
def bookmark_list(request: HttpRequest) -> HttpResponse:
    form_class, rows = LISTS["bookmark"]
    owner_id = request.user.pk
    return list_page(
        request,
        "bookmark",
        form_class,
        lambda filters: rows(owner_id, filters),
        "content/bookmarks/list.html",
        extra=selectors.collection_choices,
    )


@login_required
def bookmark_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = owned(request, Bookmark, pk, Bookmark.objects.prefetch_related("tags"))
    return render(request, "content/bookmarks/detail.html", {"bookmark": bookmark})


@login_required
def bookmark_create(request: HttpRequest) -> HttpResponse:
    initial = {"url": request.GET.get("url", ""), "title": request.GET.get("title", "")}
    form = BookmarkForm(*posted(request), initial=initial, owner_id=request.user.pk)
    if request.method == "GET" and initial["url"]:  # from the bookmarklet: say so before typing
        form.duplicate = selectors.bookmark_with_url(request.user.pk, initial["url"][:URL_MAX])
    if request.method == "POST" and form.is_valid():
        bookmark = services.create_bookmark(
            request.user, tags=form.cleaned_data["tag_names"], **form.item_fields()
        )
        messages.success(request, f"Bookmark “{bookmark.title}” saved.")
        return redirect("content:bookmark_list")
    return _form_page(request, form, None)


@login_required
def bookmark_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = owned(request, Bookmark, pk)
    form = BookmarkForm(*posted(request), instance=bookmark, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        services.update_bookmark(bookmark, tags=form.cleaned_data["tag_names"], **form.item_fields())
        messages.success(request, "Bookmark updated.")
        return redirect("content:bookmark_detail", pk=bookmark.pk)
    return _form_page(request, form, bookmark)


def _form_page(request: HttpRequest, form: BookmarkForm, bookmark: Bookmark | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "bookmark": bookmark, "all_tags": selectors.owner_tags(request.user.pk)}
    return render(request, "content/bookmarks/form.html", context, status=status)


@login_required
@require_POST
def bookmark_toggle(request: HttpRequest, pk: int, flag: str) -> HttpResponse:
    if flag not in TOGGLES:
        raise Http404
    bookmark = owned(request, Bookmark, pk, Bookmark.objects.prefetch_related("tags"))
    field = TOGGLES[flag]
    services.set_bookmark_flags(bookmark, **{field: not getattr(bookmark, field)})
    return row_or_redirect(
        request, "content/bookmarks/_row.html", {"bookmark": bookmark}, reverse("content:bookmark_list")
    )
