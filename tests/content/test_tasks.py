"""Tasks: CRUD, completed_at kept true to the status, subtasks (own tasks only, no loops), the
inline done switch over htmx, owner scoping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content import services
from content.models import Task

pytestmark = pytest.mark.django_db


def task_form(**fields: Any) -> dict[str, Any]:
    return {"title": "Write report", "status": "pending", "priority": "medium", "progress": "0", **fields}


def test_create_edit_delete(client_of: Client, owner: Any) -> None:
    response = client_of.post(
        reverse("content:task_create"),
        task_form(priority="urgent", due_date="2030-01-31", progress="40", tag_names="work"),
    )
    assert response.status_code == 302
    task = Task.objects.get(owner=owner)
    assert (task.priority, task.due_date, task.progress) == ("urgent", dt.date(2030, 1, 31), 40)
    assert [t.name for t in task.tags.all()] == ["work"]
    assert b"Write report" in client_of.get(reverse("content:task_list")).content

    client_of.post(reverse("content:task_edit", args=[task.pk]), task_form(title="Final", status="completed"))
    task.refresh_from_db()
    assert (task.title, task.status, task.percent_done) == ("Final", "completed", 100)
    assert task.completed_at is not None

    client_of.post(reverse("content:task_edit", args=[task.pk]), task_form(status="in_progress"))
    task.refresh_from_db()
    assert task.completed_at is None

    client_of.post(reverse("content:task_delete", args=[task.pk]))
    assert not Task.objects.exists()


def test_form_errors_are_shown(client_of: Client) -> None:
    bad = task_form(title="", status="bogus", progress="150", due_date="31/31/2030")
    response = client_of.post(reverse("content:task_create"), bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body
    assert "Select a valid choice" in body
    assert "less than or equal to 100" in body
    assert "Enter a valid date" in body


def test_inline_done_toggle_over_htmx(client_of: Client, owner: Any) -> None:
    task = services.create_task(owner, title="Ship it")
    url = reverse("content:task_toggle", args=[task.pk])
    response = client_of.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="task-{task.pk}"'.encode() in response.content and b"is-done" in response.content
    task.refresh_from_db()
    assert task.status == "completed" and task.completed_at is not None
    client_of.post(url, HTTP_HX_REQUEST="true")
    task.refresh_from_db()
    assert task.status == "pending" and task.completed_at is None


def test_subtasks_only_under_own_tasks_and_never_in_a_loop(
    client_of: Client, owner: Any, stranger: Any
) -> None:
    parent = services.create_task(owner, title="Parent")
    child = services.create_task(owner, title="Child", parent=parent)
    foreign = services.create_task(stranger, title="Foreign")

    response = client_of.post(reverse("content:task_create"), task_form(parent=str(foreign.pk)))
    assert response.status_code == 400 and b"Select a valid choice" in response.content

    loop = client_of.post(reverse("content:task_edit", args=[parent.pk]), task_form(parent=str(child.pk)))
    assert loop.status_code == 400 and b"inside itself" in loop.content

    detail = client_of.get(reverse("content:task_detail", args=[parent.pk]))
    assert b"Child" in detail.content
    child_page = client_of.get(reverse("content:task_detail", args=[child.pk]))
    assert b"Parent" in child_page.content  # breadcrumb

    with pytest.raises(ValueError):
        services.create_task(owner, title="Sneaky", parent=foreign)

    client_of.post(reverse("content:task_delete", args=[parent.pk]))
    child.refresh_from_db()
    assert child.parent_id is None  # subtasks are kept as top-level tasks


def test_filters_status_priority_and_due_sort(client_of: Client, owner: Any) -> None:
    services.create_task(owner, title="Late", due_date=dt.date(2020, 1, 1), priority="low")
    services.create_task(owner, title="Soon", due_date=dt.date(2031, 1, 1), priority="urgent")
    services.create_task(owner, title="Done", status="completed")
    services.create_task(owner, title="Someday")

    def titles(query: str) -> list[str]:
        return [t.title for t in client_of.get(reverse("content:task_list") + "?" + query).context["page"]]

    assert titles("sort=due")[:2] == ["Late", "Soon"]  # undated tasks come last
    assert titles("sort=priority")[0] == "Soon"
    assert sorted(titles("status=open")) == ["Late", "Someday", "Soon"]
    assert titles("status=completed") == ["Done"]
    assert titles("priority=low") == ["Late"]
    assert b"overdue" in client_of.get(reverse("content:task_list")).content


def test_task_list_queries_do_not_grow_with_rows(client_of: Client, owner: Any) -> None:
    parent = services.create_task(owner, title="P", tags=["a"])

    def count() -> int:
        client_of.get(reverse("content:task_list"))
        with CaptureQueriesContext(connection) as queries:
            client_of.get(reverse("content:task_list"))
        return len(queries)

    services.create_task(owner, title="c0", parent=parent, tags=["b"])
    few = count()
    for n in range(1, 15):
        services.create_task(owner, title=f"c{n}", parent=parent, tags=["b", f"x{n}"])
    assert count() == few


def test_other_users_task_is_404(stranger_client: Client, owner: Any) -> None:
    task = services.create_task(owner, title="Mine")
    for name in ("content:task_detail", "content:task_edit", "content:task_delete"):
        assert stranger_client.get(reverse(name, args=[task.pk])).status_code == 404
    assert stranger_client.post(reverse("content:task_toggle", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.status == "pending"


def test_reopening_a_task_gives_back_its_own_progress(client_of: Client, owner: Any) -> None:
    """Tick done, untick: the task is pending at the progress it had, never "Pending · 100%"."""
    task = services.create_task(owner, title="Half way", progress=40)
    url = reverse("content:task_toggle", args=[task.pk])
    done = client_of.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "is-done" in done
    detail = client_of.get(reverse("content:task_detail", args=[task.pk])).content.decode()
    assert 'value="100"' in detail  # a completed task is shown 100 % done

    reopened = client_of.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Pending" in reopened and "40%" in reopened and "100%" not in reopened
    task.refresh_from_db()
    assert (task.status, task.percent_done) == ("pending", 40)


def test_the_edit_form_of_a_completed_task_keeps_its_own_progress(client_of: Client, owner: Any) -> None:
    """Reopening through the form (status back to pending, other fields as shown) keeps 40 %."""
    task = services.create_task(owner, title="Half way", progress=40)
    services.set_task_status(task, "completed")
    form = client_of.get(reverse("content:task_edit", args=[task.pk])).context["form"]
    assert form["progress"].value() == 40
    client_of.post(reverse("content:task_edit", args=[task.pk]), task_form(title="Half way", progress="40"))
    task.refresh_from_db()
    assert (task.status, task.percent_done, task.completed_at) == ("pending", 40, None)
