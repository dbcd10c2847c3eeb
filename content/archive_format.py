"""The Trackeep archive: a ZIP file holding ``trackeep.json`` and one ``files/<uid>`` per stored file.

``trackeep.json`` is ``{"format": "trackeep-archive", "version": 1, "exported_at", "tags",
"bookmarks", "projects", "tasks", "notes", "files"}``; each item carries its ``uid``, its fields, its
tag names and its timestamps (ISO 8601 with offset); tasks and notes name their parent by uid (tasks
their project too); files carry their
size, SHA-256 and share links. Derived values (rendered note HTML, detected file types) are not
stored: they are computed again on import. docs/content.md documents every field.
"""

from __future__ import annotations

import datetime as dt

FORMAT = "trackeep-archive"
VERSION = 1
MANIFEST = "trackeep.json"


def blob_member(uid: str) -> str:
    """Path of a stored file's bytes inside the archive."""
    return f"files/{uid}"


def dump_time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def load_time(value: object) -> dt.datetime | None:
    """An aware datetime from an archive value; ValueError if it is not one."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed
