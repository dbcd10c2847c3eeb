"""The other apps whose exports Trackeep imports, how to get each export, and their readers.

Each reader returns the bookmarks (and, for Karakeep, the notes) it found; ``read`` gives every
source the same shape for the import page and ``content.services.import_items``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from content.importers import karakeep, linkwarden, pocket, raindrop, wallabag
from content.importers.entries import BookmarkEntry, NoteEntry
from content.importers.result import ImportResult

Found = tuple[list[BookmarkEntry], list[NoteEntry]]


@dataclass(frozen=True)
class Source:
    label: str
    how: str  # where the app's export is, for the import page
    read: Callable[[bytes, ImportResult], Found]


def _bookmarks_only(parse: Callable[[bytes, ImportResult], list[BookmarkEntry]]) -> Callable[..., Found]:
    return lambda data, result: (parse(data, result), [])


SOURCES = {
    "pocket": Source(
        "Pocket", "the CSV files (or the ZIP) of Pocket's export", _bookmarks_only(pocket.parse)
    ),
    "raindrop": Source("Raindrop.io", "Settings → Backups → CSV", _bookmarks_only(raindrop.parse)),
    "linkwarden": Source(
        "Linkwarden", "Settings → Data → Export Data (JSON)", _bookmarks_only(linkwarden.parse)
    ),
    "karakeep": Source("Karakeep / Hoarder", "Settings → Import / Export → Export (JSON)", karakeep.parse),
    "wallabag": Source("Wallabag", "Export → JSON (all entries)", _bookmarks_only(wallabag.parse)),
}
