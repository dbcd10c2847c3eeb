"""Repeating tasks: the next due date of a rule (``Task.Recurrence``).

Completing a repeating task does not close it: its due date moves to the rule's next date after
today (an overdue daily task completed late comes back tomorrow, not on a day already past), and
its reminder moves by as many days. Months and years keep the day of the month where it exists
(31 January → 28 February), with ``dateutil.relativedelta``.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

FRIDAY, SATURDAY = 4, 5
MAX_STEPS = 100_000  # a due date centuries in the past still ends


def _step(rule: str, day: dt.date, anchor: dt.date, count: int) -> dt.date:
    if rule == "daily":
        return day + dt.timedelta(days=1)
    if rule == "weekdays":
        return day + dt.timedelta(
            days=3 if day.weekday() == FRIDAY else 2 if day.weekday() == SATURDAY else 1
        )
    if rule == "weekly":
        return day + dt.timedelta(weeks=1)
    if rule == "monthly":
        return anchor + relativedelta(months=count)
    if rule == "yearly":
        return anchor + relativedelta(years=count)
    raise ValueError(f"unknown recurrence {rule!r}")


def next_due(rule: str, due: dt.date | None, today: dt.date) -> dt.date:
    """The first date of ``rule`` after ``due`` that is also after ``today`` (from today when the
    task had no due date)."""
    anchor = due or today
    day = anchor
    for count in range(1, MAX_STEPS):
        day = _step(rule, day, anchor, count)
        if day > today:
            return day
    return today + dt.timedelta(days=1)
