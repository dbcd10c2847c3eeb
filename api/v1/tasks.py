"""``/api/v1/tasks``: list (filters, cursor pages), read, create, update, delete; via ``content.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.v1 import common
from api.v1.auth import needs
from api.v1.fields import Day, ItemId, LongText, Moment, RequiredTitle, TagName, TagNames
from api.v1.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from content import selectors, services
from content.models import Task

router = Router(tags=["tasks"])
READ, WRITE = "tasks:read", "tasks:write"
TaskStatus = Literal["pending", "in_progress", "completed", "cancelled"]
Priority = Literal["low", "medium", "high", "urgent"]


class TaskOut(common.ItemOut):
    title: str
    description: str
    status: TaskStatus
    priority: Priority
    due_date: dt.date | None
    progress: int
    completed_at: dt.datetime | None
    parent_id: int | None


FIELDS = ("title", "description", "status", "priority", "due_date", "progress", "completed_at", "parent_id")


def data(task: Task) -> dict[str, Any]:
    # ``progress`` is what the pages show: 100 once completed (the task keeps its own estimate for
    # when it is reopened).
    fields = {name: getattr(task, name) for name in FIELDS}
    return {**common.item_data(task, "task"), **fields, "progress": task.percent_done}


class TaskIn(Schema):
    title: RequiredTitle
    description: LongText = ""
    status: TaskStatus = "pending"
    priority: Priority = "medium"
    due_date: Day | None = None
    progress: int = Field(0, ge=0, le=100, description="Percent done; a completed task is at 100.")
    parent_id: ItemId | None = Field(None, description="Make it a subtask of this task of yours.")
    tags: TagNames = []


class TaskPatch(Schema):
    title: RequiredTitle | None = None
    description: LongText | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    due_date: Day | None = Field(None, description="null clears the due date.")
    progress: int | None = Field(None, ge=0, le=100)
    parent_id: ItemId | None = Field(None, description="null makes it a top-level task.")
    tags: TagNames | None = Field(None, description="Replaces every tag of the task.")


class TaskFilters(Schema):
    tag: TagName | None = None
    status: Literal["open", "pending", "in_progress", "completed", "cancelled"] | None = Field(
        None, description="`open`: pending or in progress."
    )
    priority: Priority | None = None
    updated_since: Moment | None = None


def _read(owner_id: int, pk: int) -> dict[str, Any]:
    return data(common.owned(Task.objects.prefetch_related(common.TAGS_BY_NAME), owner_id, pk, "task"))


@router.get("", response={200: Page[TaskOut], **common.AUTH_ERRORS}, **needs(READ, "List tasks"))
def list_tasks(
    request: HttpRequest, filters: Query[TaskFilters], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> dict[str, object]:
    owner_id = request.user.pk
    queryset = selectors.tasks_for(
        owner_id,
        tag_id=common.tag_filter(owner_id, filters.tag),
        status=filters.status,
        priority=filters.priority,
    )
    return common.item_page(queryset, filters, cursor, limit, data)


@router.post("", response={201: TaskOut, **common.AUTH_ERRORS}, **needs(WRITE, "Create a task"))
def create_task(request: HttpRequest, payload: TaskIn) -> Status[dict[str, Any]]:
    values = common.with_parent(Task, request.user.pk, payload.dict(exclude={"tags"}), "task")
    try:
        task = services.create_task(request.user, tags=payload.tags, **values)
    except ValueError as error:
        raise common.nesting_error(error) from error
    return Status(201, _read(request.user.pk, task.pk))


@router.get("/{task_id}", response={200: TaskOut, **common.ITEM_ERRORS}, **needs(READ, "Get a task"))
def get_task(request: HttpRequest, task_id: ItemId) -> dict[str, Any]:
    return _read(request.user.pk, task_id)


@router.patch("/{task_id}", response={200: TaskOut, **common.ITEM_ERRORS}, **needs(WRITE, "Update a task"))
def update_task(request: HttpRequest, task_id: ItemId, payload: TaskPatch) -> dict[str, Any]:
    task = common.owned(Task.objects.all(), request.user.pk, task_id, "task")
    changes = payload.dict(exclude_unset=True, exclude={"tags"})
    nullable = {"due_date", "parent_id"}
    changes = {name: value for name, value in changes.items() if value is not None or name in nullable}
    try:
        services.update_task(
            task, tags=payload.tags, **common.with_parent(Task, request.user.pk, changes, "task")
        )
    except ValueError as error:
        raise common.nesting_error(error) from error
    return _read(request.user.pk, task_id)


@router.delete("/{task_id}", response={204: None, **common.ITEM_ERRORS}, **needs(WRITE, "Delete a task"))
def delete_task(request: HttpRequest, task_id: ItemId) -> Status[None]:
    """Its subtasks stay, as top-level tasks."""
    common.owned(Task.objects.all(), request.user.pk, task_id, "task")
    services.delete_items(request.user.pk, "task", [task_id])
    return Status(204, None)
