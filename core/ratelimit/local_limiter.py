"""The in-process limiter: the same algorithms as the Lua scripts, in this process's memory.

Used for every policy when ``REDIS_RATELIMIT_ENABLED`` is off (one-process deployments), and during a
Redis outage for policies whose outage mode is ``local`` (login, password reset, costly actions): a
budget per process is looser than a shared one, but never unlimited. Keys are the Redis keys, so
the state of one identity under one policy lives under the same name in both places.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from core.ratelimit import algorithms
from core.ratelimit.base import Check, Decision, Usage
from core.ratelimit.policies import FIXED_WINDOW, SLIDING_WINDOW
from core.redis import keys

Clock = Callable[[], int]  # microseconds


def monotonic_us() -> int:
    return time.monotonic_ns() // 1000


class LocalLimiter:
    """Thread-safe; expired identities are swept whenever the table passes ``sweep_above`` entries
    (or twice the live entries left by the last sweep)."""

    def __init__(self, clock: Clock = monotonic_us, sweep_above: int = 10_000) -> None:
        self.clock = clock
        self.sweep_above = sweep_above
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Any, int]] = {}  # key -> (state, expires at in µs)
        self._sweep_at = sweep_above

    def _get(self, key: str, now: int) -> Any:
        entry = self._entries.get(key)
        if entry is None or entry[1] <= now:
            return None
        return entry[0]

    def _sweep(self, now: int) -> None:
        if len(self._entries) > self._sweep_at:
            self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
            # Mostly live entries: wait for the table to double before sweeping again.
            self._sweep_at = max(self.sweep_above, 2 * len(self._entries))

    def _hit_one(self, check: Check, now: int) -> Decision:
        policy = check.policy
        key = keys.rate_limit(policy.name, check.identity, policy.key_part)
        window_ms = policy.window_ms
        if policy.algorithm == SLIDING_WINDOW:
            log, outcome = algorithms.sliding_window(self._get(key, now) or [], now, window_ms, policy.limit)
            if outcome.allowed:
                self._entries[key] = (log, now + window_ms * 1000)
        elif policy.algorithm == FIXED_WINDOW:
            count, ttl_ms = self._count(key, now, window_ms, 1)
            outcome = algorithms.fixed_window(count, ttl_ms, policy.limit)
        else:
            tat, outcome = algorithms.token_bucket(self._get(key, now), now, window_ms, policy.limit)
            if tat is not None:
                self._entries[key] = (tat, now + outcome.reset_ms * 1000)
        return Decision(policy, *outcome)

    def _count(self, key: str, now: int, window_ms: int, amount: int) -> tuple[int, int]:
        entry = self._entries.get(key)
        if entry is None or entry[1] <= now:
            entry = (0, now + window_ms * 1000)
        count = entry[0] + amount
        self._entries[key] = (count, entry[1])
        return count, algorithms.ceil_ms(entry[1] - now)

    def hit(self, checks: Sequence[Check]) -> list[Decision]:
        """Spend one unit per check."""
        with self._lock:
            now = self.clock()
            self._sweep(now)
            return [self._hit_one(check, now) for check in checks]

    def release(self, check: Check) -> None:
        """Give back one unit of a fixed-window check (never creates a counter)."""
        key = keys.rate_limit(check.policy.name, check.identity, check.policy.key_part)
        with self._lock:
            now = self.clock()
            entry = self._entries.get(key)
            if entry is not None and entry[1] > now:
                self._entries[key] = (max(0, entry[0] - 1), entry[1])

    def peek(self, checks: Sequence[Check]) -> list[Usage]:
        """Each identity's standing, nothing spent."""
        with self._lock:
            now = self.clock()
            return [self._peek_one(check, now) for check in checks]

    def _peek_one(self, check: Check, now: int) -> Usage:
        policy = check.policy
        key = keys.rate_limit(policy.name, check.identity, policy.key_part)
        state = self._get(key, now)
        if policy.algorithm == SLIDING_WINDOW:
            peek = algorithms.peek_sliding_window(state or [], now, policy.window_ms, policy.limit)
        elif policy.algorithm == FIXED_WINDOW:
            ttl_ms = algorithms.ceil_ms(self._entries[key][1] - now) if state is not None else 0
            peek = algorithms.peek_fixed_window(state, ttl_ms, policy.limit)
        else:
            peek = algorithms.peek_token_bucket(state, now, policy.window_ms, policy.limit)
        return Usage(policy, check.identity, *peek)

    def reset(self, checks: Sequence[Check]) -> int:
        """Forget these identities' state; returns how many existed."""
        with self._lock:
            now = self.clock()
            found = 0
            for check in checks:
                key = keys.rate_limit(check.policy.name, check.identity, check.policy.key_part)
                entry = self._entries.pop(key, None)
                found += entry is not None and entry[1] > now
            return found
