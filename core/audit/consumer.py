"""Move the audit stream into the database with a consumer group.

One ``drain`` run, as consumer ``name``:

1. XAUTOCLAIM the group's entries pending longer than ``claim_idle_ms`` (read by a worker that died
   before acknowledging them) and store them;
2. XREADGROUP new entries (``>``) in batches of ``batch`` and store them;
3. after each batch's rows are committed, XACK its ids.

Storing is idempotent: ``AuditEntry.stream_id`` is unique and rows go in with ``ignore_conflicts``, so a
batch stored by a worker that died before its XACK, then claimed and stored again, lands once. The
group starts at the stream's first entry (``0``), so entries added while no worker ran are all read.
"""

from __future__ import annotations

import os
import socket
from typing import Any

import redis
from django.db import transaction

from core.audit.entries import entry_from_fields, text
from core.models import AuditEntry
from core.redis import keys
from core.redis.client import get_client

BATCH_SIZE = 200
CLAIM_IDLE_MS = 60_000  # a pending entry untouched this long belongs to a dead consumer
MAX_BATCHES_PER_RUN = 50  # one job run moves at most this many batches; the next run continues


def consumer_name() -> str:
    """This process's name in the group (host and pid: a restarted worker is a new consumer)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def ensure_group(client: redis.Redis) -> None:
    try:
        client.xgroup_create(keys.audit_stream(), keys.AUDIT_GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def store(entries: list[tuple[Any, Any]]) -> list[str]:
    """Insert the rows of ``entries`` (stream id, fields), skipping ids already stored; their ids."""
    ids = [text(stream_id) for stream_id, fields in entries if fields is not None]
    rows = [entry_from_fields(text(i), f) for i, f in entries if f is not None]
    with transaction.atomic():
        AuditEntry.objects.bulk_create(rows, ignore_conflicts=True)
    return ids


def read_new(client: redis.Redis, name: str, batch: int = BATCH_SIZE) -> list[tuple[Any, Any]]:
    """The next ``batch`` unread entries, now pending for consumer ``name``."""
    reply: Any = client.xreadgroup(keys.AUDIT_GROUP, name, {keys.audit_stream(): ">"}, count=batch)
    return list(reply[0][1]) if reply else []


def _acknowledge(client: redis.Redis, ids: list[str]) -> None:
    if ids:
        client.xack(keys.audit_stream(), keys.AUDIT_GROUP, *ids)


def _claim_stale(client: redis.Redis, name: str, claim_idle_ms: int, batch: int) -> int:
    moved, cursor = 0, "0-0"
    while True:
        reply = client.xautoclaim(
            keys.audit_stream(), keys.AUDIT_GROUP, name, claim_idle_ms, start_id=cursor, count=batch
        )
        cursor, claimed, deleted = reply[0], reply[1], reply[2] if len(reply) > 2 else []
        # Entries trimmed away while pending cannot be stored any more; acknowledge them as gone.
        _acknowledge(client, [text(i) for i in deleted])
        _acknowledge(client, store(claimed))
        moved += len(claimed)
        if text(cursor) == "0-0":
            return moved


def drain(name: str | None = None, *, claim_idle_ms: int = CLAIM_IDLE_MS, batch: int = BATCH_SIZE) -> int:
    """Store and acknowledge stale pending entries, then new ones; how many entries were stored."""
    client = get_client("state")
    ensure_group(client)
    name = name or consumer_name()
    moved = _claim_stale(client, name, claim_idle_ms, batch)
    for _ in range(MAX_BATCHES_PER_RUN):
        entries = read_new(client, name, batch)
        if not entries:
            break
        _acknowledge(client, store(entries))
        moved += len(entries)
    return moved
