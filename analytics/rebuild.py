"""Rebuild a user's derived analytics from the database: the roll-up, both streaks, today's habit
counts and the running timer in Redis, then bump the user's cached families.

``manage.py analytics_rebuild`` calls ``rebuild_users`` for the users it is given; a periodic job
(the job queue, once it lands) can call the same function, e.g. nightly for every user, to repair
anything a failed receiver or a lost Redis left behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from analytics import rollup, streaks
from analytics.caches import DASHBOARD, RECOMMENDATIONS
from analytics.models import COLUMNS
from core import timezones
from habits import daycounts
from timetracking import timer

PARTS = ("rollup", "streaks", "redis_state")


def rebuild_user(user_id: int, parts: Iterable[str] = PARTS) -> None:
    parts = set(parts)
    tz = rollup.user_zone(user_id)
    if "rollup" in parts:
        rollup.refresh(user_id, COLUMNS, None, tz)
    if "streaks" in parts:
        for kind in streaks.KINDS:
            streaks.rebuild(user_id, kind, tz)
    if "redis_state" in parts:
        daycounts.rebuild(user_id, timezones.local_date(tz), tz)
        timer.rebuild(user_id)
    DASHBOARD.invalidate(user_id)
    RECOMMENDATIONS.invalidate(user_id)


def rebuild_users(user_ids: Iterable[int], parts: Iterable[str] = PARTS) -> int:
    """Rebuild each user in turn; returns how many were rebuilt."""
    parts = tuple(parts)
    count = 0
    for user_id in user_ids:
        rebuild_user(user_id, parts)
        count += 1
    return count
