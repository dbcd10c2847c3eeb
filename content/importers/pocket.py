"""Reading Pocket's export: CSV files (``part_000000.csv``, …) with the columns ``title, url,
time_added, tags, status`` (newer exports add ``cursor``), as sent by Pocket in a ZIP, or one CSV.

``time_added`` is Unix seconds, ``tags`` are separated by ``|``, ``status`` is ``unread`` or
``archive`` (archived items become read bookmarks). Pocket has no folders and no favourites in this
export. Columns are found by name, so both header generations read the same.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings

from content.importers import common
from content.importers.archive import EXPANSION_FACTOR
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult

WHAT = "a Pocket export (CSV, or the ZIP of CSV parts Pocket sends)"


def _parts(data: bytes) -> list[bytes]:
    """The CSV files of a Pocket ZIP (annotation files ignored), or the one CSV uploaded."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [data]
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in bundle.infolist() if m.filename.lower().endswith(".csv") and not m.is_dir()]
        if sum(m.file_size for m in members) > EXPANSION_FACTOR * settings.CONTENT_IMPORT_MAX_BYTES:
            raise common.ExportError("This ZIP expands to far more than an import may hold; refused.")
        parts = [bundle.read(member) for member in sorted(members, key=lambda m: m.filename)]
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise common.ExportError("This ZIP file is damaged or encrypted.") from error
    if not parts:
        raise common.ExportError(f"This ZIP holds no CSV file: it is not {WHAT}.")
    return parts


def parse(data: bytes, result: ImportResult) -> list[BookmarkEntry]:
    entries = []
    for part in _parts(data):
        for row in common.read_csv(part, {"url", "time_added"}, WHAT):
            entry = common.bookmark(
                result,
                url=row.get("url"),
                title=row.get("title"),
                tags=row.get("tags", "").split("|"),
                created_at=common.moment(row.get("time_added")),
                is_read=row.get("status", "").strip().lower() == "archive",
            )
            if entry is not None:
                entries.append(entry)
    return entries
