"""Writing bookmarks as a Netscape bookmark file that browsers (and our importer) read back.

An imported bookmark goes back into the folder it came from (``Bookmark.folder``, the browser's
bookmarks-bar or "other bookmarks" container included) with the icon the browser stored, and its
tags other than that folder's path go into the ``TAGS`` attribute Firefox uses. A bookmark made in
Trackeep is filed under one of its tags: the deepest path-like tag (``Dev/Python`` becomes a Python
folder inside Dev), else its first tag by name. Re-importing the file therefore puts every bookmark
in the same folder with the same set of tags, and the URLs already there are skipped as duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape

from content import tagnames
from content.models import Bookmark

HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
"""
ROOT_ATTRIBUTES = {
    Bookmark.FolderRoot.TOOLBAR: "PERSONAL_TOOLBAR_FOLDER",
    Bookmark.FolderRoot.UNFILED: "UNFILED_BOOKMARKS_FOLDER",
}


@dataclass
class _Folder:
    root: str = ""
    children: dict[tuple[str, str], _Folder] = field(default_factory=dict)
    bookmarks: list[tuple[Bookmark, list[str]]] = field(default_factory=list)


def folder_and_tags(names: list[str]) -> tuple[str, list[str]]:
    """Split a bookmark's tag names into the folder it is filed under and its remaining tags."""
    if not names:
        return "", []
    paths = [name for name in names if "/" in name]
    folder = max(paths, key=lambda name: name.count("/")) if paths else min(names, key=str.lower)
    return folder, [name for name in names if name != folder]


def placement(bookmark: Bookmark) -> tuple[list[str], str, list[str]]:
    """The folder names a bookmark is filed under, the root container kind of the first one, and
    the tags that go into ``TAGS`` (those the folder does not already give on import)."""
    names = [tag.name for tag in bookmark.tags.all()]
    if bookmark.folder is not None:
        folders = list(bookmark.folder)
        person_made = folders[1:] if bookmark.folder_root else folders
        folder_tag = tagnames.normalize("/".join(person_made)).lower()
        return folders, bookmark.folder_root, [name for name in names if name.lower() != folder_tag]
    folder, other_tags = folder_and_tags(names)
    return (folder.split("/") if folder else []), "", other_tags


def _epoch(value: object) -> str:
    return str(int(value.timestamp())) if value is not None else ""  # type: ignore[attr-defined]


def _tree(bookmarks: list[Bookmark]) -> _Folder:
    top = _Folder()
    for bookmark in bookmarks:
        folders, root, other_tags = placement(bookmark)
        node = top
        for depth, name in enumerate(folders):
            kind = root if depth == 0 else ""
            node = node.children.setdefault((name, kind), _Folder(root=kind))
        node.bookmarks.append((bookmark, other_tags))
    return top


def _lines(node: _Folder, depth: int) -> Iterator[str]:
    pad = "    " * depth
    yield f"{pad}<DL><p>"
    for (name, _), child in node.children.items():
        marker = f' {ROOT_ATTRIBUTES[child.root]}="true"' if child.root in ROOT_ATTRIBUTES else ""
        yield f"{pad}    <DT><H3{marker}>{escape(name)}</H3>"
        yield from _lines(child, depth + 1)
    for bookmark, tags in node.bookmarks:
        attrs = f'HREF="{escape(bookmark.url)}" ADD_DATE="{_epoch(bookmark.created_at)}"'
        attrs += f' LAST_MODIFIED="{_epoch(bookmark.updated_at)}"'
        if bookmark.icon:
            attrs += f' ICON="{escape(bookmark.icon)}"'
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
