"""Note pages: list (pinned first), detail with rendered Markdown and child notes, create, edit, pin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from content import selectors, services
from content.forms import NoteForm
from content.models import Note
from content.rendering import render_markdown
from content.views.common import list_page, owned, posted, row_or_redirect
from content.views.listing import LISTS

PREVIEW_MAX_CHARS = 200_000


@login_required
def note_list(request: HttpRequest) -> HttpResponse:
    form_class, rows = LISTS["note"]
    owner_id = request.user.pk
    return list_page(
        request, "note", form_class, lambda filters: rows(owner_id, filters), "content/notes/list.html"
    )


@login_required
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = owned(request, Note, pk, Note.objects.select_related("parent").prefetch_related("tags"))
    children = note.children.order_by("-is_pinned", "title").only("pk", "title", "is_pinned")
    context = {"note": note, "children": children, "ancestors": selectors.ancestors(note)}
    return render(request, "content/notes/detail.html", context)


@login_required
def note_create(request: HttpRequest) -> HttpResponse:
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent", "").isdigit() else {}
    form = NoteForm(*posted(request), initial=initial, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        note = services.create_note(request.user, tags=form.cleaned_data["tag_names"], **form.item_fields())
        messages.success(request, f"Note “{note.title}” saved.")
        return redirect("content:note_detail", pk=note.pk)
    return _form_page(request, form, None)


@login_required
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = owned(request, Note, pk)
    form = NoteForm(*posted(request), instance=note, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        services.update_note(note, tags=form.cleaned_data["tag_names"], **form.item_fields())
        messages.success(request, "Note updated.")
        return redirect("content:note_detail", pk=note.pk)
    return _form_page(request, form, note)


def _form_page(request: HttpRequest, form: NoteForm, note: Note | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "note": note, "all_tags": selectors.owner_tags(request.user.pk)}
    return render(request, "content/notes/form.html", context, status=status)


@login_required
@require_POST
def note_pin(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.notes_for(request.user.pk).filter(pk=pk).first()  # as the list shows it
    if note is None:
        raise Http404
    services.set_note_pinned(note, not note.is_pinned)
    return row_or_redirect(request, "content/notes/_row.html", {"note": note}, reverse("content:note_list"))


@login_required
@require_POST
def note_task(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick or untick one task item of the note (``index``, ``done`` = 1 or 0)."""
    note = owned(request, Note, pk)
    index = request.POST.get("index", "")
    if not index.isdigit():
        return HttpResponseBadRequest("index must be a task number")
    try:
        services.set_note_task(note, int(index), request.POST.get("done") == "1")
    except services.NoSuchTask:
        return HttpResponseBadRequest("This note has no such task: reload the page.")
    if getattr(request, "htmx", False):
        return render(request, "content/notes/_body.html", {"note": note})
    return redirect("content:note_detail", pk=note.pk)


@login_required
@require_POST
def note_preview(request: HttpRequest) -> HttpResponse:
    """The form's live preview: the Markdown being typed, rendered as saving would."""
    html = render_markdown(request.POST.get("content", "")[:PREVIEW_MAX_CHARS])
    return render(request, "content/notes/_preview.html", {"html": html})
