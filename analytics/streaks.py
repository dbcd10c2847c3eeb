"""Learning and habit streaks: Redis hashes (``keys.streak``) updated atomically in the user's day.

A streak hash holds ``current`` (the length of the run of consecutive active days ending at
``last_date``), ``max`` (the longest run) and ``last_date`` (the user's local date, ISO). An active
day is a day with a module completed (``learning``) or a habit checked in (``habits``), in the
user's own time zone. ``touch`` counts a day with ``lua/streak_touch.lua`` (read, compare and write
in one atomic step); ``rebuild`` recomputes the hash from the database (after a flush, an undo, or
from ``manage.py analytics_rebuild``), and both give the same hash for the same history.

Shown streaks are read as of today: a run whose last day is before yesterday is broken, so it shows
0 while ``max`` keeps the record; the next active day starts a new run at 1.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models.functions import TruncDate

from core.redis import keys, ttl
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable
from core.redis.scripts import LuaScript
from habits.models import HabitCheckin
from learning.models import ModuleProgress

logger = logging.getLogger(__name__)

LEARNING, HABITS = "learning", "habits"
KINDS = (LEARNING, HABITS)
STREAK_TOUCH = LuaScript("streak_touch")


@dataclass(frozen=True)
class Streak:
    current: int
    max: int
    last_date: dt.date | None

    def current_on(self, today: dt.date) -> int:
        """The run as of ``today``: 0 once a whole day passed without activity."""
        if self.last_date is None or self.last_date < today - dt.timedelta(days=1):
            return 0
        return self.current

    def as_mapping(self) -> dict[str, str | int]:
        return {
            "current": self.current,
            "max": self.max,
            "last_date": self.last_date.isoformat() if self.last_date else "",
        }


EMPTY = Streak(0, 0, None)


def active_days(user_id: int, kind: str, tz: dt.tzinfo) -> list[dt.date]:
    """The user's distinct active local days for ``kind``, oldest first (one query)."""
    if kind == LEARNING:
        rows = (
            ModuleProgress.objects.filter(enrollment__user_id=user_id)
            .annotate(local_day=TruncDate("completed_at", tzinfo=tz))
            .values_list("local_day", flat=True)
        )
    elif kind == HABITS:
        rows = HabitCheckin.objects.filter(owner_id=user_id, count__gt=0).values_list("day", flat=True)
    else:
        raise ValueError(f"unknown streak kind {kind!r}")
    return sorted(set(rows.order_by()))


def from_days(days: list[dt.date]) -> Streak:
    """The streak the sorted distinct ``days`` make (what counting them one by one gives)."""
    current = best = 0
    previous: dt.date | None = None
    for day in days:
        current = current + 1 if previous is not None and day - previous == dt.timedelta(days=1) else 1
        best = max(best, current)
        previous = day
    return Streak(current, best, previous)


def _decode(raw: dict[bytes, bytes]) -> Streak:
    last = raw.get(b"last_date", b"").decode()
    return Streak(
        int(raw.get(b"current", 0)), int(raw.get(b"max", 0)), dt.date.fromisoformat(last) if last else None
    )


def rebuild(user_id: int, kind: str, tz: dt.tzinfo) -> Streak:
    """Recompute the hash from the database and store it (one MULTI)."""
    streak = from_days(active_days(user_id, kind, tz))
    key = keys.streak(user_id, kind)
    try:
        pipe = get_client("state").pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, mapping=streak.as_mapping())
        pipe.expire(key, ttl.STREAK)
        pipe.execute()
    except RedisUnavailable as error:
        logger.warning("%s streak of user %s not stored: %s", kind, user_id, error)
    return streak


def touch(user_id: int, kind: str, day: dt.date, tz: dt.tzinfo) -> Streak:
    """Count ``day`` (the user's local date) as active: one EVALSHA, or a rebuild if missing."""
    yesterday = day - dt.timedelta(days=1)
    try:
        reply = STREAK_TOUCH(
            get_client("state"),
            [keys.streak(user_id, kind)],
            [day.isoformat(), yesterday.isoformat(), ttl.STREAK],
        )
    except RedisUnavailable as error:
        logger.warning("%s streak of user %s not updated: %s", kind, user_id, error)
        return from_days(active_days(user_id, kind, tz))
    if not reply:
        return rebuild(user_id, kind, tz)
    current, best, last = reply
    return Streak(
        int(current), int(best), dt.date.fromisoformat(last.decode() if isinstance(last, bytes) else last)
    )


def read(user_id: int, tz: dt.tzinfo) -> dict[str, Streak]:
    """Both streaks of the user: one pipelined round trip; a missing hash is rebuilt."""
    try:
        pipe = get_client("state").pipeline(transaction=False)
        for kind in KINDS:
            pipe.hgetall(keys.streak(user_id, kind))
        replies = pipe.execute()
    except RedisUnavailable as error:
        logger.info("streaks of user %s computed from the database: %s", user_id, error)
        return {kind: from_days(active_days(user_id, kind, tz)) for kind in KINDS}
    return {
        kind: _decode(raw) if raw else rebuild(user_id, kind, tz)
        for kind, raw in zip(KINDS, replies, strict=True)
    }


def raw_hashes(user_id: int) -> dict[str, dict[bytes, bytes]]:
    """The stored hashes as they are (operators and tests compare them before and after a rebuild)."""
    pipe = get_client("state").pipeline(transaction=False)
    for kind in KINDS:
        pipe.hgetall(keys.streak(user_id, kind))
    return dict(zip(KINDS, pipe.execute(), strict=True))
