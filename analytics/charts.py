"""The dashboard's charts, drawn from its cached figures (``core.svg``: SVG plus a table each)."""

from __future__ import annotations

from typing import Any

from core import svg

ACTIVITY_SERIES = (
    ("items_created", "items created"),
    ("tasks_completed", "tasks completed"),
    ("modules_completed", "modules completed"),
    ("habit_checkins", "habit check-ins"),
)
STATUS_LABELS = {
    "pending": "Pending",
    "in_progress": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
}


def build(data: dict[str, Any]) -> dict[str, svg.Chart]:
    activity = data["activity"]
    days = activity["days"]
    return {
        "activity": svg.stacked_bars(
            days,
            [(label, activity["series"][column]) for column, label in ACTIVITY_SERIES],
            title=f"Activity per day, last {data['range']} days",
        ),
        "time": svg.stacked_bars(
            days,
            [("tracked", svg.as_minutes(activity["series"]["seconds_tracked"]))],
            title="Time tracked per day",
            fmt=svg.minutes,
        ),
        "status": svg.horizontal_bars(
            [(STATUS_LABELS.get(status, status), n) for status, n in data["tasks"]["by_status"].items()],
            title="Tasks by status",
        ),
        "tags": svg.horizontal_bars([(name, n) for name, n in data["popular_tags"]], title="Most used tags"),
        "time_per_task": svg.horizontal_bars(
            [(name, seconds / 60) for name, seconds in data["time_per_task"]],
            title="Time per task",
            fmt=svg.minutes,
        ),
    }
