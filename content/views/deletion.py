"""Deleting items, one at a time or several from a list, always behind a confirmation page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_POST

from content import services
from content.models import Note, Project, StoredFile, Tag, Task
from content.views.common import KINDS, KindInfo, owned
from content.views.listing import TooMany, selected_ids


def kind_info(kind: str) -> KindInfo:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _consequences(item: Any) -> list[str]:
    """What else the delete touches, said plainly on the confirmation page."""
    if isinstance(item, Task) and (n := item.subtasks.count()):
        return [f"Its {n} subtask{pluralize(n)} will be kept as top-level tasks."]
    if isinstance(item, Note) and (n := item.children.count()):
        return [f"Its {n} child note{pluralize(n)} will be kept as top-level notes."]
    if isinstance(item, StoredFile) and (n := item.share_links.count()):
        return [f"Its {n} share link{pluralize(n)} will stop working."]
    if isinstance(item, Tag):
        return ["Items carrying this tag are kept; only the tag is removed from them."]
    if isinstance(item, Project) and (n := item.tasks.count()):
        return [f"Its {n} task{pluralize(n)} will be kept, in no project."]
    return []


@login_required
def confirm_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    info = kind_info(kind)
    item = owned(request, info.model, pk)
    if request.method == "POST":
        services.delete_items(request.user.pk, kind, [item.pk])
        messages.success(request, f"Deleted the {info.singular} “{item}”.")
        return redirect(info.list_url)
    context = {"item": item, "info": info, "consequences": _consequences(item)}
    return render(request, "content/confirm_delete.html", context)


@login_required
@require_POST
def bulk_delete(request: HttpRequest, kind: str) -> HttpResponse:
    """First post (from a list's checkboxes): confirmation page. Second post (confirm=yes): delete."""
    info = kind_info(kind)
    try:
        ids = selected_ids(request, kind)
    except TooMany as refused:
        messages.error(request, str(refused))
        return redirect(info.list_url)
    items = list(info.model._default_manager.filter(owner_id=request.user.pk, pk__in=ids))
    if not items:
        messages.info(request, f"Tick the {info.plural} to delete first.")
        return redirect(info.list_url)
    if request.POST.get("confirm") == "yes":
        count = services.delete_items(request.user.pk, kind, [item.pk for item in items])
        messages.success(request, f"Deleted {count} {info.singular if count == 1 else info.plural}.")
        return redirect(info.list_url)
    return render(request, "content/confirm_bulk_delete.html", {"items": items, "info": info})
