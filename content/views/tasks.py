"""Task pages: list with filters, detail with subtasks, create, edit, and the inline done switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from content import quickadd, selectors, services
from content.forms import TaskForm, TaskMoveForm
from content.models import TITLE_MAX, Project, Task
from content.views.common import list_page, owned, posted, row_or_redirect, safe_next
from content.views.listing import LISTS


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form_class, rows = LISTS["task"]
    owner_id = request.user.pk
    return list_page(
        request, "task", form_class, lambda filters: rows(owner_id, filters), "content/tasks/list.html"
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = owned(request, Task, pk, Task.objects.select_related("parent").prefetch_related("tags"))
    subtasks = selectors.tasks_for(request.user.pk, sort="due").filter(parent=task)
    context = {"task": task, "subtasks": subtasks, "ancestors": selectors.ancestors(task)}
    return render(request, "content/tasks/detail.html", context)


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    initial = {
        name: request.GET[name] for name in ("parent", "project") if request.GET.get(name, "").isdigit()
    }
    form = TaskForm(*posted(request), initial=initial, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        task = services.create_task(request.user, tags=form.cleaned_data["tag_names"], **form.item_fields())
        messages.success(request, f"Task “{task.title}” added.")
        if task.parent_id:
            return redirect("content:task_detail", pk=task.parent_id)
        return redirect("content:task_list")
    return _form_page(request, form, None)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = owned(request, Task, pk)
    form = TaskForm(*posted(request), instance=task, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        services.update_task(task, tags=form.cleaned_data["tag_names"], **form.item_fields())
        messages.success(request, "Task updated.")
        return redirect("content:task_detail", pk=task.pk)
    return _form_page(request, form, task)


def _form_page(request: HttpRequest, form: TaskForm, task: Task | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "task": task, "all_tags": selectors.owner_tags(request.user.pk)}
    return render(request, "content/tasks/form.html", context, status=status)


@login_required
@require_POST
def task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Done <-> not done: a completed task goes back to pending, any other becomes completed."""
    task = selectors.tasks_for(request.user.pk).filter(pk=pk).first()  # the row's annotations too
    if task is None:
        raise Http404
    status = Task.Status.PENDING if task.is_done else Task.Status.COMPLETED
    services.set_task_status(task, status)
    return row_or_redirect(request, "content/tasks/_row.html", {"task": task}, reverse("content:task_list"))


@login_required
@require_POST
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A card moved on a board (dragged, or the card's "Move to" form): new column and place."""
    task = owned(request, Task, pk)
    form = TaskMoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Pick a column to move the task to.")
    position = form.cleaned_data["position"]
    services.move_task(
        task, status=form.cleaned_data["status"], position=10**6 if position is None else position
    )
    if getattr(request, "htmx", False):
        return HttpResponse(status=204)  # the card is already where it was dropped
    default = (
        reverse("content:project_detail", args=[task.project_id])
        if task.project_id
        else reverse("content:task_list")
    )
    return redirect(safe_next(request, default))


@login_required
@require_POST
def task_quick_add(request: HttpRequest) -> HttpResponse:
    """One line to a task: "Buy milk tomorrow 5pm #shopping !high +Errands" (``content.quickadd``)."""
    parsed = quickadd.parse(request.POST.get("text", ""), timezone.localtime())
    back = safe_next(request, reverse("content:task_list"))
    if not parsed.title:
        messages.error(request, "Type what to do, e.g. “Pay rent friday #home !high”.")
        return redirect(back)
    board = request.POST.get("project", "")
    project = owned(request, Project, int(board)) if board.isdigit() else None
    if project is None and parsed.project:
        project = services.project_named(request.user, parsed.project)
    fields = {"due_date": parsed.due_date, "remind_at": parsed.remind_at, "recurrence": parsed.recurrence}
    task = services.create_task(
        request.user, title=parsed.title[:TITLE_MAX], tags=parsed.tags, project=project,
        priority=parsed.priority or Task.Priority.MEDIUM, **fields,
    )  # fmt: skip
    messages.success(request, f"Added “{task.title}”{_summary(task)}.")
    return redirect(back)


def _summary(task: Task) -> str:
    parts = []
    if task.due_date:
        parts.append(f"due {task.due_date:%b} {task.due_date.day}")
    if task.remind_at:
        parts.append(f"reminder at {timezone.localtime(task.remind_at):%H:%M}")
    if task.recurrence:
        parts.append(task.get_recurrence_display().lower())
    if task.project_id:
        parts.append(f"in {task.project}")
    return f": {', '.join(parts)}" if parts else ""
