"""Helpers the readers of other apps' exports share: decoding, CSV and JSON loading, dates, and the
validation every imported bookmark passes (the same address rules as the browser-file import).

A file that is not the export it claims to be raises ``ExportError`` with a sentence for the page;
a single unusable item is counted as invalid in the ``ImportResult`` with its reason, and the rest
goes on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from content import metadata, tagnames
from content.forms import DESCRIPTION_MAX
from content.importers.entries import BookmarkEntry
from content.importers.netscape import decode
from content.importers.result import ImportResult
from content.models import TITLE_MAX, URL_MAX

_validate_url = URLValidator(schemes=["http", "https", "ftp", "ftps"])
EARLIEST = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)


class ExportError(ValueError):
    """The file is not the export it was said to be (the message is shown on the import page)."""


def load_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(decode(data))
    except (ValueError, RecursionError) as error:
        raise ExportError(f"This is not {what}: it is not a JSON document.") from error


def read_csv(data: bytes, required: Iterable[str], what: str) -> list[dict[str, str]]:
    """The rows of a CSV export as dicts keyed by lowercased column name."""
    text = decode(data)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = {(name or "").strip().lower() for name in reader.fieldnames or ()}
        missing = sorted(set(required) - columns)
        if missing:
            raise ExportError(f"This is not {what}: it has no {', '.join(missing)} column.")
        return [
            {
                (name or "").strip().lower(): (value or "")
                for name, value in row.items()
                if isinstance(value, str)
            }
            for row in reader
        ]
    except csv.Error as error:
        raise ExportError(f"This is not {what}: the CSV cannot be read ({error}).") from error


def moment(value: Any) -> dt.datetime | None:
    """A time from an export: Unix seconds or milliseconds (number or digits), or ISO 8601 text
    (``2023-05-01T10:20:30.123Z``, ``2016-09-08T11:55:58+0200``). None when missing or absurd."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
            number = float(value)
            while number > 100_000_000_000:  # milliseconds (or finer)
                number /= 1000
            parsed = dt.datetime.fromtimestamp(number, tz=dt.UTC)
        elif isinstance(value, str) and value.strip():
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        else:
            return None
        parsed = parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if EARLIEST <= parsed <= LATEST else None


def truthy(value: Any) -> bool:
    """Export flags: ``true``/``1``/``yes`` in text, or real booleans and numbers."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value) if isinstance(value, bool | int) else False


def text(value: Any, limit: int) -> str:
    """A string field of an export, NUL-free and cut to ``limit`` characters."""
    return str(value).replace("\x00", "").strip()[:limit] if isinstance(value, str | int | float) else ""


def bookmark(
    result: ImportResult,
    *,
    url: Any,
    title: Any = "",
    description: Any = "",
    tags: Iterable[Any] = (),
    created_at: dt.datetime | None = None,
    updated_at: dt.datetime | None = None,
    is_read: bool = False,
    is_favorite: bool = False,
) -> BookmarkEntry | None:
    """A validated entry, or None after counting the item as invalid with the reason."""
    address = text(url, URL_MAX + 1)
    label = text(title, 80) or address[:80] or "(untitled)"
    if not address:
        result.reject("bookmark", f"“{label}” has no address.")
        return None
    try:
        if len(address) > URL_MAX:
            raise ValidationError("too long")
        _validate_url(address)
    except ValidationError:
        result.reject("bookmark", f"“{label}”: {address[:80]} is not a web address.")
        return None
    names = tagnames.unique(text(name, 500) for name in tags)[: tagnames.MAX_TAGS_PER_ITEM]
    return BookmarkEntry(
        url=address,
        title=text(title, TITLE_MAX) or metadata.title_from_url(address),
        description=text(description, DESCRIPTION_MAX),
        tags=names,
        created_at=created_at,
        updated_at=updated_at,
        is_read=is_read,
        is_favorite=is_favorite,
    )
