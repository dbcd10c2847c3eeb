"""Reading a Trackeep archive (``content.archive_format``): a ZIP with ``trackeep.json`` and file
bytes, or the bare JSON document (then stored files cannot be restored and count as invalid).

Every item is validated here; a bad item is counted as invalid with a reason and the rest go on.
Sizes are checked from the ZIP directory before anything is decompressed, so an archive cannot
expand into more than ``CONTENT_IMPORT_MAX_BYTES`` of JSON, ``CONTENT_UPLOAD_MAX_BYTES`` per file,
or ``EXPANSION_FACTOR`` times the import limit in all.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from content import archive_format as fmt
from content import tagnames
from content.importers.netscape import FOLDER_DEPTH_MAX, FOLDER_NAME_MAX, ICON_MAX, clean_icon
from content.importers.result import ImportResult
from content.models import (
    PROJECT_NAME_MAX,
    TAG_COLOR_VALIDATOR,
    TAG_NAME_MAX,
    TITLE_MAX,
    URL_MAX,
    Bookmark,
    Task,
)

_validate_url = URLValidator()
# An archive may expand to at most this many times CONTENT_IMPORT_MAX_BYTES (a ZIP bomb guard that
# a real archive, mostly already-compressed files plus JSON, stays far below).
EXPANSION_FACTOR = 10


class ArchiveError(ValueError):
    """The upload is not a readable Trackeep archive at all (shown to the user)."""


class Invalid(ValueError):
    """One item of the archive is unusable."""


def _no_blobs(uid: str) -> bytes | None:
    return None


@dataclass
class Archive:
    tags: list[dict[str, Any]] = field(default_factory=list)
    bookmarks: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    read_blob: Callable[[str], bytes | None] = _no_blobs


def _text(raw: dict[str, Any], key: str, limit: int | None = None, required: bool = False) -> str:
    value = raw.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{key} is not text")
    value = value.replace("\x00", "")  # PostgreSQL cannot store NUL in text
    if required and not value.strip():
        raise Invalid(f"{key} is missing")
    if limit is not None and len(value) > limit:
        raise Invalid(f"{key} is longer than {limit} characters")
    return value


def _bool(raw: dict[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise Invalid(f"{key} is not true or false")
    return value


def _time(raw: dict[str, Any], key: str, required: bool = False) -> dt.datetime | None:
    try:
        value = fmt.load_time(raw.get(key))
    except (TypeError, ValueError) as error:
        raise Invalid(f"{key} is not a date and time") from error
    if required and value is None:
        raise Invalid(f"{key} is missing")
    return value


def _uid(raw: dict[str, Any], key: str = "uid", required: bool = True) -> uuid.UUID | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Invalid(f"{key} is not a uid") from error


def _tags(raw: dict[str, Any]) -> list[str]:
    value = raw.get("tags", [])
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise Invalid("tags is not a list of names")
    return tagnames.unique(name.replace("\x00", "") for name in value)


def _common(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": _uid(raw),
        "created_at": _time(raw, "created_at", required=True),
        "updated_at": _time(raw, "updated_at", required=True),
        "tags": _tags(raw),
    }


def _clean_tag(raw: dict[str, Any]) -> dict[str, Any]:
    name = tagnames.normalize(_text(raw, "name", TAG_NAME_MAX, required=True))
    if not name:
        raise Invalid("name is empty")
    color = _text(raw, "color", 7)
    try:
        TAG_COLOR_VALIDATOR(color)
    except ValidationError as error:
        raise Invalid("color is not like #3b82f6") from error
    return {"name": name, "color": color, "created_at": _time(raw, "created_at", required=True)}


def _clean_bookmark(raw: dict[str, Any]) -> dict[str, Any]:
    url = _text(raw, "url", URL_MAX, required=True)
    favicon = _text(raw, "favicon_url", URL_MAX)
    try:
        _validate_url(url)
        if favicon:
            _validate_url(favicon)
    except ValidationError as error:
        raise Invalid(f"{url[:80]} is not a web address") from error
    return {
        **_common(raw),
        "title": _text(raw, "title", TITLE_MAX, required=True),
        "url": url,
        "description": _text(raw, "description"),
        "favicon_url": favicon,
        "is_read": _bool(raw, "is_read"),
        "is_favorite": _bool(raw, "is_favorite"),
        "read_at": _time(raw, "read_at"),
        **_folder(raw),
    }


def _folder(raw: dict[str, Any]) -> dict[str, Any]:
    """A bookmark's browser folder (optional: archives of older versions have none)."""
    folder = raw.get("folder")
    if folder is not None and (
        not isinstance(folder, list)
        or len(folder) > FOLDER_DEPTH_MAX
        or not all(isinstance(name, str) and len(name) <= FOLDER_NAME_MAX for name in folder)
    ):
        raise Invalid("folder is not a list of folder names")
    root = _text(raw, "folder_root", 8)
    if root not in Bookmark.FolderRoot.values or (root and not folder):
        raise Invalid("folder_root is not one Trackeep knows")
    icon = _text(raw, "icon", ICON_MAX)
    if icon and not clean_icon(icon):
        raise Invalid("icon is not an image")
    names = [name.replace("\x00", "") for name in folder] if folder is not None else None
    return {"folder": names, "folder_root": root, "icon": icon}


