"""Writing a user's whole content as a Trackeep archive (see ``content.archive_format``)."""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.core.files.storage import default_storage
from django.utils import timezone

from content import archive_format as fmt
from content import selectors
from content.models import Bookmark, Note, Project, StoredFile, Tag, Task

logger = logging.getLogger(__name__)
COPY_CHUNK = 1024 * 1024


def _tag_names(item: Any) -> list[str]:
    return [tag.name for tag in item.tags.all()]


def _times(item: Any) -> dict[str, str | None]:
    return {"created_at": fmt.dump_time(item.created_at), "updated_at": fmt.dump_time(item.updated_at)}


def _tag(tag: Tag) -> dict[str, Any]:
    return {"name": tag.name, "color": tag.color, "created_at": fmt.dump_time(tag.created_at)}


def _bookmark(item: Bookmark) -> dict[str, Any]:
    return {
        "uid": str(item.uid),
        "title": item.title,
        "url": item.url,
        "description": item.description,
        "favicon_url": item.favicon_url,
        "is_read": item.is_read,
        "is_favorite": item.is_favorite,
        "read_at": fmt.dump_time(item.read_at),
        "folder": item.folder,
        "folder_root": item.folder_root,
        "icon": item.icon,
        **_times(item),
        "tags": _tag_names(item),
    }


def _task(item: Task) -> dict[str, Any]:
    return {
        "uid": str(item.uid),
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "priority": item.priority,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "progress": item.progress,
        "completed_at": fmt.dump_time(item.completed_at),
        "parent": str(item.parent.uid) if item.parent else None,
        "project": str(item.project.uid) if item.project else None,
        "recurrence": item.recurrence,
        "remind_at": fmt.dump_time(item.remind_at),
        **_times(item),
        "tags": _tag_names(item),
    }


def _project(item: Project) -> dict[str, Any]:
    return {"uid": str(item.uid), "name": item.name, "description": item.description, **_times(item)}


def _note(item: Note) -> dict[str, Any]:
    return {
        "uid": str(item.uid),
        "title": item.title,
        "content": item.content,
        "is_pinned": item.is_pinned,
        "parent": str(item.parent.uid) if item.parent else None,
        **_times(item),
        "tags": _tag_names(item),
    }


def _file(item: StoredFile) -> dict[str, Any]:
    return {
        "uid": str(item.uid),
        "name": item.name,
        "description": item.description,
        "size": item.size,
        "sha256": item.sha256,
        "content_type": item.content_type,
        **_times(item),
        "tags": _tag_names(item),
        "share_links": [
            {
                "token": link.token,
                "created_at": fmt.dump_time(link.created_at),
                "expires_at": fmt.dump_time(link.expires_at),
                "revoked_at": fmt.dump_time(link.revoked_at),
                "download_count": link.download_count,
            }
            for link in item.share_links.all()
        ],
    }


def manifest(owner_id: int) -> dict[str, Any]:
    """Everything the owner has, as the archive's JSON document (without file bytes)."""
    rows = selectors.everything_of(owner_id)
    return {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "exported_at": fmt.dump_time(timezone.now()),
        "tags": [_tag(tag) for tag in rows["tags"]],
        "bookmarks": [_bookmark(item) for item in rows["bookmarks"]],
        "projects": [_project(item) for item in rows["projects"]],
        "tasks": [_task(item) for item in rows["tasks"]],
        "notes": [_note(item) for item in rows["notes"]],
        "files": [_file(item) for item in rows["files"]],
    }


def selection_manifest(
    owner_id: int,
    *,
    bookmark_ids: Iterable[int] = (),
    task_ids: Iterable[int] = (),
    note_ids: Iterable[int] = (),
) -> dict[str, Any]:
    """Some of the owner's bookmarks, tasks and notes (others' ids are ignored) and the tags they
    carry, as an archive document: what the marketplace snapshots when an item is published."""
    rows = selectors.everything_of(owner_id)
    bookmarks = list(rows["bookmarks"].filter(pk__in=list(bookmark_ids)))
    tasks = list(rows["tasks"].filter(pk__in=list(task_ids)))
    notes = list(rows["notes"].filter(pk__in=list(note_ids)))
    used = {tag.pk for item in (*bookmarks, *tasks, *notes) for tag in item.tags.all()}
    return {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "exported_at": fmt.dump_time(timezone.now()),
        "tags": [_tag(tag) for tag in rows["tags"].filter(pk__in=used)],
        "bookmarks": [_bookmark(item) for item in bookmarks],
        "tasks": [_task(item) for item in tasks],
        "notes": [_note(item) for item in notes],
        "files": [],
    }


def write_archive(owner_id: int, target: IO[bytes]) -> None:
    """Write the owner's archive (JSON plus file bytes) as a ZIP into ``target``."""
    document = manifest(owner_id)
    blobs = {
        str(uid): path
        for uid, path in StoredFile.objects.filter(owner_id=owner_id).values_list("uid", "blob")
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(fmt.MANIFEST, json.dumps(document, ensure_ascii=False, indent=1))
        for entry in document["files"]:
            path = blobs.get(entry["uid"], "")
            try:
                with (
                    default_storage.open(path, "rb") as source,
                    archive.open(fmt.blob_member(entry["uid"]), "w") as sink,
                ):
                    shutil.copyfileobj(source, sink, COPY_CHUNK)
            except OSError:
                logger.error("file %s has no readable blob; exported without its bytes", entry["uid"])
