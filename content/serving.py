"""Responses that hand out stored file bytes (owner downloads and public share links).

Only types on ``sniff.INLINE_SAFE_TYPES`` are served inline, with their detected type; everything
else is an attachment typed ``application/octet-stream``. Every response carries
``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy: sandbox`` so that even a
mis-detected file cannot run script with the site's origin.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from content.models import StoredFile
from content.sniff import OCTET_STREAM, is_inline_safe


def file_response(stored: StoredFile) -> FileResponse:
    try:
        handle = default_storage.open(stored.blob.name, "rb")
    except OSError as error:
        raise Http404("This file's content is missing.") from error
    inline = is_inline_safe(stored.content_type)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=stored.name,
        content_type=stored.content_type if inline else OCTET_STREAM,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-cache"
    return response