def _clean_task(raw: dict[str, Any]) -> dict[str, Any]:
    status, priority, progress = raw.get("status"), raw.get("priority"), raw.get("progress", 0)
    if status not in Task.Status.values or priority not in Task.Priority.values:
        raise Invalid("status or priority is not one Trackeep knows")
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        raise Invalid("progress is not a whole number from 0 to 100")
    try:
        due = dt.date.fromisoformat(raw["due_date"]) if raw.get("due_date") else None
    except (TypeError, ValueError) as error:
        raise Invalid("due_date is not a date") from error
    return {
        **_common(raw),
        "title": _text(raw, "title", TITLE_MAX, required=True),
        "description": _text(raw, "description"),
        "status": status,
        "priority": priority,
        "due_date": due,
        "progress": progress,
        "completed_at": _time(raw, "completed_at"),
        "parent": _uid(raw, "parent", required=False),
        "project": _uid(raw, "project", required=False),
        "recurrence": _choice(raw, "recurrence", Task.Recurrence.values),
        "remind_at": _time(raw, "remind_at"),
    }


def _choice(raw: dict[str, Any], key: str, allowed: list[str]) -> str:
    value = _text(raw, key, 20)
    if value not in allowed:
        raise Invalid(f"{key} is not one Trackeep knows")
    return value


def _clean_project(raw: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(_text(raw, "name", PROJECT_NAME_MAX, required=True).split())
    return {**_common(raw), "name": name, "description": _text(raw, "description")}


def _clean_note(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        **_common(raw),
        "title": _text(raw, "title", TITLE_MAX, required=True),
        "content": _text(raw, "content"),
        "is_pinned": _bool(raw, "is_pinned"),
        "parent": _uid(raw, "parent", required=False),
    }


def _clean_share_link(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Invalid("a share link is not an object")
    count = raw.get("download_count", 0)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise Invalid("download_count is not a count")
    return {
        "token": _text(raw, "token", 64, required=True),
        "created_at": _time(raw, "created_at", required=True),
        "expires_at": _time(raw, "expires_at"),
        "revoked_at": _time(raw, "revoked_at"),
        "download_count": count,
    }


def _clean_file(raw: dict[str, Any]) -> dict[str, Any]:
    size, sha256 = raw.get("size"), _text(raw, "sha256", 64, required=True)
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise Invalid("size is not a byte count")
    links = raw.get("share_links", [])
    if not isinstance(links, list):
        raise Invalid("share_links is not a list")
    return {
        **_common(raw),
        "name": _text(raw, "name", 255, required=True),
        "description": _text(raw, "description"),
        "size": size,
        "sha256": sha256.lower(),
        "share_links": [_clean_share_link(link) for link in links],
    }


_CLEANERS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "tags": ("tag", _clean_tag),
    "bookmarks": ("bookmark", _clean_bookmark),
    "projects": ("project", _clean_project),
    "tasks": ("task", _clean_task),
    "notes": ("note", _clean_note),
    "files": ("file", _clean_file),
}


def _label(raw: Any) -> str:
    if isinstance(raw, dict):
        for key in ("title", "name", "url", "uid"):
            if isinstance(raw.get(key), str) and raw[key]:
                return str(raw[key])[:80]
    return "(unnamed)"


def parse_document(document: Any, result: ImportResult) -> Archive:
    """Validate the JSON document; invalid items are counted in ``result`` and left out."""
    if not isinstance(document, dict) or document.get("format") != fmt.FORMAT:
        raise ArchiveError("This is not a Trackeep archive (no trackeep-archive format marker).")
    if document.get("version") != fmt.VERSION:
        raise ArchiveError(
            f"This archive has version {document.get('version')!r}; this Trackeep reads version 1."
        )
    archive = Archive()
    for section, (kind, clean) in _CLEANERS.items():
        rows = document.get(section, [])
        if not isinstance(rows, list):
            raise ArchiveError(f"The archive's {section} section is not a list.")
        for raw in rows:
            try:
                if not isinstance(raw, dict):
                    raise Invalid("not an object")
                getattr(archive, section).append(clean(raw))
            except Invalid as error:
                result.reject(kind, f"{kind} “{_label(raw)}”: {error}.")
    return archive


def _zip_reader(bundle: zipfile.ZipFile) -> Callable[[str], bytes | None]:
    def read_blob(uid: str) -> bytes | None:
        try:
            info = bundle.getinfo(fmt.blob_member(uid))
        except KeyError:
            return None
        if info.file_size > settings.CONTENT_UPLOAD_MAX_BYTES:
            return None
        try:
            return bundle.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return None

    return read_blob


def read_archive(upload: IO[bytes], result: ImportResult) -> Archive:
    """Open an uploaded archive (ZIP, or bare JSON) and validate its document."""
    limit = settings.CONTENT_IMPORT_MAX_BYTES
    upload.seek(0)
    if zipfile.is_zipfile(upload):
        upload.seek(0)
        try:
            bundle = zipfile.ZipFile(upload)
            if sum(member.file_size for member in bundle.infolist()) > EXPANSION_FACTOR * limit:
                raise ArchiveError("This archive expands to far more than an import may hold; refused.")
            info = bundle.getinfo(fmt.MANIFEST)
            if info.file_size > limit:
                raise ArchiveError("The archive's trackeep.json is larger than the import limit.")
            raw = bundle.read(info)
        except KeyError as error:
            raise ArchiveError("This ZIP file has no trackeep.json: it is not a Trackeep archive.") from error
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise ArchiveError("This ZIP file is damaged or encrypted.") from error
        reader = _zip_reader(bundle)
    else:
        upload.seek(0)
        raw = upload.read(limit + 1)
        if raw.startswith(b"PK"):
            raise ArchiveError("This ZIP file is damaged or incomplete.")
        reader = _no_blobs
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError("The archive's JSON could not be read.") from error
    except RecursionError as error:  # json recurses per nesting level; no real archive comes close
        raise ArchiveError("The archive's JSON is nested too deeply to be a Trackeep archive.") from error
    archive = parse_document(document, result)
    archive.read_blob = reader
    return archive
