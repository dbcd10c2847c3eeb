"""The in-process limiter: the same algorithms as the Lua scripts, in this process's memory.

Used for every policy when ``REDIS_RATELIMIT_ENABLED`` is off (one-process deployments), and during a
Redis outage for policies whose outage mode is ``local`` (login, password reset, costly actions): a
budget per process is looser than a shared one, but never unlimited. Keys are the Redis keys, so
the state of one identity under one policy lives under the same name in both places. Each policy's
algorithm (``core.ratelimit.algorithms``) computes the step; this module keeps the entries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from core.ratelimit import algorithms
from core.ratelimit.algorithms.base import Entry
from core.ratelimit.base import Check, Decision, Usage

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
        self._entries: dict[str, Entry] = {}
        self._sweep_at = sweep_above

    def _live(self, name: str, now: int) -> Entry | None:
        entry = self._entries.get(name)
        return None if entry is None or entry.expires_at <= now else entry

    def _sweep(self, now: int) -> None:
        if len(self._entries) > self._sweep_at:
            self._entries = {k: v for k, v in self._entries.items() if v.expires_at > now}
            # Mostly live entries: wait for the table to double before sweeping again.
            self._sweep_at = max(self.sweep_above, 2 * len(self._entries))

    def _hit_one(self, check: Check, now: int) -> Decision:
        name = check.key
        entry, outcome = check.policy.engine.step(self._live(name, now), now, check.policy)
        if entry is not None:
            self._entries[name] = entry
        return Decision(check.policy, *outcome)

    def hit(self, checks: Sequence[Check]) -> list[Decision]:
        """Spend one unit per check."""
        with self._lock:
            now = self.clock()
            self._sweep(now)
            return [self._hit_one(check, now) for check in checks]

    def release(self, check: Check) -> None:
        """Give back one unit (algorithms that allow it); never creates an entry."""
        engine = algorithms.releasable(check.policy)
        name = check.key
        with self._lock:
            entry = self._live(name, self.clock())
            if entry is not None:
                self._entries[name] = engine.give_back(entry)

    def peek(self, checks: Sequence[Check]) -> list[Usage]:
        """Each identity's standing, nothing spent."""
        with self._lock:
            now = self.clock()
            return [self._peek_one(check, now) for check in checks]

    def _peek_one(self, check: Check, now: int) -> Usage:
        peek = check.policy.engine.peek(self._live(check.key, now), now, check.policy)
        return Usage(check.policy, check.identity, *peek)

    def reset(self, checks: Sequence[Check]) -> int:
        """Forget these identities' state; returns how many existed."""
        with self._lock:
            now = self.clock()
            found = 0
            for check in checks:
                entry = self._entries.pop(check.key, None)
                found += entry is not None and entry.expires_at > now
            return found
