"""What importers hand to ``content.services``: bookmarks and notes read from a file, validated.

Every reader (browser HTML, Pocket, Raindrop.io, Linkwarden, Karakeep, Wallabag) produces these, so
one service adds them all the same way: addresses compared by their key, tags created once, one
transaction and one change event per kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class BookmarkEntry:
    url: str
    title: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    icon_url: str = ""
    is_read: bool = False
    is_favorite: bool = False
    # Where a browser export kept it (folder names from the top, its root container) and its ICON
    # image, so the HTML export can put it back where it was.
    folder: list[str] = field(default_factory=list)
    folder_root: str = ""
    icon: str = ""


@dataclass
class NoteEntry:
    """A text-only item (Karakeep's text bookmarks) kept as a note."""

    title: str
    content: str
    tags: list[str] = field(default_factory=list)
    created_at: dt.datetime | None = None
