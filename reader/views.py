"""The Read view of a bookmark's reader copy, and its Retry button. Owner only (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from content.models import Bookmark
from reader import selectors, services
from reader.models import ReaderCopy


def _bookmark(request: HttpRequest, pk: int) -> Bookmark:
    return get_object_or_404(Bookmark.objects.filter(owner_id=request.user.pk), pk=pk)


@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = _bookmark(request, pk)
    copy = selectors.copy_for(bookmark)
    return render(
        request, "reader/read.html", {"bookmark": bookmark, "copy": copy, "Status": ReaderCopy.Status}
    )


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = _bookmark(request, pk)
    services.queue_copies([bookmark.pk])
    messages.success(request, "The page will be fetched again shortly.")
    return redirect("reader:read", pk=bookmark.pk)
