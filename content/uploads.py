"""Uploads: where blobs go, the handler that refuses oversized files before storing them, and the
checks every stored file passes (``check_upload``: size, emptiness, type by content).

Blobs are stored as ``uploads/<2 hex>/<32 hex>``: random, extension-less names under ``MEDIA_ROOT``
(which no URL serves), so a file name can neither choose its path nor its type.

``SizeLimitedUploadHandler`` runs before Django's own handlers. It refuses a request whose declared
length is already over the limit as soon as the file part starts (no byte of the file reaches
memory or the temporary directory), and otherwise counts bytes as they arrive (chunked or lying
clients: at most ``limit`` bytes reach a temporary file, which is then discarded). An oversized file
never reaches ``MEDIA_ROOT``. The rest of the body is read and discarded (not a connection reset),
so the view can answer with a readable error. A reverse proxy should still cap bodies.
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from content import sniff

# Room for the multipart framing and the small text fields sent beside the file.
FORM_OVERHEAD_BYTES = 256 * 1024
_REFUSED_ATTR = "_content_upload_refused"


def upload_path(instance: Any, filename: str) -> str:
    """Storage path of a new blob; the user's file name is deliberately ignored."""
    token = secrets.token_hex(16)
    return f"uploads/{token[:2]}/{token}"


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops the upload once a file part is, or is declared to be, larger than ``limit`` bytes."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.declared_length = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.declared_length = content_length or 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared_length > self.limit + FORM_OVERHEAD_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the UploadedFile

    def _refuse(self) -> None:
        setattr(self.request, _REFUSED_ATTR, True)
        raise StopUpload(connection_reset=False)


def limit_uploads(request: HttpRequest, limit: int) -> None:
    """Put the size check in front of ``request``'s upload handlers (before the body is parsed)."""
    # AttributeError: the body was already parsed elsewhere; the form's size check still applies.
    with contextlib.suppress(AttributeError):
        request.upload_handlers = [SizeLimitedUploadHandler(request, limit), *request.upload_handlers]


def upload_refused(request: HttpRequest) -> bool:
    """Did ``SizeLimitedUploadHandler`` stop an oversized file in this request?"""
    return bool(getattr(request, _REFUSED_ATTR, False))


class UploadRejected(ValueError):
    """An upload that must not be stored; the message is shown to the user as it is."""


class UploadTooLarge(UploadRejected):
    """The upload is over ``CONTENT_UPLOAD_MAX_BYTES`` (answered with 413)."""


def too_large_message(limit: int) -> str:
    return f"This file is too large: files can be at most {filesizeformat(limit)}. Nothing was stored."


def check_upload(upload: UploadedFile, name: str) -> str:
    """The detected type of ``upload`` (stored as ``name``); raises UploadRejected if it is too
    large, empty, or its name claims a type its content is not."""
    limit = settings.CONTENT_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise UploadTooLarge(too_large_message(limit))
    if upload.size == 0:
        raise UploadRejected("This file is empty.")
    upload.seek(0)
    detected = sniff.sniff(upload.read(sniff.SNIFF_BYTES))
    upload.seek(0)
    for claimed_name in {name, upload.name or ""}:
        try:
            sniff.check_claim(claimed_name, detected)
        except sniff.TypeMismatch as error:
            raise UploadRejected(f"{error} Nothing was stored.") from error
    return detected


def clean_file_name(name: str) -> str:
    """A display/download name: no directories, no control characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    if len(base) > 255:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: 254 - len(suffix)] + dot + suffix) if dot and len(suffix) < 20 else base[:255]
    return base or "file"
