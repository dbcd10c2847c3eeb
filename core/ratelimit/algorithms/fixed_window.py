"""Fixed window: a counter that starts with the first hit and expires one window later.

Redis: ``fixed_window.lua`` counts with INCRBY and sets the expiry in the same script (a PTTL guard
repairs a counter that lost it); the counter's expiry is the window, so the script needs no clock.
Every hit counts, denied or not. ``counter_release.lua`` gives a unit back without creating a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.ratelimit.algorithms.base import Entry, Outcome, Peek, Releasable, ceil_ms
from core.redis.scripts import LuaScript

if TYPE_CHECKING:
    from core.ratelimit.policies import Policy

NAME = "fixed_window"


def judge(count: int, ttl_ms: int, limit: int) -> Outcome:
    """The outcome of a hit that brought the counter to ``count``, ``ttl_ms`` before it expires."""
    allowed = count <= limit
    return Outcome(allowed, max(0, limit - count), ttl_ms, 0 if allowed else ttl_ms)


class FixedWindow(Releasable):
    name = NAME
    key_part = "count"
    script = LuaScript("fixed_window")
    release_script = LuaScript("counter_release")

    def script_args(self, policy: Policy, now: str) -> list[Any]:
        return [policy.window_ms, 1]

    def outcome(self, reply: Any, policy: Policy) -> Outcome:
        count, ttl_ms = reply
        return judge(count, ttl_ms, policy.limit)

    def decode(self, reply: Any) -> int | None:
        return None if reply is None else int(reply)

    def step(self, entry: Entry | None, now: int, policy: Policy) -> tuple[Entry, Outcome]:
        if entry is None:
            entry = Entry(0, now + policy.window_ms * 1000)
        counted = Entry(entry.state + 1, entry.expires_at)
        return counted, judge(counted.state, ceil_ms(entry.expires_at - now), policy.limit)

    def peek(self, entry: Entry | None, now: int, policy: Policy) -> Peek:
        used = 0 if entry is None else entry.state
        reset = max(0, ceil_ms(entry.expires_at - now)) if entry is not None and used else 0
        return Peek(used, max(0, policy.limit - used), reset)

    def give_back(self, entry: Entry) -> Entry:
        return Entry(max(0, entry.state - 1), entry.expires_at)
