"""Projects and their boards: a column per status, moving a task with or without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from content import selectors, services
from content.models import Project, Task

pytestmark = pytest.mark.django_db


def column_titles(client: Client, project: Project) -> dict[str, list[str]]:
    board = client.get(reverse("content:project_detail", args=[project.pk])).context["board"]
    return {column.status: [task.title for task in column.tasks] for column in board}


def test_create_a_project_and_see_its_board(client_of: Client, owner: Any) -> None:
    response = client_of.post(reverse("content:project_create"), {"name": "Garden", "description": "Spring"})
    project = Project.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == reverse(
        "content:project_detail", args=[project.pk]
    )
    services.create_task(owner, title="Dig", project=project)
    services.create_task(owner, title="Plant", project=project, status="in_progress")
    services.create_task(owner, title="Buy seeds", project=project, status="completed")
    services.create_task(owner, title="Elsewhere")
    assert column_titles(client_of, project) == {
        "pending": ["Dig"], "in_progress": ["Plant"], "completed": ["Buy seeds"],
    }  # fmt: skip
    listing = client_of.get(reverse("content:project_list")).content.decode()
    assert "Garden" in listing and "2 open" in listing
    again = client_of.post(reverse("content:project_create"), {"name": "garden"})
    assert again.status_code == 400 and "already have a project" in again.content.decode()


def test_moving_a_task_without_javascript(client_of: Client, owner: Any) -> None:
    project = services.create_project(owner, name="Move")
    a, b, c = (services.create_task(owner, title=t, project=project) for t in "ABC")
    board = reverse("content:project_detail", args=[project.pk])
    response = client_of.post(
        reverse("content:task_move", args=[c.pk]), {"status": "in_progress", "position": "0", "next": board}
    )
    assert response.status_code == 302 and response["Location"] == board
    client_of.post(reverse("content:task_move", args=[a.pk]), {"status": "in_progress", "position": "0"})
    assert column_titles(client_of, project)["in_progress"] == ["A", "C"]
    client_of.post(reverse("content:task_move", args=[a.pk]), {"status": "in_progress", "position": "1"})
    assert column_titles(client_of, project)["in_progress"] == ["C", "A"]
    client_of.post(reverse("content:task_move", args=[b.pk]), {"status": "completed", "position": "9"})
    b.refresh_from_db()
    assert b.status == "completed" and b.completed_at is not None
    assert client_of.post(reverse("content:task_move", args=[b.pk]), {"status": "nope"}).status_code == 400
    page = client_of.get(board).content.decode()
    assert page.count('name="status"') >= 3  # every card can move without JavaScript


def test_a_move_over_htmx_answers_without_a_page(client_of: Client, owner: Any) -> None:
    project = services.create_project(owner, name="H")
    task = services.create_task(owner, title="T", project=project)
    response = client_of.post(
        reverse("content:task_move", args=[task.pk]),
        {"status": "completed", "position": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204


def test_projects_are_private(client_of: Client, owner: Any, stranger_client: Client, stranger: Any) -> None:
    project = services.create_project(owner, name="Mine")
    task = services.create_task(owner, title="T", project=project)
    assert stranger_client.get(reverse("content:project_detail", args=[project.pk])).status_code == 404
    moved = stranger_client.post(reverse("content:task_move", args=[task.pk]), {"status": "completed"})
    assert moved.status_code == 404
    foreign = services.create_project(stranger, name="Theirs")
    form = {"title": "X", "status": "pending", "priority": "low", "progress": "0", "project": foreign.pk}
    assert client_of.post(reverse("content:task_create"), form).status_code == 400
    with pytest.raises(ValueError):
        services.create_task(owner, title="Sneaky", project=foreign)


def test_deleting_a_project_keeps_its_tasks(client_of: Client, owner: Any) -> None:
    project = services.create_project(owner, name="Gone")
    services.create_task(owner, title="Stays", project=project)
    client_of.post(reverse("content:project_delete", args=[project.pk]))
    assert Task.objects.get().project is None
    assert selectors.projects_with_counts(owner.pk).count() == 0
