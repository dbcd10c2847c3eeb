"""Reading Raindrop.io's CSV export (Settings → Backups, or Export → CSV): the columns ``id, title,
note, excerpt, url, folder, tags, created, cover, highlights, favorite``.

``folder`` is the collection path (``Work / Reading`` for a nested one) and becomes a path tag
(``Work/Reading``); the built-in "Unsorted" collection adds no tag. ``tags`` are comma-separated,
``created`` is ISO 8601, ``favorite`` is ``true``/``false``. The note and the excerpt become the
description (the note first); covers and highlights are not kept.
"""

from __future__ import annotations

from content import tagnames
from content.importers import common
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult

WHAT = "a Raindrop.io CSV export"
BUILT_IN_FOLDERS = frozenset({"unsorted"})


def _folder_tag(folder: str) -> str:
    name = tagnames.normalize(folder)
    return "" if name.lower() in BUILT_IN_FOLDERS else name


def parse(data: bytes, result: ImportResult) -> list[BookmarkEntry]:
    entries = []
    for row in common.read_csv(data, {"url", "folder", "created"}, WHAT):
        description = "\n\n".join(
            part.strip() for part in (row.get("note", ""), row.get("excerpt", "")) if part.strip()
        )
        entry = common.bookmark(
            result,
            url=row.get("url"),
            title=row.get("title"),
            description=description,
            tags=[_folder_tag(row.get("folder", "")), *row.get("tags", "").split(",")],
            created_at=common.moment(row.get("created")),
            is_favorite=common.truthy(row.get("favorite", "")),
        )
        if entry is not None:
            entries.append(entry)
    return entries
