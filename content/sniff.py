"""File types from content (magic bytes), never from the client's name or ``Content-Type``.

Only the types on ``INLINE_SAFE_TYPES`` are ever shown inline (Zulip's allowlist: pdf, png, jpeg, gif,
webp); everything else downloads as an attachment. A name whose extension claims one of those types
must match its content, so ``page.html`` renamed ``page.png`` is refused rather than stored under a
misleading name. Detection of the other types is only informative.
"""

from __future__ import annotations

from pathlib import PurePath

SNIFF_BYTES = 512
OCTET_STREAM = "application/octet-stream"

INLINE_SAFE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})

EXTENSION_CLAIMS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"\x7fELF", "application/x-executable"),
    (b"MZ", "application/x-msdownload"),
)

# Markup a browser would render as a document if it were ever served inline.
_MARKUP_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<div", b"<a ")


class TypeMismatch(ValueError):
    """The file name claims a type its content is not."""


def sniff(head: bytes) -> str:
    """The MIME type of a file from its first bytes (``SNIFF_BYTES`` is enough)."""
    for prefix, mime in _PREFIXES:
        if head.startswith(prefix):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text[:SNIFF_BYTES] and (text.startswith(b"<svg") or text.startswith(b"<?xml")):
        return "image/svg+xml"
    if text.startswith(_MARKUP_STARTS):
        return "text/html"
    if text.startswith(b"<?xml"):
        return "application/xml"
    if _is_text(head):
        return "text/plain"
    return OCTET_STREAM


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def check_claim(name: str, detected: str) -> None:
    """Raise TypeMismatch when ``name``'s extension claims an inline-safe type ``detected`` is not."""
    suffix = PurePath(name).suffix.lower()
    claimed = EXTENSION_CLAIMS.get(suffix)
    if claimed is not None and claimed != detected:
        raise TypeMismatch(
            f"“{name}” does not contain what its {suffix} extension says "
            f"(its content looks like {describe(detected)})."
        )


def is_inline_safe(mime: str) -> bool:
    return mime in INLINE_SAFE_TYPES


def describe(mime: str) -> str:
    """A short human description of a detected type."""
    return _DESCRIPTIONS.get(mime, "binary data" if mime == OCTET_STREAM else mime)


_DESCRIPTIONS = {
    "application/pdf": "a PDF document",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "image/svg+xml": "an SVG image",
    "text/html": "an HTML page",
    "text/plain": "plain text",
    "application/zip": "a ZIP archive",
}
