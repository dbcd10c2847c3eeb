"""The running timer in the state Redis: one hash per user (``keys.running_timer``).

Every page that shows the timer reads it with one HGETALL instead of a query. The hash is written
after the database committed (start, stop, edit) and is only a copy: it survives app restarts
(it lives in Redis, not in a process), and when it is missing (never built, expired, flushed) the
next read rebuilds it from the entry without ``ended_at``. A built hash carries the ``_`` marker;
an idle user's hash holds only the marker. Writes replace the hash in one MULTI. When Redis is
unavailable reads go to the database and writes are skipped (the next read after the outage may
show the old state until the hash expires or is rewritten; stop/start rewrite it).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from core.redis import keys, ttl
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable
from timetracking.models import TimeEntry

logger = logging.getLogger(__name__)

BUILT = "_"


@dataclass(frozen=True)
class RunningTimer:
    """What a page needs to show a running timer."""

    entry_id: int
    started_at: dt.datetime
    task_id: int | None
    label: str

    def elapsed_seconds(self, now: dt.datetime) -> int:
        return max(0, int((now - self.started_at).total_seconds()))


def _from_entry(entry: TimeEntry | None) -> RunningTimer | None:
    if entry is None:
        return None
    return RunningTimer(entry.pk, entry.started_at, entry.task_id, entry.label)


def from_database(user_id: int) -> RunningTimer | None:
    entry = TimeEntry.objects.select_related("task").filter(owner_id=user_id, ended_at__isnull=True).first()
    return _from_entry(entry)


def store(user_id: int, timer: RunningTimer | None) -> None:
    """Replace the user's hash with ``timer`` (None: idle)."""
    mapping: dict[str, str | int] = {BUILT: 1}
    if timer is not None:
        mapping.update(
            entry=timer.entry_id,
            started=timer.started_at.astimezone(dt.UTC).isoformat(),
            task=timer.task_id or "",
            label=timer.label,
        )
    key = keys.running_timer(user_id)
    try:
        pipe = get_client("state").pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, mapping=mapping)
        pipe.expire(key, ttl.RUNNING_TIMER)
        pipe.execute()
    except RedisUnavailable as error:
        logger.warning("running timer of user %s not stored: %s", user_id, error)


def rebuild(user_id: int) -> RunningTimer | None:
    timer = from_database(user_id)
    store(user_id, timer)
    return timer


def decode(raw: dict[bytes, bytes]) -> RunningTimer | None:
    if b"entry" not in raw:
        return None
    task = raw.get(b"task", b"")
    return RunningTimer(
        entry_id=int(raw[b"entry"]),
        started_at=dt.datetime.fromisoformat(raw[b"started"].decode()),
        task_id=int(task) if task else None,
        label=raw.get(b"label", b"").decode(),
    )


def running(user_id: int) -> RunningTimer | None:
    """The user's running timer: one HGETALL, a rebuild when the hash is missing, the database
    when Redis is unavailable."""
    try:
        raw = get_client("state").hgetall(keys.running_timer(user_id))
    except RedisUnavailable as error:
        logger.info("running timer of user %s read from the database: %s", user_id, error)
        return from_database(user_id)
    if BUILT.encode() not in raw:
        return rebuild(user_id)
    return decode(raw)
