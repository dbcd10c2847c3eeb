"""Sliding-window counter: the sliding log's rule approximated with two counters, in constant memory.

Cloudflare's approximation: keep how many requests were admitted in the current window and in the
one before, and take the previous window's as evenly spread over it, so they count with the share of
that window still inside the sliding one::

    used = previous * (window - elapsed) / window + current

A request is admitted while ``used + 1 <= limit``. The state is 12 bytes in one Redis string (about
100 bytes per identity with its key, whatever the limit, against 2.6 kB for a sliding log of 100),
which is why the ``general`` policy uses it. Windows start with an idle identity's first request, so
a burst from idle gets exactly ``limit`` requests, as with the log. The price: when the previous
window's requests were not evenly spread, a client is admitted early (they came late in it) or late
(they came early in it). ``used`` never exceeds ``limit`` and falls by at most ``limit`` per window,
so no span ``d`` ever admits more than ``limit * (1 + d / window)`` (the bound of a token bucket of
the same size), and over time no more than ``limit`` per window (``docs/ratelimiting.md``).

Times are whole milliseconds here (the Lua script computes in doubles, exact below 2^53).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from core.ratelimit.algorithms.base import Algorithm, Entry, Outcome, Peek
from core.redis.scripts import LuaScript

if TYPE_CHECKING:
    from core.ratelimit.policies import Policy

NAME = "sliding_window_counter"
MAX_LIMIT = 2**24 - 1  # counters are stored in 3 bytes
MAX_LIMIT_TIMES_WINDOW_MS = 2**48  # keeps the script's arithmetic on doubles exact


class Windows(NamedTuple):
    """The current window's start (ms) and the requests admitted in it and in the one before."""

    start: int
    current: int
    previous: int


def _roll(windows: Windows | None, now: int, window: int) -> Windows:
    """The counters as seen at ``now``: a new window makes the current one the previous one."""
    if windows is None or now - windows.start >= 2 * window:
        return Windows(now, 0, 0)
    if now - windows.start >= window:
        return Windows(windows.start + window, 0, windows.current)
    return windows


def _used(windows: Windows, now: int, window: int) -> int:
    """Requests counted against the budget, times ``window`` (whole numbers)."""
    elapsed = max(0, now - windows.start)
    return windows.previous * (window - elapsed) + windows.current * window


def _reset(windows: Windows, now: int, window: int) -> int:
    """Milliseconds until nothing counts any more: both counters have slid out."""
    if windows.current:
        return max(0, windows.start + 2 * window - now)
    if windows.previous:
        return max(0, windows.start + window - now)
    return 0


def _admitted_at(windows: Windows, window: int, limit: int) -> int:
    """When the next request would be admitted (ms), for counters that admit none now."""
    if windows.current < limit:  # within this window, once enough of the previous one slid out
        return windows.start - (
            -window * (windows.previous + windows.current + 1 - limit) // windows.previous
        )
    # in the next window, once enough of this one slid out
    return windows.start + window - (-window * (windows.current + 1 - limit) // windows.current)


class SlidingWindowCounter(Algorithm):
    name = NAME
    key_part = "swc"
    script = LuaScript("sliding_window_counter")

    def problems(self, limit: int, window_ms: int) -> list[str]:
        found = []
        if limit > MAX_LIMIT:
            found.append(f"a {NAME} limit must be at most {MAX_LIMIT}")
        if limit * window_ms >= MAX_LIMIT_TIMES_WINDOW_MS:
            found.append(f"a {NAME} limit times its window in ms must be below 2**48")
        return found

    def decode(self, reply: Any) -> Windows | None:
        if reply is None:
            return None
        raw = bytes(reply)
        return Windows(
            int.from_bytes(raw[:6], "big"), int.from_bytes(raw[6:9], "big"), int.from_bytes(raw[9:12], "big")
        )

    def step(self, entry: Entry | None, now: int, policy: Policy) -> tuple[Entry | None, Outcome]:
        now, window, limit = now // 1000, policy.window_ms, policy.limit
        windows = _roll(None if entry is None else entry.state, now, window)
        used = _used(windows, now, window)
        allowed = used + window <= limit * window
        stored = None
        if allowed:
            windows = windows._replace(current=windows.current + 1)
            used += window
            stored = Entry(windows, (windows.start + 2 * window) * 1000)
        retry = 0 if allowed else _admitted_at(windows, window, limit) - now
        remaining = max(0, (limit * window - used) // window)
        return stored, Outcome(allowed, remaining, _reset(windows, now, window), retry)

    def peek(self, entry: Entry | None, now: int, policy: Policy) -> Peek:
        now, window, limit = now // 1000, policy.window_ms, policy.limit
        windows = _roll(None if entry is None else entry.state, now, window)
        used = _used(windows, now, window)
        remaining = max(0, (limit * window - used) // window)
        return Peek(-(-used // window), remaining, _reset(windows, now, window))
