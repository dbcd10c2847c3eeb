"""Token bucket as GCRA: one timestamp per identity, the time at which the bucket is full again.

A bucket of ``limit`` tokens refilling one every ``window / limit`` is the same rule as GCRA's
"theoretical arrival time" (TAT); storing the TAT instead of (tokens, last refill) needs one key and
one ``SET … PX``, and an expired key means a full bucket. Denials spend nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.ratelimit.algorithms.base import Algorithm, Entry, Outcome, Peek, ceil_ms
from core.redis.scripts import LuaScript

if TYPE_CHECKING:
    from core.ratelimit.policies import Policy

NAME = "token_bucket"


def token_interval(window_ms: int, limit: int) -> int:
    """Microseconds per token: the bucket refills ``limit`` tokens over ``window_ms``."""
    return max(1, window_ms * 1000 // limit)


class TokenBucket(Algorithm):
    name = NAME
    key_part = "tat"
    script = LuaScript("token_bucket")

    def decode(self, reply: Any) -> int | None:
        return None if reply is None else int(reply)

    def step(self, entry: Entry | None, now: int, policy: Policy) -> tuple[Entry | None, Outcome]:
        interval = token_interval(policy.window_ms, policy.limit)
        capacity = interval * policy.limit
        tat = now if entry is None or entry.state < now else entry.state
        new_tat = tat + interval
        allow_at = new_tat - capacity
        if now < allow_at:
            return None, Outcome(False, 0, ceil_ms(tat - now), ceil_ms(allow_at - now))
        full_in_ms = ceil_ms(new_tat - now)
        remaining = (now + capacity - new_tat) // interval
        return Entry(new_tat, now + full_in_ms * 1000), Outcome(True, remaining, full_in_ms, 0)

    def peek(self, entry: Entry | None, now: int, policy: Policy) -> Peek:
        if entry is None or entry.state <= now:
            return Peek(0, policy.limit, 0)
        interval = token_interval(policy.window_ms, policy.limit)
        remaining = max(0, (now + interval * policy.limit - entry.state) // interval)
        return Peek(policy.limit - remaining, remaining, ceil_ms(entry.state - now))
