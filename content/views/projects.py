"""Projects: the list with open/done counts, a project's board (a column per status), create, edit.

The board works without JavaScript (each card has a "Move to" form posting to ``task_move``); with
it, cards are dragged between and within columns (SortableJS, ``static/js/board.js``), which posts
the same form over htmx.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from content import selectors, services
from content.forms import ProjectForm
from content.models import Project
from content.selectors import BOARD_LABELS
from content.views.common import owned, posted


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    owner_id = request.user.pk
    projects = selectors.cached_rows(
        owner_id, "projects", lambda: list(selectors.projects_with_counts(owner_id))
    )
    return render(request, "content/projects/list.html", {"projects": projects})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = owned(request, Project, pk)
    context = {"project": project, "board": selectors.board(project), "columns": BOARD_LABELS.items()}
    return render(request, "content/projects/detail.html", context)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(*posted(request), owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        project = services.create_project(request.user, **form.cleaned_data)
        messages.success(request, f"Project “{project.name}” created.")
        return redirect("content:project_detail", pk=project.pk)
    return _form_page(request, form, None)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = owned(request, Project, pk)
    form = ProjectForm(*posted(request), instance=project, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        services.update_project(project, **form.cleaned_data)
        messages.success(request, "Project saved.")
        return redirect("content:project_detail", pk=project.pk)
    return _form_page(request, form, project)


def _form_page(request: HttpRequest, form: ProjectForm, project: Project | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "content/projects/form.html", {"form": form, "project": project}, status=status)
