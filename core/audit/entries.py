"""Turn a stream entry's fields into an ``AuditEntry`` row (the stream's schema in one place)."""

from __future__ import annotations

import datetime as dt

from core.models import AuditEntry


def text(value: bytes | str) -> str:
    """A reply item as text (the state client answers bytes)."""
    return value.decode() if isinstance(value, bytes) else value


def entry_from_fields(stream_id: str | None, raw: dict[bytes, bytes] | dict[str, str]) -> AuditEntry:
    """The unsaved row for one entry (``stream_id`` None: written straight to the database)."""
    fields = {text(k): text(v) for k, v in raw.items()}
    return AuditEntry(
        stream_id=stream_id,
        at=dt.datetime.fromisoformat(fields["at"]),
        action=fields["action"],
        actor_id=int(fields["actor_id"]) if fields.get("actor_id") else None,
        actor=fields.get("actor", ""),
        ip=fields.get("ip", ""),
        target=fields.get("target", ""),
        detail=fields.get("detail", ""),
    )
