"""Analytics follows every app's writes: the activity roll-up, the streaks, then one bump per family.

Each receiver runs after the writer's transaction committed (the events are sent on commit):
it refreshes the roll-up days the write touched (``analytics.rollup``), counts or rebuilds the
streak it affects (``analytics.streaks``) and bumps the user's ``dashboard`` (and, for content and
learning, ``recommendations``) once. A failing receiver is logged by the sender and never undoes
the write; ``manage.py analytics_rebuild`` repairs the roll-up and the streaks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from analytics import rollup, streaks
from analytics.caches import DASHBOARD, RECOMMENDATIONS
from content.events import Change
from habits import events as habit_events
from learning import events as learning_events


def on_content_changed(sender: Any, *, user_id: int, changes: tuple[Change, ...], **kwargs: Any) -> None:
    tz = rollup.user_zone(user_id)
    rollup.apply(user_id, rollup.plan_for_content(changes, tz), tz)
    DASHBOARD.invalidate(user_id)
    RECOMMENDATIONS.invalidate(user_id)


def on_learning_changed(
    sender: Any, *, user_id: int, action: str, moments: tuple[dt.datetime, ...] = (), **kwargs: Any
) -> None:
    if moments:
        tz = rollup.user_zone(user_id)
        days = rollup.days_of(moments, tz)
        rollup.refresh(user_id, ["modules_completed"], days, tz)
        if action == learning_events.MODULE_COMPLETED:
            streaks.touch(user_id, streaks.LEARNING, max(days), tz)
        else:  # progress removed: the run may have lost a day
            streaks.rebuild(user_id, streaks.LEARNING, tz)
    DASHBOARD.invalidate(user_id)
    RECOMMENDATIONS.invalidate(user_id)


def on_habits_changed(
    sender: Any, *, user_id: int, action: str, day: dt.date | None = None, **kwargs: Any
) -> None:
    if action in (habit_events.CHECKED_IN, habit_events.UNDONE, habit_events.DELETED):
        tz = rollup.user_zone(user_id)
        days = {day} if day is not None and action != habit_events.DELETED else None
        rollup.refresh(user_id, ["habit_checkins"], days, tz)
        if action == habit_events.CHECKED_IN and day is not None:
            streaks.touch(user_id, streaks.HABITS, day, tz)
        else:
            streaks.rebuild(user_id, streaks.HABITS, tz)
    DASHBOARD.invalidate(user_id)


def on_time_changed(
    sender: Any, *, user_id: int, moments: tuple[dt.datetime, ...] = (), **kwargs: Any
) -> None:
    tz = rollup.user_zone(user_id)
    rollup.refresh(user_id, ["seconds_tracked"], rollup.days_of(moments, tz), tz)
    DASHBOARD.invalidate(user_id)
