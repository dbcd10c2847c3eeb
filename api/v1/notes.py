"""``/api/v1/notes``: list (filters, cursor pages), read, create, update, delete; via ``content.services``
(which renders and sanitises the Markdown, exactly as for the note form)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from api.v1 import common
from api.v1.auth import needs
from api.v1.fields import ItemId, Moment, NoteText, RequiredTitle, TagName, TagNames
from api.v1.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from content import services
from content.models import Note

router = Router(tags=["notes"])
READ, WRITE = "notes:read", "notes:write"


class NoteOut(common.ItemOut):
    title: str
    content: str = Field(description="Markdown, as written.")
    content_html: str = Field(description="The Markdown rendered and sanitised.")
    is_pinned: bool
    parent_id: int | None


FIELDS = ("title", "content", "content_html", "is_pinned", "parent_id")


def data(note: Note) -> dict[str, Any]:
    return {**common.item_data(note, "note"), **{name: getattr(note, name) for name in FIELDS}}


class NoteIn(Schema):
    title: RequiredTitle
    content: NoteText = ""
    is_pinned: bool = False
    parent_id: ItemId | None = Field(None, description="Put it inside this note of yours.")
    tags: TagNames = []


class NotePatch(Schema):
    title: RequiredTitle | None = None
    content: NoteText | None = None
    is_pinned: bool | None = None
    parent_id: ItemId | None = Field(None, description="null makes it a top-level note.")
    tags: TagNames | None = Field(None, description="Replaces every tag of the note.")


class NoteFilters(Schema):
    tag: TagName | None = None
    pinned: bool | None = None
    updated_since: Moment | None = None


def _read(owner_id: int, pk: int) -> dict[str, Any]:
    return data(common.owned(Note.objects.prefetch_related(common.TAGS_BY_NAME), owner_id, pk, "note"))


@router.get("", response={200: Page[NoteOut], **common.AUTH_ERRORS}, **needs(READ, "List notes"))
def list_notes(
    request: HttpRequest, filters: Query[NoteFilters], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> dict[str, object]:
    owner_id = request.user.pk
    queryset = Note.objects.filter(owner_id=owner_id).prefetch_related(common.TAGS_BY_NAME)
    if tag_id := common.tag_filter(owner_id, filters.tag):
        queryset = queryset.filter(tags__id=tag_id)
    if filters.pinned is not None:
        queryset = queryset.filter(is_pinned=filters.pinned)
    return common.item_page(queryset, filters, cursor, limit, data)


@router.post("", response={201: NoteOut, **common.AUTH_ERRORS}, **needs(WRITE, "Create a note"))
def create_note(request: HttpRequest, payload: NoteIn) -> Status[dict[str, Any]]:
    values = common.with_parent(Note, request.user.pk, payload.dict(exclude={"tags"}), "note")
    note = services.create_note(request.user, tags=payload.tags, **values)
    return Status(201, _read(request.user.pk, note.pk))


@router.get("/{note_id}", response={200: NoteOut, **common.ITEM_ERRORS}, **needs(READ, "Get a note"))
def get_note(request: HttpRequest, note_id: ItemId) -> dict[str, Any]:
    return _read(request.user.pk, note_id)


@router.patch("/{note_id}", response={200: NoteOut, **common.ITEM_ERRORS}, **needs(WRITE, "Update a note"))
def update_note(request: HttpRequest, note_id: ItemId, payload: NotePatch) -> dict[str, Any]:
    note = common.owned(Note.objects.all(), request.user.pk, note_id, "note")
    changes = payload.dict(exclude_unset=True, exclude={"tags"})
    changes = {name: value for name, value in changes.items() if value is not None or name == "parent_id"}
    try:
        services.update_note(
            note, tags=payload.tags, **common.with_parent(Note, request.user.pk, changes, "note")
        )
    except ValueError as error:
        raise common.nesting_error(error) from error
    return _read(request.user.pk, note_id)


@router.delete("/{note_id}", response={204: None, **common.ITEM_ERRORS}, **needs(WRITE, "Delete a note"))
def delete_note(request: HttpRequest, note_id: ItemId) -> Status[None]:
    """Notes inside it stay, as top-level notes."""
    common.owned(Note.objects.all(), request.user.pk, note_id, "note")
    services.delete_items(request.user.pk, "note", [note_id])
    return Status(204, None)
