"""Today's check-in counts in the state Redis: one hash per user and local day (``keys.habit_day_counts``).

The dashboard and the habits page read a day's counts with one HGETALL instead of a query. The
database stays the truth: a hash without its ``_`` marker (never built, expired, flushed) is rebuilt
from that day's ``HabitCheckin`` rows. Each write carries the row's revision and
``lua/revision_merge.lua`` keeps the highest per habit, so concurrent check-ins (or a rebuild racing
a check-in) never leave an older count behind. The hash expires ``ttl.HABIT_DAY_GRACE`` after the
user's local day ends. Every function falls back to the database when Redis is unavailable.
"""

from __future__ import annotations

import datetime as dt
import logging

from core import timezones
from core.redis import keys, ttl
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable
from core.redis.scripts import LuaScript
from habits.models import HabitCheckin

logger = logging.getLogger(__name__)

REVISION_MERGE = LuaScript("revision_merge")
BUILT = b"_"


def _expire_at(day: dt.date, tz: dt.tzinfo) -> int:
    end = timezones.day_start(day + dt.timedelta(days=1), tz)
    return int(end.timestamp()) + ttl.HABIT_DAY_GRACE


def from_database(user_id: int, day: dt.date) -> dict[int, tuple[int, int]]:
    """``{habit id: (count, revision)}`` of the user's check-ins on ``day``."""
    rows = HabitCheckin.objects.filter(owner_id=user_id, day=day).values_list("habit_id", "count", "revision")
    return {habit_id: (count, revision) for habit_id, count, revision in rows}


def _merge(user_id: int, day: dt.date, tz: dt.tzinfo, rows: dict[int, tuple[int, int]], full: bool) -> int:
    args: list[object] = [_expire_at(day, tz), 1 if full else 0]
    for habit_id, (count, revision) in rows.items():
        args += [habit_id, count, revision]
    return int(REVISION_MERGE(get_client("state"), [keys.habit_day_counts(user_id, day.isoformat())], args))


def rebuild(user_id: int, day: dt.date, tz: dt.tzinfo) -> dict[int, int]:
    """Store the day's counts from the database in Redis; returns them."""
    rows = from_database(user_id, day)
    try:
        _merge(user_id, day, tz, rows, full=True)
    except RedisUnavailable as error:
        logger.warning("habit day counts of user %s not stored: %s", user_id, error)
    return {habit_id: count for habit_id, (count, _) in rows.items()}


def record(user_id: int, day: dt.date, tz: dt.tzinfo, habit_id: int, count: int, revision: int) -> None:
    """After a check-in committed: put its count in the day's hash (rebuilt first if missing)."""
    try:
        if not _merge(user_id, day, tz, {habit_id: (count, revision)}, full=False):
            rebuild(user_id, day, tz)
    except RedisUnavailable as error:
        logger.warning("habit day counts of user %s not updated: %s", user_id, error)


def counts(user_id: int, day: dt.date, tz: dt.tzinfo) -> dict[int, int]:
    """``{habit id: count}`` on ``day``: one HGETALL, or a rebuild when the hash is not built."""
    try:
        raw = get_client("state").hgetall(keys.habit_day_counts(user_id, day.isoformat()))
    except RedisUnavailable as error:
        logger.info("habit day counts of user %s read from the database: %s", user_id, error)
        return {habit_id: count for habit_id, (count, _) in from_database(user_id, day).items()}
    if BUILT not in raw:
        return rebuild(user_id, day, tz)
    found = {}
    for name, value in raw.items():
        if name.startswith(b"c:"):
            found[int(name[2:])] = int(value)
    return found
