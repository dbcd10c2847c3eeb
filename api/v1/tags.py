"""``/api/v1/tags``: list (by name, with a name filter for autocompletion), read, create, rename or
recolour, delete (the items keep existing); via ``content.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.functions import Lower
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.v1 import common
from api.v1.auth import needs
from api.v1.errors import ApiError, ErrorBody
from api.v1.fields import Color, ItemId, TagName
from api.v1.pagination import DEFAULT_LIMIT, ID, Cursor, Keyset, Limit, Page, page_of, text_key
from content import selectors, services, tagnames
from content.models import Tag

router = Router(tags=["tags"])
ORDER = Keyset([text_key("lname"), ID], descending=False)
READ, WRITE = "tags:read", "tags:write"


class TagOut(Schema):
    id: int
    name: str
    color: str
    bookmark_count: int
    task_count: int
    note_count: int
    file_count: int
    created_at: dt.datetime


FIELDS = ("name", "color", "bookmark_count", "task_count", "note_count", "file_count", "created_at")


def data(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, **{name: getattr(tag, name) for name in FIELDS}}


class TagIn(Schema):
    name: TagName = Field(min_length=1)
    color: Color | None = Field(None, description="Like #3b82f6; empty: a colour picked from the name.")


class TagPatch(Schema):
    name: TagName | None = Field(None, min_length=1)
    color: Color | None = None


class TagFilters(Schema):
    q: TagName | None = Field(None, description="Only tags whose name contains this (any case).")


def _counted(owner_id: int, pk: int) -> dict[str, Any]:
    return data(common.owned(selectors.tags_with_counts(owner_id), owner_id, pk, "tag"))


def _name(raw: str) -> str:
    name = tagnames.normalize(raw)
    if not name:
        raise common.invalid("name", "A tag needs a name.")
    return name


def _taken(name: str) -> ApiError:
    return ApiError(
        409, "conflict", f"You already have a tag called “{name}”.", {"name": ["This name is taken."]}
    )


@router.get("", response={200: Page[TagOut], **common.AUTH_ERRORS}, **needs(READ, "List tags"))
def list_tags(
    request: HttpRequest, filters: Query[TagFilters], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> dict[str, object]:
    queryset = selectors.tags_with_counts(request.user.pk).annotate(lname=Lower("name"))
    if filters.q and filters.q.strip():
        queryset = queryset.filter(lname__contains=filters.q.strip().lower())
    items, next_cursor = page_of(queryset, ORDER, cursor, limit)
    return {"items": [data(item) for item in items], "next_cursor": next_cursor}


@router.post("", response={201: TagOut, 409: ErrorBody, **common.AUTH_ERRORS}, **needs(WRITE, "Create a tag"))
def create_tag(request: HttpRequest, payload: TagIn) -> Status[dict[str, Any]]:
    name = _name(payload.name)
    try:
        tag = services.create_tag(request.user, name=name, color=payload.color or "")
    except services.TagNameTaken as error:
        raise _taken(name) from error
    return Status(201, _counted(request.user.pk, tag.pk))


@router.get("/{tag_id}", response={200: TagOut, **common.ITEM_ERRORS}, **needs(READ, "Get a tag"))
def get_tag(request: HttpRequest, tag_id: ItemId) -> dict[str, Any]:
    return _counted(request.user.pk, tag_id)


@router.patch(
    "/{tag_id}",
    response={200: TagOut, 409: ErrorBody, **common.ITEM_ERRORS},
    **needs(WRITE, "Rename or recolour a tag"),
)
def update_tag(request: HttpRequest, tag_id: ItemId, payload: TagPatch) -> dict[str, Any]:
    tag = common.owned(Tag.objects.all(), request.user.pk, tag_id, "tag")
    name = _name(payload.name) if payload.name is not None else tag.name
    try:
        services.update_tag(tag, name=name, color=payload.color or tag.color)
    except services.TagNameTaken as error:
        raise _taken(name) from error
    return _counted(request.user.pk, tag_id)


@router.delete("/{tag_id}", response={204: None, **common.ITEM_ERRORS}, **needs(WRITE, "Delete a tag"))
def delete_tag(request: HttpRequest, tag_id: ItemId) -> Status[None]:
    """Items that carried it keep existing, without it."""
    common.owned(Tag.objects.all(), request.user.pk, tag_id, "tag")
    services.delete_items(request.user.pk, "tag", [tag_id])
    return Status(204, None)
