"""What a token may do: read and/or write, per kind of content.

A scope is ``<area>:<access>``: ``bookmarks:read``, ``tasks:write``... Writing does not imply
reading, so a token for a "save only" script can be write-only. Search needs no scope of its own: it
answers with the hits of the kinds the token can read (and is refused when it can read none).
"""

from __future__ import annotations

from collections.abc import Iterable

AREAS = {
    "bookmarks": "Bookmarks",
    "tasks": "Tasks",
    "notes": "Notes",
    "files": "Files",
    "tags": "Tags",
}
READ, WRITE = "read", "write"
ACCESS = (READ, WRITE)
ALL = tuple(f"{area}:{access}" for area in AREAS for access in ACCESS)
# The content kind (content.selectors.ITEM_KINDS, search's kinds) behind each readable area.
KIND_OF_AREA = {"bookmarks": "bookmark", "tasks": "task", "notes": "note", "files": "file", "tags": "tag"}
PRESETS = {
    "extension": ("bookmarks:read", "bookmarks:write", "tags:read"),
    "read": tuple(f"{area}:{READ}" for area in AREAS),
    "everything": ALL,
}


def clean(names: Iterable[str]) -> list[str]:
    """Known scope names, deduplicated, in the canonical order of ``ALL``."""
    wanted = set(names)
    return [name for name in ALL if name in wanted]


def readable_kinds(granted: Iterable[str]) -> list[str]:
    """The content kinds a token with ``granted`` scopes may read (search filters hits by them)."""
    names = set(granted)
    return [kind for area, kind in KIND_OF_AREA.items() if f"{area}:{READ}" in names]


def describe(granted: Iterable[str]) -> str:
    """``Bookmarks: read, write · Tags: read`` for lists and the admin."""
    names = set(granted)
    parts = []
    for area, label in AREAS.items():
        access = [a for a in ACCESS if f"{area}:{a}" in names]
        if access:
            parts.append(f"{label}: {', '.join(access)}")
    return " · ".join(parts) or "none"
