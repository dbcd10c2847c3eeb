"""Challenge targets fed by the learning and time-tracking apps: finish learning paths, track hours.

- **Finish learning paths**: a path counts when the participant's enrolment completes (every module
  done) inside the challenge's window. Fed by ``learning.events.learning_changed`` (a module marked
  done may complete the path); each path counts once, even if it is reopened and finished again.
- **Track hours**: the minutes of the participant's finished time entries that fall inside the
  window (an entry crossing the window's edge counts only its part inside). Fed by
  ``timetracking.events.time_changed`` (a timer stopped, an entry edited). Credits are minutes, the
  goal is in hours (``scale=60``). An entry lengthened by an edit counts its extra minutes; a
  shortened or deleted entry takes nothing away (credits never shrink, as with tasks).

Both read through the apps' public selectors; community may import them, they never import community.
"""

from __future__ import annotations

from typing import Any

from community.targets import Credits, TargetKind, Window
from learning import events as learning_events
from learning import selectors as learning_selectors
from timetracking import events as time_events
from timetracking import selectors as time_selectors

SECONDS_PER_MINUTE = 60
MINUTES_PER_HOUR = 60
MAX_HOURS = 1000


def _paths(user_id: int, window: Window, path_ids: list[int] | None) -> Credits:
    found = learning_selectors.completed_path_ids(user_id, window.start, window.end, path_ids)
    return {f"path:{pk}": 1 for pk in found}


def _finished_path(user_id: int, window: Window, event: dict[str, Any]) -> Credits:
    if event.get("action") != learning_events.MODULE_COMPLETED or not event.get("path_id"):
        return {}
    return _paths(user_id, window, [event["path_id"]])


def _minutes(user_id: int, window: Window, entry_ids: list[int] | None) -> Credits:
    seconds = time_selectors.seconds_in_window(user_id, window.start, window.end, entry_ids)
    return {f"entry:{pk}": s // SECONDS_PER_MINUTE for pk, s in seconds.items() if s >= SECONDS_PER_MINUTE}


def _tracked(user_id: int, window: Window, event: dict[str, Any]) -> Credits:
    if event.get("action") not in (time_events.STOPPED, time_events.UPDATED) or not event.get("entry_id"):
        return {}
    return _minutes(user_id, window, [event["entry_id"]])


PATHS_FINISHED = TargetKind(
    key="learning_paths_finished",
    label="Finish learning paths",
    unit="learning path",
    signal=learning_events.learning_changed,
    credits=_finished_path,
    backfill=lambda user_id, window: _paths(user_id, window, None),
    max_goal=1000,
)
HOURS_TRACKED = TargetKind(
    key="hours_tracked",
    label="Track hours",
    unit="hour",
    signal=time_events.time_changed,
    credits=_tracked,
    backfill=lambda user_id, window: _minutes(user_id, window, None),
    scale=MINUTES_PER_HOUR,
    max_goal=MAX_HOURS,
)

ACTIVITY_TARGETS = (PATHS_FINISHED, HOURS_TRACKED)
