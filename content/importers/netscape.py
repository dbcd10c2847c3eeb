"""Reading browser bookmark exports (the Netscape bookmark file that Chrome, Firefox, Safari and
Edge write and read).

The format is loose HTML: ``<DT><H3>`` names a folder whose ``<DL>`` follows, ``<DT><A HREF>`` is a
bookmark, an optional ``<DD>`` after it is its description. Each bookmark gets one tag for its folder
path (``Dev/Python`` for a Python folder inside Dev) plus the tags of a Firefox ``TAGS`` attribute.
The browsers' own root containers (``PERSONAL_TOOLBAR_FOLDER`` "Bookmarks bar", Firefox's
``UNFILED_BOOKMARKS_FOLDER`` "Other Bookmarks") are not folders a person made, so they add no tag.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from content import metadata, tagnames
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult
from content.models import TITLE_MAX, URL_MAX

ROOT_CONTAINER_ATTRS = ("personal_toolbar_folder", "unfiled_bookmarks_folder")
_validate_url = URLValidator(schemes=["http", "https", "ftp", "ftps"])


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


class _Parser(HTMLParser):
    def __init__(self, result: ImportResult) -> None:
        super().__init__(convert_charrefs=True)
        self.result = result
        self.entries: list[BookmarkEntry] = []
        self.folders: list[str | None] = []
        self.pending_folder: str | None = None
        self._text: list[str] | None = None
        self._capture: str | None = None  # "folder", "title" or "description"
        self._skip_folder = False
        self._anchor: dict[str, str] = {}
        self._last: BookmarkEntry | None = None

    def _start_capture(self, what: str) -> None:
        self._capture, self._text = what, []

    def _captured(self) -> str:
        text = " ".join("".join(self._text or []).split())
        self._capture, self._text = None, None
        return text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if self._capture == "description" and tag in ("dt", "dl", "dd", "h3", "a"):
            self._finish_description()
        if tag == "h3":
            self._skip_folder = any(name in values for name in ROOT_CONTAINER_ATTRS)
            self._start_capture("folder")
        elif tag == "dl":
            self.folders.append(self.pending_folder)
            self.pending_folder = None
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
            self.pending_folder = None if self._skip_folder else (tagnames.normalize(name) or None)
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
        folder = "/".join(name for name in self.folders if name)
        tags = tagnames.unique([folder, *self._anchor.get("tags", "").split(",")])
        icon = self._anchor.get("icon_uri", "")
        entry = BookmarkEntry(
            url=url,
            title=title[:TITLE_MAX] or metadata.title_from_url(url),
            tags=tags,
            created_at=parse_timestamp(self._anchor.get("add_date")),
            updated_at=parse_timestamp(self._anchor.get("last_modified")),
            icon_url=icon if icon.startswith(("http://", "https://")) and len(icon) <= URL_MAX else "",
        )
        self.entries.append(entry)
        self._last = entry


def parse(data: bytes, result: ImportResult) -> list[BookmarkEntry]:
    """The valid bookmarks in a Netscape bookmark file; invalid ones are counted in ``result``."""
    parser = _Parser(result)
    parser.feed(decode(data))
    parser.close()
    return parser.entries


def looks_like_bookmark_file(data: bytes) -> bool:
    head = decode(data[:2048]).lower()
    return "netscape-bookmark-file" in head or ("<dl" in head and "<dt" in head)
