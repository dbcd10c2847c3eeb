"""``/api/v1/bookmarks``: list (filters, cursor pages), read, create, update, delete, and "save this
URL" (idempotent by the address's key). Every write goes through ``content.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api import services as api_services
from api.v1 import common
from api.v1.auth import needs
from api.v1.fields import ItemId, LongText, Moment, OptionalUrl, TagName, TagNames, Text, Title, Url
from api.v1.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from content import selectors, services
from content.models import Bookmark
from content.urlkeys import url_hash

router = Router(tags=["bookmarks"])
READ, WRITE = "bookmarks:read", "bookmarks:write"


class BookmarkOut(common.ItemOut):
    url: str
    title: str
    description: str
    favicon_url: str
    is_read: bool
    is_favorite: bool
    read_at: dt.datetime | None


def data(bookmark: Bookmark) -> dict[str, Any]:
    return {
        **common.item_data(bookmark, "bookmark"),
        **{name: getattr(bookmark, name) for name in ("url", "title", "description", "favicon_url")},
        **{name: getattr(bookmark, name) for name in ("is_read", "is_favorite", "read_at")},
    }


class BookmarkIn(Schema):
    url: Url
    title: Title = Field("", description="Empty: the page's own title (fetched later) or its address.")
    description: LongText = ""
    favicon_url: OptionalUrl = ""
    is_read: bool = False
    is_favorite: bool = False
    tags: TagNames = []


class BookmarkPatch(Schema):
    url: Url | None = None
    title: Title | None = None
    description: LongText | None = None
    favicon_url: OptionalUrl | None = None
    is_read: bool | None = None
    is_favorite: bool | None = None
    tags: TagNames | None = Field(None, description="Replaces every tag of the bookmark.")


class SaveIn(Schema):
    url: Url
    title: Title = ""
    description: LongText = Field("", description="Kept only when the address is new.")
    tags: TagNames = Field([], description="Added to the bookmark, new or not.")


class SaveOut(Schema):
    created: bool = Field(description="False when the address was already saved (nothing was added).")
    bookmark: BookmarkOut


class BookmarkFilters(Schema):
    tag: TagName | None = Field(None, description="Only bookmarks with this tag (any case).")
    read: bool | None = None
    favorite: bool | None = None
    url: Text | None = Field(
        None, max_length=4000, description="Only bookmarks of this address (compared by key)."
    )
    updated_since: Moment | None = Field(None, description="Only bookmarks changed at or after this time.")


def _read(owner_id: int, pk: int) -> dict[str, Any]:
    return data(
        common.owned(Bookmark.objects.prefetch_related(common.TAGS_BY_NAME), owner_id, pk, "bookmark")
    )


@router.get("", response={200: Page[BookmarkOut], **common.AUTH_ERRORS}, **needs(READ, "List bookmarks"))
def list_bookmarks(
    request: HttpRequest, filters: Query[BookmarkFilters], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> dict[str, object]:
    owner_id = request.user.pk
    queryset = selectors.bookmarks_for(
        owner_id,
        tag_id=common.tag_filter(owner_id, filters.tag),
        read=filters.read,
        favorite=filters.favorite,
    )
    if filters.url:
        queryset = queryset.filter(url_hash=url_hash(filters.url))
    return common.item_page(queryset, filters, cursor, limit, data)


@router.post("", response={201: BookmarkOut, **common.AUTH_ERRORS}, **needs(WRITE, "Create a bookmark"))
def create_bookmark(request: HttpRequest, payload: BookmarkIn) -> Status[dict[str, Any]]:
    fields = payload.dict(exclude={"tags"})
    bookmark = services.create_bookmark(request.user, tags=payload.tags, **fields)
    return Status(201, _read(request.user.pk, bookmark.pk))


@router.post(
    "/save",
    response={200: SaveOut, 201: SaveOut, **common.AUTH_ERRORS},
    **needs(WRITE, "Save this URL (idempotent)"),
)
def save_url(request: HttpRequest, payload: SaveIn) -> Status[dict[str, object]]:
    """Saving an address already kept adds nothing (200, ``created: false``); a new one is 201."""
    bookmark, created = api_services.save_url(
        request.user, url=payload.url, title=payload.title, description=payload.description, tags=payload.tags
    )
    return Status(
        201 if created else 200, {"created": created, "bookmark": _read(request.user.pk, bookmark.pk)}
    )


@router.get(
    "/{bookmark_id}", response={200: BookmarkOut, **common.ITEM_ERRORS}, **needs(READ, "Get a bookmark")
)
def get_bookmark(request: HttpRequest, bookmark_id: ItemId) -> dict[str, Any]:
    return _read(request.user.pk, bookmark_id)


@router.patch(
    "/{bookmark_id}", response={200: BookmarkOut, **common.ITEM_ERRORS}, **needs(WRITE, "Update a bookmark")
)
def update_bookmark(request: HttpRequest, bookmark_id: ItemId, payload: BookmarkPatch) -> dict[str, Any]:
    bookmark = common.owned(Bookmark.objects.all(), request.user.pk, bookmark_id, "bookmark")
    changes = payload.dict(exclude_unset=True, exclude={"tags"})
    changes = {name: value for name, value in changes.items() if value is not None}
    services.update_bookmark(bookmark, tags=payload.tags, **changes)
    return _read(request.user.pk, bookmark_id)


@router.delete(
    "/{bookmark_id}", response={204: None, **common.ITEM_ERRORS}, **needs(WRITE, "Delete a bookmark")
)
def delete_bookmark(request: HttpRequest, bookmark_id: ItemId) -> Status[None]:
    common.owned(Bookmark.objects.all(), request.user.pk, bookmark_id, "bookmark")
    services.delete_items(request.user.pk, "bookmark", [bookmark_id])
    return Status(204, None)
