"""``/api/v1/files``: list, read, upload (multipart), rename/describe/tag, download, delete.

Uploads pass the same checks as the upload page, in the same order: the size limit is installed
before the body is parsed (an oversized file is refused while it streams in, and nothing is
stored), then ``content.services.create_file`` checks emptiness and the type against the name.
Downloads use the page's serving rules (inline only for safe types, ``nosniff``, ``sandbox``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from pydantic import Field

from api.v1 import common
from api.v1.auth import needs
from api.v1.errors import ApiError, ErrorBody
from api.v1.fields import ItemId, LongText, Moment, TagName, TagNames, Text
from api.v1.pagination import DEFAULT_LIMIT, Cursor, Limit, Page
from content import selectors, services, tagnames
from content.models import StoredFile
from content.serving import file_response
from content.uploads import UploadRejected, UploadTooLarge, limit_uploads

router = Router(tags=["files"])
READ, WRITE = "files:read", "files:write"
BINARY = {
    "description": "The file's bytes.",
    "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
}


class FileOut(common.ItemOut):
    name: str
    description: str
    size: int
    content_type: str = Field(description="Detected from the content, not from the name.")
    sha256: str
    download_url: str


def data(stored: StoredFile) -> dict[str, Any]:
    return {
        **common.item_data(stored, "file"),
        **{name: getattr(stored, name) for name in ("name", "description", "size", "content_type", "sha256")},
        "download_url": f"/api/v1/files/{stored.pk}/download",
    }


class UploadForm(Schema):
    name: Text = Field("", max_length=255, description="Empty: the uploaded file's own name.")
    description: LongText = ""
    tags: Text = Field("", max_length=4000, description="Comma-separated tag names.")


class FilePatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=255)
    description: LongText | None = None
    tags: TagNames | None = Field(None, description="Replaces every tag of the file.")


class FileFilters(Schema):
    tag: TagName | None = None
    updated_since: Moment | None = None


def size_checked(run: Callable[..., Any]) -> Callable[..., Any]:
    """Install the upload size check before django-ninja parses the multipart body."""

    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        limit_uploads(request, settings.CONTENT_UPLOAD_MAX_BYTES)
        return run(request, *args, **kwargs)

    return checked


def _read(owner_id: int, pk: int) -> dict[str, Any]:
    return data(common.owned(StoredFile.objects.prefetch_related(common.TAGS_BY_NAME), owner_id, pk, "file"))


@router.get("", response={200: Page[FileOut], **common.AUTH_ERRORS}, **needs(READ, "List files"))
def list_files(
    request: HttpRequest, filters: Query[FileFilters], limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> dict[str, object]:
    owner_id = request.user.pk
    queryset = selectors.files_for(owner_id, tag_id=common.tag_filter(owner_id, filters.tag))
    return common.item_page(queryset, filters, cursor, limit, data)


@router.post(
    "",
    response={201: FileOut, 413: ErrorBody, **common.AUTH_ERRORS},
    **needs(WRITE, "Upload a file (multipart)"),
)
@decorate_view(size_checked)
def upload_file(
    request: HttpRequest, file: File[UploadedFile], details: Form[UploadForm]
) -> Status[dict[str, Any]]:
    names = tagnames.parse(details.tags)
    if len(names) > tagnames.MAX_TAGS_PER_ITEM:
        raise common.invalid("tags", f"Use at most {tagnames.MAX_TAGS_PER_ITEM} tags.")
    try:
        stored = services.create_file(
            request.user, upload=file, name=details.name, description=details.description, tags=names
        )
    except UploadTooLarge as error:
        raise ApiError(413, "too_large", str(error)) from error
    except UploadRejected as error:
        raise common.invalid("file", str(error)) from error
    return Status(201, _read(request.user.pk, stored.pk))


@router.get(
    "/{file_id}", response={200: FileOut, **common.ITEM_ERRORS}, **needs(READ, "Get a file's details")
)
def get_file(request: HttpRequest, file_id: ItemId) -> dict[str, Any]:
    return _read(request.user.pk, file_id)


@router.get(
    "/{file_id}/download",
    response={**common.ITEM_ERRORS},
    **needs(READ, "Download a file", responses={"200": BINARY}),
)
def download_file(request: HttpRequest, file_id: ItemId) -> HttpResponse:
    return file_response(common.owned(StoredFile.objects.all(), request.user.pk, file_id, "file"))


@router.patch(
    "/{file_id}",
    response={200: FileOut, **common.ITEM_ERRORS},
    **needs(WRITE, "Rename, describe or tag a file"),
)
def update_file(request: HttpRequest, file_id: ItemId, payload: FilePatch) -> dict[str, Any]:
    stored = common.owned(StoredFile.objects.all(), request.user.pk, file_id, "file")
    try:
        services.update_file(
            stored,
            name=payload.name if payload.name is not None else stored.name,
            description=payload.description if payload.description is not None else stored.description,
            tags=payload.tags,
        )
    except UploadRejected as error:
        raise common.invalid("name", str(error)) from error
    return _read(request.user.pk, file_id)


@router.delete("/{file_id}", response={204: None, **common.ITEM_ERRORS}, **needs(WRITE, "Delete a file"))
def delete_file(request: HttpRequest, file_id: ItemId) -> Status[None]:
    common.owned(StoredFile.objects.all(), request.user.pk, file_id, "file")
    services.delete_items(request.user.pk, "file", [file_id])
    return Status(204, None)
