"""Reading a Karakeep (formerly Hoarder) export: Settings → Import / Export → Export (JSON).

``{"bookmarks": [...], "lists": [...]}``; each bookmark has ``createdAt`` (Unix seconds),
``title``, ``tags`` (names), ``lists`` (list ids), ``content`` (``{"type": "link", "url"}`` or
``{"type": "text", "text"}``; null for uploaded assets), ``note`` and ``archived``. Older Hoarder
exports have no ``lists``. Links become bookmarks (the note as description, archived ones read),
text items become notes, and each manual list a bookmark is in becomes a path tag
(``Projects/Inbox``); smart lists are queries, not folders, and add nothing. Assets are not in the
export and are counted as invalid.
"""

from __future__ import annotations

from typing import Any

from content import tagnames
from content.importers import common
from content.importers.entries import BookmarkEntry, NoteEntry
from content.importers.result import ImportResult
from content.models import TITLE_MAX

WHAT = "a Karakeep or Hoarder export (JSON)"
NOTE_MAX = 1_000_000
MAX_DEPTH = 50


def _list_paths(lists: list[Any]) -> dict[Any, str]:
    manual = {
        item.get("id"): item
        for item in lists
        if isinstance(item, dict) and item.get("type", "manual") == "manual"
    }
    paths = {}
    for list_id, item in manual.items():
        names, current, seen = [], item, set()
        while current is not None and id(current) not in seen and len(names) < MAX_DEPTH:
            seen.add(id(current))
            names.append(common.text(current.get("name"), 200))
            current = manual.get(current.get("parentId"))
        paths[list_id] = tagnames.normalize("/".join(reversed(names)))
    return paths


def parse(data: bytes, result: ImportResult) -> tuple[list[BookmarkEntry], list[NoteEntry]]:
    document = common.load_json(data, WHAT)
    items = document.get("bookmarks") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise common.ExportError(f"This is not {WHAT}: it has no list of bookmarks.")
    paths = _list_paths(document.get("lists") or [])
    bookmarks, notes = [], []
    for item in items:
        if not isinstance(item, dict):
            result.reject("bookmark", "An item of the export is not an object.")
            continue
        content = item.get("content") if isinstance(item.get("content"), dict) else {}
        tags = [*(paths.get(list_id, "") for list_id in item.get("lists") or []), *(item.get("tags") or [])]
        tags = [name for name in tags if isinstance(name, str)]
        created = common.moment(item.get("createdAt"))
        note = common.text(item.get("note"), NOTE_MAX)
        if content.get("type") == "text":
            body = common.text(content.get("text"), NOTE_MAX)
            title = (
                common.text(item.get("title"), TITLE_MAX) or body.split("\n", 1)[0][:TITLE_MAX] or "Untitled"
            )
            notes.append(
                NoteEntry(
                    title=title,
                    content="\n\n".join(part for part in (body, note) if part),
                    tags=tagnames.unique(tags)[: tagnames.MAX_TAGS_PER_ITEM],
                    created_at=created,
                )
            )
        elif content.get("type") == "link":
            entry = common.bookmark(
                result,
                url=content.get("url"),
                title=item.get("title"),
                description=note,
                tags=tags,
                created_at=created,
                is_read=common.truthy(item.get("archived")),
            )
            if entry is not None:
                bookmarks.append(entry)
        else:
            label = common.text(item.get("title"), 80) or "(untitled)"
            result.reject(
                "bookmark", f"“{label}” is an uploaded file, which Karakeep's export does not include."
            )
    return bookmarks, notes
