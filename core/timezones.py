"""A user's local day: the zone named in their profile, their date now, and a day's bounds.

Streaks, habit counters and the activity roll-up count days as the user lives them, not in UTC.
An unknown or empty zone name (an old row, a removed zone) falls back to UTC instead of failing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.utils import timezone

UTC = dt.UTC


@lru_cache(maxsize=512)
def zone(name: str | None) -> dt.tzinfo:
    """The zone called ``name``, or UTC when it is empty or unknown."""
    if not name:
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def local_date(tz: dt.tzinfo, now: dt.datetime | None = None) -> dt.date:
    """The date in ``tz`` at ``now`` (default: the current time)."""
    return (now or timezone.now()).astimezone(tz).date()


def day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The instant ``day`` begins in ``tz`` (aware)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def day_bounds(first: dt.date, last: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """``[start of first, start of the day after last)`` in ``tz``, for range queries."""
    return day_start(first, tz), day_start(last + dt.timedelta(days=1), tz)
