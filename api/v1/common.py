"""Helpers every resource module uses: owner-scoped lookups, tag filters, documented errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from ninja import Schema
from pydantic import Field

from api.v1.errors import ApiError, ErrorBody, not_found
from api.v1.pagination import CREATED, ID, Keyset, page_of
from content.models import Tag

NEWEST_FIRST = Keyset([CREATED, ID])
TAGS_BY_NAME = Prefetch("tags", queryset=Tag.objects.order_by(Lower("name")))
# Errors every authenticated operation can answer with, for the OpenAPI document.
AUTH_ERRORS: dict[int, Any] = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 429: ErrorBody}
ITEM_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 404: ErrorBody}


class ItemOut(Schema):
    """Fields every bookmark, task, note and file has in answers."""

    id: int
    uid: str = Field(description="Stable across export and import.")
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    web_url: str = Field(description="The item's page in Trackeep (a path on this instance).")


def item_data(item: Any, kind: str) -> dict[str, Any]:
    """``ItemOut``'s fields of ``item`` as plain data (answers are built from dicts: validating plain
    data is several times cheaper than reading model attributes through django-ninja)."""
    return {
        "id": item.pk,
        "uid": str(item.uid),
        "tags": tag_names(item),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "web_url": web_url(kind, item.pk),
    }


def owned(queryset: QuerySet[Any], owner_id: int, pk: int, what: str) -> Any:
    """The owner's row ``pk`` of ``queryset``; another user's row is a 404, like a missing one."""
    item = queryset.filter(owner_id=owner_id, pk=pk).first()
    if item is None:
        raise not_found(what)
    return item


def tag_filter(owner_id: int, name: str | None) -> int | None:
    """The id of the owner's tag called ``name`` (any case); -1 (matches nothing) if there is none."""
    if not name:
        return None
    found = Tag.objects.annotate(lname=Lower("name")).filter(owner_id=owner_id, lname=name.strip().lower())
    return found.values_list("pk", flat=True).first() or -1


def tag_names(item: Model) -> list[str]:
    return [tag.name for tag in item.tags.all()]  # type: ignore[attr-defined]


def web_url(kind: str, pk: int) -> str:
    """The item's page in Trackeep (a path on this instance)."""
    return reverse(f"content:{kind}_detail", args=[pk])


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", "Some values are not valid.", {field: [message]})


def with_parent(model: type[Model], owner_id: int, values: dict[str, Any], what: str) -> dict[str, Any]:
    """Service keyword arguments from request values: ``parent_id`` becomes the owner's row."""
    if "parent_id" in values:
        parent_id = values.pop("parent_id")
        values["parent"] = None
        if parent_id is not None:
            values["parent"] = model._default_manager.filter(owner_id=owner_id, pk=parent_id).first()
            if values["parent"] is None:
                raise invalid("parent_id", f"No such {what}.")
    return values


def nesting_error(error: ValueError) -> ApiError:
    """The services' refusal of a parent (a loop, too deep) as a field error."""
    return invalid("parent_id", str(error).capitalize() + ".")


def item_page(
    queryset: QuerySet[Any],
    filters: Any,
    cursor: str | None,
    limit: int,
    data: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of an item list, newest first, after the ``updated_since`` filter every list has."""
    if filters.updated_since:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    items, next_cursor = page_of(queryset, NEWEST_FIRST, cursor, limit)
    return {"items": [data(item) for item in items], "next_cursor": next_cursor}
