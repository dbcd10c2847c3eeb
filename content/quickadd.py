"""Quick add: one line of text to a task, the way Todoist and Vikunja read it.

``Buy milk tomorrow 5pm #shopping !high +Errands every week`` gives the title "Buy milk", the
tags ``shopping``, priority high, the project "Errands", weekly recurrence, and a due date with a
reminder at 17:00 in the user's time zone. The words are:

- ``#name`` a tag (``#Dev/Python`` works), ``+Name`` a project, ``!low`` ``!medium`` ``!high``
  ``!urgent`` (or ``!4`` to ``!1``) the priority;
- ``every day|weekday|week|month|year`` (or ``daily``, ``weekly``...) the recurrence;
- a date phrase anywhere (dateparser, English): "tomorrow", "friday", "next monday at 9:30",
  "in 3 days", "dec 5". With a time of day it also sets the reminder. A bare number ("Read 1984")
  and dates in the past are left in the title.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dateparser.search import search_dates

PRIORITIES = {"low": "low", "medium": "medium", "high": "high", "urgent": "urgent",
              "4": "low", "3": "medium", "2": "high", "1": "urgent"}  # fmt: skip
RECURRENCES = {
    "day": "daily", "weekday": "weekdays", "week": "weekly", "month": "monthly", "year": "yearly",
    "daily": "daily", "weekdays": "weekdays", "weekly": "weekly", "monthly": "monthly", "yearly": "yearly",
}  # fmt: skip
_TAG = re.compile(r"(?<!\S)#([^\s#,]+)")
_PROJECT = re.compile(r"(?<!\S)\+(\S+)")
_PRIORITY = re.compile(r"(?<!\S)!(low|medium|high|urgent|[1-4])(?!\S)", re.IGNORECASE)
_REPEAT = re.compile(
    r"(?<!\S)(?:every\s+(day|weekday|week|month|year)|(daily|weekdays|weekly|monthly|yearly))(?!\S)",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(r"\d\s*(?:am|pm)\b|\d:\d\d|\bnoon\b|\bmidnight\b", re.IGNORECASE)
MAX_LENGTH = 500


@dataclass
class QuickTask:
    title: str
    tags: list[str] = field(default_factory=list)
    priority: str = ""
    project: str = ""
    recurrence: str = ""
    due_date: dt.date | None = None
    remind_at: dt.datetime | None = None


def _take(pattern: re.Pattern[str], text: str) -> tuple[list[re.Match[str]], str]:
    """The matches of ``pattern`` and the text without them."""
    return list(pattern.finditer(text)), pattern.sub(" ", text)


def _when(text: str, now: dt.datetime) -> tuple[str, dt.date | None, dt.datetime | None]:
    """The first future date phrase in ``text``: (the text without it, the day, the moment if a
    time of day was given)."""
    base = now.replace(tzinfo=None)
    found = search_dates(
        text,
        languages=["en"],
        settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base, "RETURN_AS_TIMEZONE_AWARE": False},
    )
    for phrase, moment in found or []:
        if not re.search(r"[A-Za-z:]", phrase) or moment.date() < base.date():
            continue  # a bare number ("Read 1984") or a day already past stays in the title
        remind = moment.replace(tzinfo=now.tzinfo) if _TIME_OF_DAY.search(phrase) else None
        return text.replace(phrase, " ", 1), moment.date(), remind
    return text, None, None


def parse(text: str, now: dt.datetime) -> QuickTask:
    """Read one quick-add line; ``now`` is aware, in the user's time zone."""
    rest = " ".join(text[:MAX_LENGTH].split())
    tags, rest = _take(_TAG, rest)
    projects, rest = _take(_PROJECT, rest)
    priorities, rest = _take(_PRIORITY, rest)
    repeats, rest = _take(_REPEAT, rest)
    rest, due, remind = _when(rest, now) if rest.strip() else (rest, None, None)
    repeat = repeats[-1] if repeats else None
    return QuickTask(
        title=" ".join(rest.split()),
        tags=[match.group(1) for match in tags],
        priority=PRIORITIES[priorities[-1].group(1).lower()] if priorities else "",
        project=projects[-1].group(1) if projects else "",
        recurrence=RECURRENCES[(repeat.group(1) or repeat.group(2)).lower()] if repeat else "",
        due_date=due,
        remind_at=remind,
    )
