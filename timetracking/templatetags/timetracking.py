"""Template filters for durations: ``{{ seconds|duration }}`` and ``{{ timer|elapsed:now }}``."""

from __future__ import annotations

import datetime as dt

from django import template

from timetracking.selectors import format_duration
from timetracking.timer import RunningTimer

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """``h:mm:ss`` (empty for None)."""
    return "" if seconds is None else format_duration(seconds)


@register.filter
def elapsed(timer: RunningTimer, now: dt.datetime) -> str:
    return format_duration(timer.elapsed_seconds(now))
