"""Writing bookmarks as a Netscape bookmark file that browsers (and our importer) read back.

Each bookmark goes into the folder named by one of its tags: the deepest path-like tag
(``Dev/Python`` becomes a Python folder inside Dev), else its first tag by name; its other tags go
into the ``TAGS`` attribute Firefox uses. Re-importing the file therefore gives every bookmark the
same set of tags, and the URLs it already has are skipped as duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape

from content.models import Bookmark

HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
"""


@dataclass
class _Folder:
    children: dict[str, _Folder] = field(default_factory=dict)
    bookmarks: list[tuple[Bookmark, list[str]]] = field(default_factory=list)


def folder_and_tags(names: list[str]) -> tuple[str, list[str]]:
    """Split a bookmark's tag names into the folder it is filed under and its remaining tags."""
    if not names:
        return "", []
    paths = [name for name in names if "/" in name]
    folder = max(paths, key=lambda name: name.count("/")) if paths else min(names, key=str.lower)
    return folder, [name for name in names if name != folder]


def _epoch(value: object) -> str:
    return str(int(value.timestamp())) if value is not None else ""  # type: ignore[attr-defined]


def _tree(bookmarks: list[Bookmark]) -> _Folder:
    root = _Folder()
    for bookmark in bookmarks:
        folder, other_tags = folder_and_tags([tag.name for tag in bookmark.tags.all()])
        node = root
        for part in folder.split("/") if folder else []:
            node = node.children.setdefault(part, _Folder())
        node.bookmarks.append((bookmark, other_tags))
    return root


def _lines(node: _Folder, depth: int) -> Iterator[str]:
    pad = "    " * depth
    yield f"{pad}<DL><p>"
    for name, child in node.children.items():
        yield f"{pad}    <DT><H3>{escape(name)}</H3>"
        yield from _lines(child, depth + 1)
    for bookmark, tags in node.bookmarks:
        attrs = f'HREF="{escape(bookmark.url)}" ADD_DATE="{_epoch(bookmark.created_at)}"'
        attrs += f' LAST_MODIFIED="{_epoch(bookmark.updated_at)}"'
        if bookmark.favicon_url:
            attrs += f' ICON_URI="{escape(bookmark.favicon_url)}"'
        if tags:
            attrs += f' TAGS="{escape(",".join(tags))}"'
        yield f"{pad}    <DT><A {attrs}>{escape(bookmark.title)}</A>"
        if bookmark.description:
            yield f"{pad}    <DD>{escape(' '.join(bookmark.description.split()))}"
    yield f"{pad}</DL><p>"


def render(bookmarks: list[Bookmark]) -> str:
    """The bookmark file for ``bookmarks`` (tags prefetched, in the order given)."""
    return HEADER + "\n".join(_lines(_tree(bookmarks), 0)) + "\n"
