"""The three algorithms as pure functions over one identity's state, times in microseconds.

They mirror ``core/redis/lua/{sliding_window,fixed_window,token_bucket}.lua`` step for step (the
contract tests run both against the same clock), so the in-process limiter behaves like Redis. The
Redis side also reads its state here for ``peek`` (operators' view, nothing spent).
"""

from __future__ import annotations

import bisect
from typing import NamedTuple


class Outcome(NamedTuple):
    allowed: bool
    remaining: int
    reset_ms: int
    retry_after_ms: int


class Peek(NamedTuple):
    used: int
    remaining: int
    reset_ms: int


def ceil_ms(microseconds: int) -> int:
    return -(-microseconds // 1000)


def token_interval(window_ms: int, limit: int) -> int:
    """Microseconds per token: the bucket refills ``limit`` tokens over ``window_ms``."""
    return max(1, window_ms * 1000 // limit)


# --- sliding-window log: the admitted requests' times, oldest first ---------------------------------


def sliding_window(log: list[int], now: int, window_ms: int, limit: int) -> tuple[list[int], Outcome]:
    window_us = window_ms * 1000
    log = log[bisect.bisect_right(log, now - window_us) :]
    allowed = len(log) < limit
    if allowed:
        bisect.insort(log, now)
    reset = ceil_ms(log[-1] + window_us - now) if log else 0
    retry = 0 if allowed else ceil_ms(log[0] + window_us - now)
    return log, Outcome(allowed, limit - len(log), reset, retry)


def peek_sliding_window(log: list[int], now: int, window_ms: int, limit: int) -> Peek:
    window_us = window_ms * 1000
    live = [t for t in log if t > now - window_us]
    reset = ceil_ms(max(live) + window_us - now) if live else 0
    return Peek(len(live), max(0, limit - len(live)), reset)


# --- fixed window: a counter that starts with the first hit and expires after the window -----------


def fixed_window(count: int, ttl_ms: int, limit: int) -> Outcome:
    """Judge a counter value returned by ``fixed_window.lua`` (or the local counter)."""
    allowed = count <= limit
    return Outcome(allowed, max(0, limit - count), ttl_ms, 0 if allowed else ttl_ms)


def peek_fixed_window(count: int | None, ttl_ms: int, limit: int) -> Peek:
    used = count or 0
    return Peek(used, max(0, limit - used), max(ttl_ms, 0) if used else 0)


# --- token bucket (GCRA): the time at which the bucket is full again --------------------------------


def token_bucket(tat: int | None, now: int, window_ms: int, limit: int) -> tuple[int | None, Outcome]:
    """Returns the new TAT (None: unchanged, as on a denial) and the outcome."""
    interval = token_interval(window_ms, limit)
    capacity = interval * limit
    tat = now if tat is None or tat < now else tat
    new_tat = tat + interval
    allow_at = new_tat - capacity
    if now < allow_at:
        return None, Outcome(False, 0, ceil_ms(tat - now), ceil_ms(allow_at - now))
    return new_tat, Outcome(True, (now + capacity - new_tat) // interval, ceil_ms(new_tat - now), 0)


def peek_token_bucket(tat: int | None, now: int, window_ms: int, limit: int) -> Peek:
    if tat is None or tat <= now:
        return Peek(0, limit, 0)
    interval = token_interval(window_ms, limit)
    remaining = max(0, (now + interval * limit - tat) // interval)
    return Peek(limit - remaining, remaining, ceil_ms(tat - now))
