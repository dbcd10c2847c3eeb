"""The registry of challenge targets: what counts toward "complete 20 tasks" and how it is fed.

A ``TargetKind`` names a signal that announces activity (sent with ``user_id=``) and a ``credits``
function that turns one such event into credits: ``{key: amount}`` for the things that count, within
a challenge's window (``task:42`` -> 1). A thing's key is credited once per participant, so a task
completed, reopened and completed again counts once. ``backfill`` credits what the user already did
in the window when they join late. Registering a kind connects its signal to
``community.services.record_activity`` (once per signal).

Built in: ``community.content_targets`` (tasks completed, bookmarks created, notes created, fed by
``content.events.content_changed``) and ``community.activity_targets`` (learning paths finished,
fed by ``learning.events.learning_changed``; hours tracked, fed by
``timetracking.events.time_changed``, credits in minutes with ``scale=60``).

Extension point, for targets fed by other apps: declare a ``TargetKind`` with that app's signal and
register it in ``CommunityConfig.ready()``. ``scale`` is how many credit units make one goal unit
(minutes per hour). ``tests/community/test_leaderboard.py`` runs a stand-in kind end to end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal


@dataclass(frozen=True)
class Window:
    """A challenge's time window, ``[start, end)``."""

    start: dt.datetime
    end: dt.datetime


Credits = dict[str, int]


@dataclass(frozen=True)
class TargetKind:
    key: str  # stored on Challenge.target; [a-z_]+
    label: str  # "Complete tasks"
    unit: str  # singular: "task", "hour"
    signal: Signal  # sent with user_id=...
    credits: Callable[[int, Window, dict[str, Any]], Credits]  # user id, window, event kwargs
    backfill: Callable[[int, Window], Credits] | None = None  # user id, window
    scale: int = 1  # credit units per goal unit
    max_goal: int = 10_000

    def units(self, count: int) -> str:
        return f"{count} {self.unit}{'' if count == 1 else 's'}"

    def describe(self, goal: int) -> str:
        """``Complete tasks`` with 20 -> ``Complete tasks: 20 tasks``."""
        return f"{self.label}: {self.units(goal)}"

    def display(self, progress: int) -> str:
        """Credit units as goal units (``90`` minutes -> ``1.5``)."""
        if self.scale == 1:
            return str(progress)
        return f"{progress / self.scale:.1f}".rstrip("0").rstrip(".")


class UnknownTarget(LookupError):
    """No target kind with this key is registered in this deployment."""


_targets: dict[str, TargetKind] = {}


def _on_activity(sender: Any, signal: Signal, user_id: int, **event: Any) -> None:
    from community import services  # services import this module

    services.record_activity(user_id, signal, event)


def register(kind: TargetKind) -> TargetKind:
    existing = _targets.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"target kind {kind.key!r} is already registered differently")
    _targets[kind.key] = kind
    kind.signal.connect(_on_activity, dispatch_uid=f"community.activity.{id(kind.signal)}", weak=False)
    return kind


def unregister(key: str) -> None:
    kind = _targets.pop(key, None)
    if kind is not None and not any(other.signal is kind.signal for other in _targets.values()):
        kind.signal.disconnect(dispatch_uid=f"community.activity.{id(kind.signal)}")


def get(key: str) -> TargetKind:
    try:
        return _targets[key]
    except KeyError:
        raise UnknownTarget(key) from None


def all_targets() -> list[TargetKind]:
    return list(_targets.values())


def fed_by(signal: Signal) -> list[TargetKind]:
    return [kind for kind in _targets.values() if kind.signal is signal]
