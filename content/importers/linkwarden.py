"""Reading a Linkwarden backup (Settings → Data → Export: the JSON of the account).

The document is the user record with ``collections`` (each with ``id``, ``name``, ``parentId``
for sub-collections, and its ``links``: ``name``, ``url``, ``description``, ``createdAt``,
``importDate``, ``tags`` as ``{"name": ...}``) and ``pinnedLinks``. A link's collection path
becomes a path tag (``Tech/Frontend``); the default "Unorganized" collection adds no tag. Pinned
links become favourites; ``importDate`` (the date a link was first saved elsewhere) wins over
``createdAt``. Links without an address (uploaded files) are counted as invalid.
"""

from __future__ import annotations

from typing import Any

from content import tagnames
from content.importers import common
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult

WHAT = "a Linkwarden backup (JSON)"
DEFAULT_COLLECTION = "unorganized"
MAX_DEPTH = 50


def _paths(collections: list[dict[str, Any]]) -> dict[Any, str]:
    """Collection id → its path tag, following ``parentId`` (loops and very deep chains stop)."""
    by_id = {collection.get("id"): collection for collection in collections}
    paths: dict[Any, str] = {}
    for collection in collections:
        names, current, seen = [], collection, set()
        while current is not None and id(current) not in seen and len(names) < MAX_DEPTH:
            seen.add(id(current))
            names.append(common.text(current.get("name"), 200))
            current = by_id.get(current.get("parentId")) if current.get("parentId") is not None else None
        path = tagnames.normalize("/".join(reversed(names)))
        paths[collection.get("id")] = "" if path.lower() == DEFAULT_COLLECTION else path
    return paths


def parse(data: bytes, result: ImportResult) -> list[BookmarkEntry]:
    document = common.load_json(data, WHAT)
    collections = document.get("collections") if isinstance(document, dict) else None
    if not isinstance(collections, list):
        raise common.ExportError(f"This is not {WHAT}: it has no list of collections.")
    collections = [c for c in collections if isinstance(c, dict)]
    pinned = {
        common.text(link.get("url"), 4000)
        for link in document.get("pinnedLinks") or []
        if isinstance(link, dict) and link.get("url")
    }
    paths = _paths(collections)
    entries = []
    for collection in collections:
        for link in collection.get("links") or []:
            if not isinstance(link, dict):
                result.reject("bookmark", "A link of the backup is not an object.")
                continue
            tags = [tag.get("name") for tag in link.get("tags") or [] if isinstance(tag, dict)]
            entry = common.bookmark(
                result,
                url=link.get("url"),
                title=link.get("name"),
                description=link.get("description"),
                tags=[paths.get(collection.get("id"), ""), *tags],
                created_at=common.moment(link.get("importDate")) or common.moment(link.get("createdAt")),
                updated_at=common.moment(link.get("updatedAt")),
                is_favorite=common.text(link.get("url"), 4000) in pinned,
            )
            if entry is not None:
                entries.append(entry)
    return entries
