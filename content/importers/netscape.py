"""Reading browser bookmark exports (the Netscape bookmark file that Chrome, Firefox, Safari and
Edge write and read).

The format is loose HTML: ``<DT><H3>`` names a folder whose ``<DL>`` follows, ``<DT><A HREF>`` is a
bookmark, an optional ``<DD>`` after it is its description. Each bookmark gets one tag for its folder
path (``Dev/Python`` for a Python folder inside Dev) plus the tags of a Firefox ``TAGS`` attribute.
The browsers' own root containers (``PERSONAL_TOOLBAR_FOLDER`` "Bookmarks bar", Firefox's
``UNFILED_BOOKMARKS_FOLDER`` "Other Bookmarks") are not folders a person made, so they add no tag.
Each entry also keeps its exact place (folder names from the top, root container included) and the
``ICON`` image the browser stored, so the HTML export can put it back where it was.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from content import metadata, tagnames
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult
from content.models import TITLE_MAX, URL_MAX

ROOT_CONTAINERS = {"personal_toolbar_folder": "toolbar", "unfiled_bookmarks_folder": "unfiled"}
# Browsers export favicons as base64 data URLs; only raster images are kept (no SVG, no HTML).
ICON_MAX = 64 * 1024
FOLDER_DEPTH_MAX = 32
FOLDER_NAME_MAX = 200
_ICON = re.compile(r"data:image/(png|gif|jpeg|webp|x-icon|vnd\.microsoft\.icon);base64,[A-Za-z0-9+/]+={0,2}")
_validate_url = URLValidator(schemes=["http", "https", "ftp", "ftps"])


def clean_icon(value: str) -> str:
    """``value`` if it is a base64 raster image data URL of a sensible size, else ""."""
    value = value.strip()
    return value if len(value) <= ICON_MAX and _ICON.fullmatch(value) else ""


@dataclass
class _Folder:
    """An open ``<DL>``: its folder name ("" for the top), the tag it gives (None for root
    containers and the top), and the root container kind it is, if any."""

    name: str
    tag: str | None
    root: str = ""


def parse_timestamp(value: str | None) -> dt.datetime | None:
    """ADD_DATE/LAST_MODIFIED: seconds since the epoch (milli- or microseconds from some tools)."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    while number > 100_000_000_000:  # later than year 5138 in seconds: a finer unit
        number //= 1000
    try:
        return dt.datetime.fromtimestamp(number, tz=dt.UTC) if number > 0 else None
    except (OverflowError, OSError, ValueError):
        return None


def decode(data: bytes) -> str:
    """The export's text; NUL characters are dropped (PostgreSQL cannot store them in text)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\x00", "")


class ParseTimeout(ValueError):
    """The parse passed its deadline (a malformed file on a quadratic HTMLParser, CVE-2025-6069)."""


class _Parser(HTMLParser):
    def __init__(self, result: ImportResult, deadline: float | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.result = result
        self.deadline = deadline
        self.entries: list[BookmarkEntry] = []
        self.folders: list[_Folder] = []
        self.pending_folder = _Folder("", None)
        self._text: list[str] | None = None
        self._capture: str | None = None  # "folder", "title" or "description"
        self._root_kind = ""
        self._anchor: dict[str, str] = {}
        self._last: BookmarkEntry | None = None

    def _start_capture(self, what: str) -> None:
        self._capture, self._text = what, []

    def _captured(self) -> str:
        text = " ".join("".join(self._text or []).split())
        self._capture, self._text = None, None
        return text

    def updatepos(self, i: int, j: int) -> int:
        # HTMLParser.goahead calls this once per construct it consumes: the place to stop a parse
        # whose cost per construct grows with the input.
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ParseTimeout("the bookmark file took too long to parse")
        return super().updatepos(i, j)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if self._capture == "description" and tag in ("dt", "dl", "dd", "h3", "a"):
            self._finish_description()
        if tag == "h3":
            self._root_kind = next((kind for attr, kind in ROOT_CONTAINERS.items() if attr in values), "")
            self._start_capture("folder")
        elif tag == "dl":
            self.folders.append(self.pending_folder)
            self.pending_folder = _Folder("", None)
        elif tag == "a":
            self._anchor = values
            self._start_capture("title")
        elif tag == "dd" and self._last is not None:
            self._start_capture("description")

    def handle_endtag(self, tag: str) -> None:
        if self._capture == "description" and tag in ("dl", "dd"):
            self._finish_description()
        if tag == "h3" and self._capture == "folder":
            name = self._captured()
            tag = None if self._root_kind else (tagnames.normalize(name) or None)
            self.pending_folder = _Folder(name, tag, self._root_kind)
        elif tag == "dl" and self.folders:
            self.folders.pop()
        elif tag == "a" and self._capture == "title":
            self._add_bookmark(self._captured())

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        if self._capture == "description":
            self._finish_description()

    def _finish_description(self) -> None:
        text = self._captured()
        if self._last is not None and text:
            self._last.description = text

    def _add_bookmark(self, title: str) -> None:
        self._last = None
        url = self._anchor.get("href", "").strip()
        label = title or url or "(untitled)"
        if not url:
            self.result.reject("bookmark", f"“{label[:80]}” has no address.")
            return
        try:
            if len(url) > URL_MAX:
                raise ValidationError("too long")
            _validate_url(url)
        except ValidationError:
            self.result.reject("bookmark", f"“{label[:80]}”: {url[:80]} is not a web address.")
            return
        folder = "/".join(f.tag for f in self.folders if f.tag)
        tags = tagnames.unique([folder, *self._anchor.get("tags", "").split(",")])
        icon = self._anchor.get("icon_uri", "")
        place = [f for f in self.folders if f.name]
        entry = BookmarkEntry(
            url=url,
            title=title[:TITLE_MAX] or metadata.title_from_url(url),
            tags=tags,
            created_at=parse_timestamp(self._anchor.get("add_date")),
            updated_at=parse_timestamp(self._anchor.get("last_modified")),
            icon_url=icon if icon.startswith(("http://", "https://")) and len(icon) <= URL_MAX else "",
            folder=[f.name[:FOLDER_NAME_MAX] for f in place][:FOLDER_DEPTH_MAX],
            folder_root=place[0].root if place else "",
            icon=clean_icon(self._anchor.get("icon", "")),
        )
        self.entries.append(entry)
        self._last = entry


def parse(data: bytes, result: ImportResult, deadline: float | None = None) -> list[BookmarkEntry]:
    """The valid bookmarks in a Netscape bookmark file; invalid ones are counted in ``result``.
    ParseTimeout when ``time.monotonic()`` passes ``deadline`` first."""
    parser = _Parser(result, deadline)
    parser.feed(decode(data))
    parser.close()
    return parser.entries


def looks_like_bookmark_file(data: bytes) -> bool:
    head = decode(data[:2048]).lower()
    return "netscape-bookmark-file" in head or ("<dl" in head and "<dt" in head)
