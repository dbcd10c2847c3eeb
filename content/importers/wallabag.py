"""Reading Wallabag's JSON export (Export → JSON, of all entries or of one list).

A list of entries with ``title``, ``url``, ``is_archived`` and ``is_starred`` (``1``/``0``, or
booleans in older versions), ``tags`` (labels), ``created_at`` and ``updated_at``
(``2016-09-08T11:55:58+0200``), plus the saved article (``content``), which is not kept here.
Archived entries become read bookmarks, starred ones favourites.
"""

from __future__ import annotations

from content.importers import common
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult

WHAT = "a Wallabag JSON export"


def parse(data: bytes, result: ImportResult) -> list[BookmarkEntry]:
    document = common.load_json(data, WHAT)
    if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
        raise common.ExportError(f"This is not {WHAT}: it is not a list of entries.")
    if document and not any("url" in item and "is_archived" in item for item in document):
        raise common.ExportError(f"This is not {WHAT}: its entries have no url and is_archived.")
    entries = []
    for item in document:
        tags = item.get("tags") or []
        entry = common.bookmark(
            result,
            url=item.get("url"),
            title=item.get("title"),
            tags=tags if isinstance(tags, list) else [],
            created_at=common.moment(item.get("created_at")),
            updated_at=common.moment(item.get("updated_at")),
            is_read=common.truthy(item.get("is_archived")),
            is_favorite=common.truthy(item.get("is_starred")),
        )
        if entry is not None:
            entries.append(entry)
    return entries
